import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OBSERVED_ATTRIBUTES } from '../../src/components/fitting-room/attributes.js';

/** The `@attr` lines of the element's JSDoc: what the custom elements manifest and editors show. */
function documentedAttributes(): string[] {
  const source = readFileSync(new URL('../../src/components/fitting-room/fitting-room.component.ts', import.meta.url), 'utf8');
  return [...source.matchAll(/^\s*\*\s*@attr\s+(?:\{[^}]*\}\s+)?([\w-]+)/gm)].map((match) => match[1]);
}

describe('<fitting-room> attributes', () => {
  it('documents exactly the attributes the element observes', () => {
    expect(documentedAttributes().sort()).toEqual([...OBSERVED_ATTRIBUTES].sort());
  });
});
