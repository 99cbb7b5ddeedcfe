import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CART_STRINGS, cartStrings } from '../../src/components/fitting-room-dialog/cart/cart-strings.js';

/** English (messages.ts) and every language of locales/. */
const SUPPORTED_LOCALES = ['en', ...readdirSync(new URL('../../src/components/fitting-room-dialog/locales/', import.meta.url)).map((file) => file.replace(/\.ts$/, ''))];

describe('the native add to cart’s strings', () => {
  it('exist in every language of the dialog, each with every key, none empty or left in English', () => {
    expect(Object.keys(CART_STRINGS).sort()).toEqual([...SUPPORTED_LOCALES].sort());
    const keys = Object.keys(CART_STRINGS.en).sort();
    for (const [locale, strings] of Object.entries(CART_STRINGS)) {
      expect(Object.keys(strings).sort(), locale).toEqual(keys);
      for (const [key, text] of Object.entries(strings)) {
        expect(text.trim(), `${locale}.${key}`).not.toBe('');
        if (locale !== 'en') expect(text, `${locale}.${key}`).not.toBe(CART_STRINGS.en[key as keyof typeof CART_STRINGS.en]);
      }
    }
  });

  it('follow the dialog’s language, fall back to English, and take the merchant’s overrides by key', () => {
    expect(cartStrings('de-AT', null).cartView).toBe('Warenkorb ansehen');
    expect(cartStrings('pt', null).cartView).toBe('View cart');
    expect(cartStrings('en', { cartView: 'Go to bag', cartAdded: 42 })).toMatchObject({ cartView: 'Go to bag', cartAdded: 'Added to your cart.' });
  });
});
