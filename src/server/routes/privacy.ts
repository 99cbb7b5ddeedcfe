import { Hono } from 'hono';
import { pickLanguage, PRIVACY_STYLE, renderPrivacyPage, type PrivacyFacts } from '../privacy/privacy-page.js';
import { respond } from '../middleware/response-headers.js';

/**
 * `GET /privacy`: the privacy notice of the running configuration, in the shopper's language
 * (`?lang=`, else Accept-Language). A merchant links it as the widget's `privacy-url` or copies
 * it into their own notice. No script; its one inline style is allowed by hash only.
 */
export function privacyRoutes(facts: PrivacyFacts) {
  const policy = styleHash().then((hash) => `default-src 'none'; style-src '${hash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`);
  return new Hono().get('/privacy', async (c) => {
    const lang = pickLanguage(c.req.query('lang'), c.req.header('accept-language'));
    return respond(c, renderPrivacyPage(lang, facts), 200, {
      'content-type': 'text/html; charset=utf-8',
      'content-language': lang,
      'content-security-policy': await policy,
      // Not personal: a browser or CDN may keep it a while, per language.
      'cache-control': 'public, max-age=300',
      vary: 'Origin, Accept-Language',
    });
  });
}

async function styleHash(): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(PRIVACY_STYLE)));
  return `sha256-${btoa(String.fromCharCode(...digest))}`;
}
