/**
 * Strings that live in a lazy chunk rather than in messages.ts (the look's, the model gallery's):
 * the table of the dialog's `locale` (its language, e.g. `de` or `pt`, else English), with the
 * merchant's `strings` overrides applied by key.
 */
export function localized(tables: Record<string, Record<string, string>>, locale: string, overrides: unknown): Record<string, string> {
  const base = tables[locale.split(/[-_]/)[0].toLowerCase()] ?? tables.en;
  const given = overrides && typeof overrides === 'object' ? (overrides as Record<string, unknown>) : {};
  return Object.fromEntries(Object.entries(base).map(([key, text]) => [key, typeof given[key] === 'string' ? (given[key] as string) : text]));
}
