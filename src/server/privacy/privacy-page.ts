import { EN, format, formatDuration, type Strings } from '../../components/fitting-room-dialog/messages.js';
import ar from '../../components/fitting-room-dialog/locales/ar.js';
import de from '../../components/fitting-room-dialog/locales/de.js';
import es from '../../components/fitting-room-dialog/locales/es.js';
import fr from '../../components/fitting-room-dialog/locales/fr.js';
import ja from '../../components/fitting-room-dialog/locales/ja.js';
import { PRIVACY_TEXT } from './privacy-text.js';

/** The dialog's strings per language: the notice names its buttons and labels exactly as the shopper sees them. */
const WIDGET_STRINGS: Record<string, Strings> = { en: EN, de, fr, es, ja, ar };
export const PRIVACY_LANGUAGES = Object.keys(PRIVACY_TEXT);

/** What the notice says, from the running configuration. */
export interface PrivacyFacts {
  shopName: string;
  /** The provider's label from the registry ("TryonAPI"); the sandbox is said as such. */
  providerLabel: string;
  sandbox: boolean;
  retentionSeconds: number;
  /** 0: no consent records are kept, and the notice does not mention them. */
  consentRetentionSeconds: number;
}

/** The page's only style, sent inline and allowed by its hash in the Content-Security-Policy. */
export const PRIVACY_STYLE =
  ':root{color-scheme:light dark;font:1.0625rem/1.6 system-ui,sans-serif}body{margin:0;padding:1.5rem 1rem 3rem;background:Canvas;color:CanvasText}' +
  'main,nav{max-inline-size:40rem;margin-inline:auto}h1{font-size:1.5rem;line-height:1.3}h2{font-size:1.15rem;margin-block-start:2rem}' +
  'nav ul{display:flex;flex-wrap:wrap;gap:.25rem 1rem;padding:0;list-style:none}a{color:LinkText}a:focus-visible{outline:3px solid;outline-offset:2px}code{white-space:nowrap}';

/**
 * The language of the notice: `?lang=` when it names one of the six, else the first of
 * Accept-Language's (by weight) that is one, else English.
 */
export function pickLanguage(query: string | undefined, acceptLanguage: string | undefined): string {
  const primary = (tag: string) => tag.trim().split(/[-_;]/)[0]!.toLowerCase();
  if (query && PRIVACY_LANGUAGES.includes(primary(query))) return primary(query);
  const wanted = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => ({ lang: primary(part), weight: Number(/;\s*q=([\d.]+)/.exec(part)?.[1] ?? 1), index }))
    .filter(({ weight }) => weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  return wanted.find(({ lang }) => PRIVACY_LANGUAGES.includes(lang))?.lang ?? 'en';
}

/** The whole page, every value escaped. */
export function renderPrivacyPage(lang: string, facts: PrivacyFacts): string {
  const text = PRIVACY_TEXT[lang] ?? PRIVACY_TEXT.en!;
  const widget = WIDGET_STRINGS[lang] ?? EN;
  const values: Record<string, string> = {
    shop: facts.shopName,
    provider: facts.providerLabel,
    aiLabel: widget.aiLabel,
    remember: widget.remember,
    deletePhoto: widget.deletePhoto,
    retention: spokenDuration(facts.retentionSeconds, lang),
    consentRetention: spokenDuration(facts.consentRetentionSeconds, lang),
  };
  /** Plain text (the title): everything escaped. */
  const plain = (template: string) => escapeHtml(format(template, values));
  /** Markup: the template and each value escaped on their own; values isolated (<bdi>), so a Latin shop name keeps its order in Arabic. */
  const say = (template: string) =>
    escapeHtml(template)
      .replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? `<bdi>${escapeHtml(values[name]!)}</bdi>` : whole))
      .replace('DELETE /jobs/{id}', '<code dir="ltr">DELETE /jobs/{id}</code>');
  const section = (heading: string, ...paragraphs: string[]) => `<h2>${say(heading)}</h2>${paragraphs.map((paragraph) => `<p>${say(paragraph)}</p>`).join('')}`;
  const others = PRIVACY_LANGUAGES.filter((other) => other !== lang)
    .map((other) => `<li><a href="?lang=${other}" hreflang="${other}" lang="${other}">${escapeHtml(PRIVACY_TEXT[other]!.name)}</a></li>`)
    .join('');
  return (
    `<!doctype html><html lang="${lang}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${plain(text.title)}</title><style>${PRIVACY_STYLE}</style></head>` +
    `<body><main><h1>${say(text.title)}</h1><p>${say(text.intro)}</p>` +
    section(text.whatHeading, text.what) +
    section(text.whoHeading, facts.sandbox ? text.whoSandbox : text.who) +
    section(text.howLongHeading, text.howLong, text.remembered, ...(facts.consentRetentionSeconds ? [text.consentRecord] : [])) +
    section(text.deleteHeading, text.delete, text.deleteApi) +
    `</main><nav aria-labelledby="languages"><h2 id="languages">${plain(text.languages)}</h2><ul>${others}</ul></nav></body></html>`
  );
}

const YEAR_S = 365 * 86_400;

/** "1 year" where a duration is whole years (the consent records' default), else the widget's own wording. */
function spokenDuration(seconds: number, lang: string): string {
  if (seconds < YEAR_S || seconds % YEAR_S) return formatDuration(seconds, lang);
  return new Intl.NumberFormat(lang, { style: 'unit', unit: 'year', unitDisplay: 'long' }).format(seconds / YEAR_S);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (character) => ENTITIES[character]!);
