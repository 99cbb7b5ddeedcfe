import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickLanguage } from '../../src/server/privacy/privacy-page.js';
import { createSandbox } from '../../src/server/providers/sandbox/index.js';
import { startProxy, type TestProxy } from './harness.js';

const page = async (proxy: TestProxy, query = '', headers: Record<string, string> = {}) => {
  const response = await fetch(`${proxy.url}/privacy${query}`, { headers });
  expect(response.status).toBe(200);
  return { response, html: await response.text() };
};

describe('GET /privacy', () => {
  let proxy: TestProxy;
  beforeAll(async () => {
    // A provider that reports TryonAPI's label: the notice must name the provider actually configured.
    const provider = { ...createSandbox({ durationMs: 50 }), name: 'tryonapi', label: 'TryonAPI' };
    proxy = await startProxy(
      { FITTING_ROOM_RETENTION_S: '7200', FITTING_ROOM_CONSENT_RETENTION_S: String(30 * 86_400), FITTING_ROOM_SHOP_NAME: 'Élan <Mode> & "Co"' },
      { provider },
    );
  });
  afterAll(() => proxy?.close());

  it('says what is processed, by whom, for how long and how to delete, from the running configuration', async () => {
    const { response, html } = await page(proxy);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html).toMatch(/^<!doctype html><html lang="en" dir="ltr">/);
    expect(html).toContain('<title>Privacy notice: virtual try-on at Élan &lt;Mode&gt; &amp; &quot;Co&quot;</title>');
    expect(html).toContain('<h1>Privacy notice: virtual try-on at <bdi>Élan &lt;Mode&gt; &amp; &quot;Co&quot;</bdi></h1>');
    expect(html).not.toContain('<Mode>');
    expect(html).toContain('created by <bdi>TryonAPI</bdi>');
    expect(html).toContain('an AI system creates an altered image of you');
    expect(html).toContain('deleted <bdi>2 hours</bdi> after');
    expect(html).toContain('kept for <bdi>30 days</bdi>');
    expect(html).toContain('choose “<bdi>Delete my photo</bdi>”');
    expect(html).toContain('<code dir="ltr">DELETE /jobs/{id}</code>');
    expect(html).toContain('labelled “<bdi>AI-generated</bdi>”');
  });

  it('is served under a strict CSP whose style hash matches the only style, and no script', async () => {
    const { response, html } = await page(proxy);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/);
    const style = /<style>(.*?)<\/style>/s.exec(html)![1]!;
    expect(csp).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    expect(html).not.toMatch(/<script|\son\w+=/i);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('speaks the six languages, by ?lang= or Accept-Language, right to left in Arabic', async () => {
    const expected: Record<string, [string, string]> = {
      de: ['ltr', 'Datenschutzhinweis'],
      fr: ['ltr', 'Avis de confidentialité'],
      es: ['ltr', 'Aviso de privacidad'],
      ja: ['ltr', 'プライバシーに関するお知らせ'],
      ar: ['rtl', 'إشعار الخصوصية'],
      en: ['ltr', 'Privacy notice'],
    };
    for (const [lang, [dir, title]] of Object.entries(expected)) {
      const { response, html } = await page(proxy, `?lang=${lang}`);
      expect(html).toContain(`<html lang="${lang}" dir="${dir}">`);
      expect(html).toContain(`<h1>${title}`);
      expect(response.headers.get('content-language')).toBe(lang);
      // The retention in the language's own words, and the provider in every language.
      expect(html).toContain(new Intl.NumberFormat(lang, { style: 'unit', unit: 'hour', unitDisplay: 'long' }).format(2));
      expect(html).toContain('TryonAPI');
      // Links to the five others.
      expect(html.match(/hreflang="/g)).toHaveLength(5);
    }
    const { html } = await page(proxy, '', { 'accept-language': 'pt-BR, ar;q=0.8, de;q=0.9' });
    expect(html).toContain('<html lang="de"');
    expect((await page(proxy, '?lang=ar', { 'accept-language': 'de' })).html).toContain('dir="rtl"');
  });

  it('says the sandbox sends photos to no other company', async () => {
    const sandbox = await startProxy();
    try {
      const { html } = await page(sandbox);
      expect(html).toContain('your photo is sent to no other company');
      // The shop's name falls back to the first allowed origin's host.
      expect(html).toContain('virtual try-on at <bdi>shop.example</bdi>');
      // The default consent retention, said as a person says it.
      expect(html).toContain('kept for <bdi>1 year</bdi>');
    } finally {
      await sandbox.close();
    }
  });
});

describe('pickLanguage', () => {
  it('prefers ?lang=, then Accept-Language by weight, then English', () => {
    expect(pickLanguage('fr-CA', 'de')).toBe('fr');
    expect(pickLanguage('xx', 'ja;q=0.5, es;q=0.7')).toBe('es');
    expect(pickLanguage(undefined, 'es;q=0, ja')).toBe('ja');
    expect(pickLanguage(undefined, 'zh-TW')).toBe('en');
    expect(pickLanguage(undefined, undefined)).toBe('en');
  });
});
