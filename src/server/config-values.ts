import type { Limit } from './rate-limit.js';

/**
 * Readers of one environment value each, shared by `readConfig` and the providers' settings:
 * each names the variable and the expected form in a `ConfigError`, so every configuration
 * mistake reads the same way whoever finds it.
 */

/** A missing or malformed setting: its message is one line for the operator, naming the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Comma-separated items, trimmed, empty ones dropped. */
export const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

export function parseUrl(value: string, name: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new ConfigError(`${name}: "${value}" is not a URL.`);
  }
}

/** A non-negative number (seconds, milliseconds, counts), or `fallback` when unset. */
export function nonNegative(value: string | undefined, fallback: number, name: string): number {
  if (value == null || value === '') return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new ConfigError(`${name} must be a non-negative number, got "${value}".`);
  return number;
}

/** A whole number (counts; 0 usually turns a limit off), or `fallback` when unset. */
export function wholeNumber(value: string | undefined, fallback: number, name: string): number {
  if (value == null || value === '') return fallback;
  if (!/^\d+$/.test(value.trim())) throw new ConfigError(`${name} must be a whole number, got "${value}".`);
  return Number(value);
}

/** A number greater than zero, or `fallback` when unset. */
export function positive(value: string | undefined, fallback: number, name: string): number {
  if (value == null || value === '') return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new ConfigError(`${name} must be a positive number, got "${value}".`);
  return number;
}

/** true/false (also 1/0, yes/no), or undefined when unset. */
export function flag(value: string | undefined, name: string): boolean | undefined {
  if (value == null || value === '') return undefined;
  if (/^(1|true|yes)$/i.test(value)) return true;
  if (/^(0|false|no)$/i.test(value)) return false;
  throw new ConfigError(`${name} must be true or false, got "${value}".`);
}

/** `N` or `N/SECONDS` (e.g. `20/600`: 20 per 10 minutes); 0 turns the limit off. */
export function limit(name: string, value: string | undefined, max: number, windowSeconds: number): Limit {
  if (!value) return { name, max, windowSeconds };
  const match = /^(\d+)(?:\/(\d+))?$/.exec(value.trim());
  if (!match) throw new ConfigError(`Rate limit for ${name} must look like 20 or 20/600 (count per seconds), got "${value}".`);
  return { name, max: Number(match[1]), windowSeconds: match[2] ? Number(match[2]) : windowSeconds };
}
