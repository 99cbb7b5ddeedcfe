import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROVIDER_CATALOG } from '../../src/server/providers/catalog.js';

/** The operator's guide lists the providers the registry has, and each provider setting as the provider declares it. */
// Table cells may be padded for alignment: rows are compared with their spaces collapsed.
const rows = readFileSync(new URL('../../src/server/README.md', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.startsWith('|'))
  .map((line) => line.replace(/ +/g, ' '));
const rowOf = (cell: string) => rows.find((line) => line.includes(cell));

describe('the operator’s guide and the provider registry', () => {
  it.each(PROVIDER_CATALOG.map((entry) => [entry.name, entry] as const))('lists %s with its FITTING_ROOM_PROVIDER value', (name, entry) => {
    const row = rows.find((line) => line.toLowerCase().startsWith(`| ${entry.label.toLowerCase()} | \`${name}\``));
    expect(row, `no row "| ${entry.label} | \`${name}\` |" in the providers table`).toBeDefined();
  });

  it.each(PROVIDER_CATALOG.flatMap((entry) => entry.settings.map((setting) => [setting.variable, entry.label, setting] as const)))(
    'documents %s of %s with its default, or as required',
    (variable, _label, setting) => {
      const row = rowOf(`| \`${variable}\` |`);
      expect(row, `no row for ${variable}`).toBeDefined();
      if (setting.default) expect(row).toContain(setting.default);
      // FITTING_ROOM_PUBLIC_URL is optional for the proxy and required by Mirrago: the providers table says so.
      else if (setting.required && !variable.startsWith('FITTING_ROOM_')) expect(row).toMatch(/required/);
    },
  );
});
