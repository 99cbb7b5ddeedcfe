import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { transition } from '../../src/components/fitting-room-dialog/flow-state.js';
import { LOOK_STRINGS, lookStrings } from '../../src/components/fitting-room-dialog/look/look-strings.js';
import { withItem, type LookItem } from '../../src/components/fitting-room-dialog/look/look-store.js';
import { MODEL_STRINGS } from '../../src/components/fitting-room-dialog/models/model-strings.js';

const item = (category: string, title = category): LookItem => ({ garment: `https://shop.example/${title}.png`, category, title });
const titles = (look: LookItem[]) => look.map((kept) => kept.title);

describe('a look', () => {
  it('keeps one item per slot, in the order the garments go on', () => {
    let look = withItem([], item('top', 'tee'));
    look = withItem(look, item('shoes', 'sneakers'));
    look = withItem(look, item('bottom', 'trousers'));
    look = withItem(look, item('bag', 'tote'));
    expect(titles(look)).toEqual(['trousers', 'tee', 'sneakers', 'tote']);
    // Outerwear takes the top's slot; an accessory the bag's.
    look = withItem(look, item('outerwear', 'jacket'));
    look = withItem(look, item('accessory', 'scarf'));
    expect(titles(look)).toEqual(['trousers', 'jacket', 'sneakers', 'scarf']);
  });

  it('lets a dress replace top and bottom, and a top or bottom replace a dress', () => {
    const outfit = withItem(withItem(withItem([], item('top', 'tee')), item('bottom', 'trousers')), item('shoes', 'boots'));
    const dressed = withItem(outfit, item('dress', 'dress'));
    expect(titles(dressed)).toEqual(['dress', 'boots']);
    expect(titles(withItem(dressed, item('full', 'jumpsuit')))).toEqual(['jumpsuit', 'boots']);
    expect(titles(withItem(dressed, item('top', 'shirt')))).toEqual(['shirt', 'boots']);
  });
});

describe('a look’s job in the flow', () => {
  it('shows which garment is being put on, and which one failed', () => {
    const running = transition({ step: 'queued' }, { type: 'job-update', view: { status: 'running', progress: 0.4, step: { index: 2, count: 3 } } });
    expect(running).toEqual({ step: 'generating', progress: 0.4, part: { index: 2, count: 3 } });
    expect(transition(running, { type: 'failed', code: 'TRYON_FAILED', item: 2 })).toEqual({ step: 'error', code: 'TRYON_FAILED', item: 2 });
  });
});

const SUPPORTED_LOCALES = ['en', ...readdirSync(new URL('../../src/components/fitting-room-dialog/locales/', import.meta.url)).map((file) => file.replace(/\.ts$/, ''))];

describe.each([
  ['look', LOOK_STRINGS],
  ['model gallery', MODEL_STRINGS],
] as const)('the %s’s strings', (_, table) => {
  it('exist in every language of the dialog, each with every key and the same placeholders, none left in English', () => {
    expect(Object.keys(table).sort()).toEqual([...SUPPORTED_LOCALES].sort());
    const english = table.en as Record<string, string>;
    const placeholders = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort();
    for (const [locale, strings] of Object.entries(table) as [string, Record<string, string>][]) {
      expect(Object.keys(strings).sort(), locale).toEqual(Object.keys(english).sort());
      for (const [key, text] of Object.entries(strings)) {
        expect(text.trim(), `${locale}.${key}`).not.toBe('');
        expect(placeholders(text), `${locale}.${key}`).toEqual(placeholders(english[key]));
        if (locale !== 'en') expect(text, `${locale}.${key}`).not.toBe(english[key]);
      }
    }
  });
});

it('the look’s strings follow the dialog’s language and take the merchant’s overrides', () => {
  expect(lookStrings('ar-EG', null).lookHeading).toBe('إطلالتك');
  expect(lookStrings('pt', { lookHeading: 'My outfit', lookTry: 7 })).toMatchObject({ lookHeading: 'My outfit', lookTry: 'Try on the whole look' });
});
