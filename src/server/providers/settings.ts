/**
 * A provider's settings, declared once: each names its environment variable, whether it is
 * required, its default and a description (the README's provider table is made from these),
 * and how its value is read. `readSettings` turns the environment into the typed settings an
 * adapter receives; anything missing or malformed is a `ConfigError` naming the variable.
 */
import { ConfigError, nonNegative } from '../config-values.js';
import { maskString } from '../log.js';

export interface Setting<T> {
  /** The environment variable, e.g. `MIRRAGO_CLIENT_ID`. */
  variable: string;
  required: boolean;
  /** The default as the docs show it, when there is one. */
  default?: string;
  /** One line for the docs: what the value is and where to find it. */
  description: string;
  /** The value from the raw variable (undefined or blank when unset); throws a ConfigError. */
  read(raw: string | undefined, provider: string): T;
}

export type SettingsSchema = Record<string, Setting<unknown>>;

/** The typed settings a schema reads to: `{ baseUrl: URL; apiKey: string; … }`. */
export type SettingsOf<S extends SettingsSchema> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

/** Reads every setting of the schema from the environment. */
export function readSettings<S extends SettingsSchema>(schema: S, env: Record<string, string | undefined>, provider: string): SettingsOf<S> {
  return Object.fromEntries(Object.entries(schema).map(([key, setting]) => [key, setting.read(env[setting.variable], provider)])) as SettingsOf<S>;
}

const present = (raw: string | undefined) => raw?.trim() || undefined;

/** A required value (a key, a token, an id), trimmed. `why` replaces the generic advice when the variable is missing. */
export function required(variable: string, description: string, why?: (provider: string) => string): Setting<string> {
  return {
    variable,
    required: true,
    description,
    read(raw, provider) {
      const value = present(raw);
      if (!value) throw new ConfigError(why ? why(provider) : `${variable} is required for the ${provider} provider. Set it in the proxy's environment.`);
      return value;
    },
  };
}

/**
 * The provider's API base URL, without credentials, query or trailing slash. Required when
 * there is no `fallback` (a document that names no host); `whyRequired` then says so.
 */
export function baseUrl(variable: string, description: string, { fallback, whyRequired }: { fallback?: string; whyRequired?: string } = {}): Setting<URL> {
  return {
    variable,
    required: fallback === undefined,
    ...(fallback ? { default: fallback } : {}),
    description,
    read(raw, provider) {
      const value = present(raw) ?? fallback;
      if (!value) throw new ConfigError(`${variable} is required for the ${provider} provider${whyRequired ? `: ${whyRequired}` : '.'}`);
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        throw new ConfigError(`${variable} must be a URL like https://api.example.com, got "${maskString(value)}".`);
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`${variable} must be an http(s) URL.`);
      if (url.username || url.password || url.search) throw new ConfigError(`${variable} must not carry credentials or a query string; use the provider's key variables.`);
      url.pathname = url.pathname.replace(/\/+$/, '');
      return url;
    },
  };
}

/** An optional value read by `parse` (undefined when the value is not acceptable: then `expected` is the error). */
export function optional<T>(
  variable: string,
  description: string,
  { fallback, shownDefault, parse, expected }: { fallback: T; shownDefault?: string; parse: (value: string) => T | undefined; expected: string },
): Setting<T> {
  return {
    variable,
    required: false,
    ...(shownDefault ? { default: shownDefault } : {}),
    description,
    read(raw) {
      const value = present(raw);
      if (!value) return fallback;
      const parsed = parse(value);
      if (parsed === undefined) throw new ConfigError(`${variable} must be ${expected}.`);
      return parsed;
    },
  };
}

/** An optional duration in milliseconds (a non-negative number); undefined when unset. */
export function milliseconds(variable: string, description: string, shownDefault: string): Setting<number | undefined> {
  return {
    variable,
    required: false,
    default: shownDefault,
    description,
    read: (raw) => (raw ? nonNegative(raw, 0, variable) : undefined),
  };
}
