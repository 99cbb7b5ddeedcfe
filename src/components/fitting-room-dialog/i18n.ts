import { EN, type Strings } from './messages.js';

/** Each language other than English is its own small chunk, loaded only when the page asks for it. */
const LOCALES: Record<string, () => Promise<{ default: Strings }>> = {
  de: () => import('./locales/de.js'),
  fr: () => import('./locales/fr.js'),
  es: () => import('./locales/es.js'),
  ja: () => import('./locales/ja.js'),
  ar: () => import('./locales/ar.js'),
};
const RTL = ['ar', 'he', 'fa', 'ur'];

/** The dialog's language: the element's `locale`, else the page's `<html lang>`, else English. */
export function resolveLocale(attribute?: string | null): string {
  const tag = (attribute || document.documentElement.lang || 'en').trim();
  const lang = tag.split(/[-_]/)[0].toLowerCase();
  return lang in LOCALES ? tag : 'en';
}

export const direction = (locale: string) => (RTL.includes(locale.split(/[-_]/)[0].toLowerCase()) ? 'rtl' : 'ltr');

export async function loadStrings(locale: string): Promise<Strings> {
  const load = LOCALES[locale.split(/[-_]/)[0].toLowerCase()];
  return load ? (await load()).default : EN;
}

/** The merchant's `strings` (the element hands them over parsed) over the language's own. Unknown keys and non-strings are ignored. */
export function withOverrides(base: Strings, overrides: Partial<Strings> | null): Strings {
  if (!overrides || typeof overrides !== 'object') return base;
  const merged = { ...base };
  for (const [key, value] of Object.entries(overrides)) if (key in EN && typeof value === 'string') merged[key as keyof Strings] = value;
  return merged;
}
