/** Lenient readers for provider JSON: nothing here throws on a shape it did not expect. */

export type JsonObject = Record<string, unknown>;

/** Parses JSON without throwing: malformed or empty text is `undefined`. */
export function readJson(text: string): unknown {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
/** A non-empty string field, else undefined. */
export const str = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);
/** A field as a string, accepting numbers too (ids). */
export const idOf = (value: unknown): string | undefined => str(value) ?? (typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined);

/** Progress as 0..1 from 0..1, 0..100, or "45%"; undefined when absent or unreadable. */
export function normalizeProgress(value: unknown): number | undefined {
  let number: number;
  if (typeof value === 'number') number = value;
  else if (typeof value === 'string' && value.trim()) number = Number.parseFloat(value);
  else return undefined;
  if (!Number.isFinite(number) || number < 0) return undefined;
  const percent = typeof value === 'string' && value.includes('%');
  const fraction = percent || number > 1 ? number / 100 : number;
  return Math.min(1, Math.max(0, fraction));
}

/** The object without its undefined fields (so spreads never overwrite with undefined). */
export function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}

/** At most `max` characters of provider text, on one line. */
export function clip(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
