import { createHmac } from 'node:crypto';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { APP_PROXY_MAX_SKEW_MS, appProxyMessage, shopifyAppProxy, signAppProxyParams, verifyAppProxySignature } from '../../src/server/shopify-app-proxy.js';

/** Shopify's own worked example ("Authenticate app proxies"): secret `hush`, and the signature it documents. */
const DOC_SECRET = 'hush';
const DOC_TIMESTAMP = 1317327555;
const DOC_QUERY =
  'extra=1&extra=2&shop=shop-name.myshopify.com&logged_in_customer_id=1&path_prefix=%2Fapps%2Fawesome_reviews&timestamp=1317327555&signature=4c68c8624d737112c91818c11017d24d334b524cb5c2b8ba08daa056f7395ddb';
const docUrl = (query = DOC_QUERY) => new URL(`https://proxy-domain.com/proxy/extra/path/components?${query}`);
const docNow = DOC_TIMESTAMP * 1000;

const SECRET = 'shpss_0123456789abcdef0123456789abcdef';

/** Builds a forwarded URL the way Shopify does: the shopper's query plus Shopify's parameters and signature. */
async function forwarded(path: string, { timestamp = Math.floor(Date.now() / 1000), shop = 'fitting-room-test.myshopify.com', extra = '', secret = SECRET } = {}) {
  const params = new URLSearchParams(extra);
  params.append('shop', shop);
  params.append('logged_in_customer_id', '');
  params.append('path_prefix', '/apps/fitting-room');
  params.append('timestamp', String(timestamp));
  params.append('signature', await signAppProxyParams(params, secret));
  return new URL(`https://proxy.example${path}?${params}`);
}

describe('verifyAppProxySignature', () => {
  it('accepts Shopify’s documented example', async () => {
    expect(await verifyAppProxySignature(docUrl(), DOC_SECRET, docNow)).toEqual({
      ok: true,
      shop: 'shop-name.myshopify.com',
      pathPrefix: '/apps/awesome_reviews',
      loggedInCustomerId: '1',
    });
  });

  it('signs like Shopify: values of one key joined with commas, pairs sorted, no separator', async () => {
    const params = docUrl().searchParams;
    expect(appProxyMessage(params)).toBe('extra=1,2logged_in_customer_id=1path_prefix=/apps/awesome_reviewsshop=shop-name.myshopify.comtimestamp=1317327555');
    expect(await signAppProxyParams(params, DOC_SECRET)).toBe(params.get('signature'));
  });

  it('sorts the key=value strings, not the keys (Shopify’s Ruby sorts the joined pairs)', async () => {
    // "a-b=…" sorts before "a=…" as strings ('-' < '='), although the key "a" sorts before "a-b".
    const params = new URLSearchParams('a=1&a-b=2&timestamp=1');
    expect(appProxyMessage(params)).toBe('a-b=2a=1timestamp=1');
    params.set('signature', createHmac('sha256', 'k').update('a-b=2a=1timestamp=1').digest('hex'));
    params.set('shop', 'x.myshopify.com');
    // `shop` was added after signing: the signature no longer matches.
    expect(await verifyAppProxySignature(new URL(`https://p.example/?${params}`), 'k', 1000)).toEqual({ ok: false, reason: 'signature-mismatch' });
  });

  it('refuses a changed parameter, an added one, or another secret', async () => {
    expect(await verifyAppProxySignature(docUrl(DOC_QUERY.replace('shop-name', 'other-shop')), DOC_SECRET, docNow)).toEqual({ ok: false, reason: 'signature-mismatch' });
    expect(await verifyAppProxySignature(docUrl(`${DOC_QUERY}&admin=1`), DOC_SECRET, docNow)).toEqual({ ok: false, reason: 'signature-mismatch' });
    expect(await verifyAppProxySignature(docUrl(), 'not-hush', docNow)).toEqual({ ok: false, reason: 'signature-mismatch' });
  });

  it('refuses a missing or malformed signature and timestamp', async () => {
    const without = (name: string) => {
      const params = docUrl().searchParams;
      params.delete(name);
      return new URL(`https://p.example/?${params}`);
    };
    expect(await verifyAppProxySignature(without('signature'), DOC_SECRET, docNow)).toEqual({ ok: false, reason: 'signature-missing' });
    expect(await verifyAppProxySignature(without('timestamp'), DOC_SECRET, docNow)).toEqual({ ok: false, reason: 'timestamp-missing' });
    expect(await verifyAppProxySignature(docUrl(DOC_QUERY.replace(/signature=\w+/, 'signature=abc')), DOC_SECRET, docNow)).toEqual({ ok: false, reason: 'signature-malformed' });
    expect(await verifyAppProxySignature(docUrl(DOC_QUERY.replace(/signature=\w{2}/, 'signature=zz')), DOC_SECRET, docNow)).toEqual({ ok: false, reason: 'signature-malformed' });
    expect(await verifyAppProxySignature(docUrl(DOC_QUERY.replace('timestamp=1317327555', 'timestamp=1e9')), DOC_SECRET, docNow)).toEqual({
      ok: false,
      reason: 'timestamp-invalid',
    });
  });

  it('accepts the signature in upper-case hex', async () => {
    const upper = DOC_QUERY.replace(/signature=(\w+)/, (_, hex: string) => `signature=${hex.toUpperCase()}`);
    expect((await verifyAppProxySignature(docUrl(upper), DOC_SECRET, docNow)).ok).toBe(true);
  });

  it(`allows ±${APP_PROXY_MAX_SKEW_MS / 1000} s of clock skew and no more`, async () => {
    const url = await forwarded('/session', { timestamp: 1_700_000_000 });
    const at = (seconds: number) => verifyAppProxySignature(url, SECRET, (1_700_000_000 + seconds) * 1000);
    expect((await at(0)).ok).toBe(true);
    expect((await at(90)).ok).toBe(true);
    expect((await at(-90)).ok).toBe(true);
    expect(await at(91)).toEqual({ ok: false, reason: 'timestamp-skewed' });
    expect(await at(-91)).toEqual({ ok: false, reason: 'timestamp-skewed' });
    expect(await at(86_400)).toEqual({ ok: false, reason: 'timestamp-skewed' });
  });

  it('refuses duplicated Shopify parameters, even when the signature covers them', async () => {
    for (const name of ['shop', 'timestamp', 'path_prefix', 'logged_in_customer_id']) {
      const params = new URLSearchParams({ shop: 'a.myshopify.com', path_prefix: '/apps/x', logged_in_customer_id: '', timestamp: '1700000000' });
      params.append(name, name === 'timestamp' ? '1700000001' : 'b.myshopify.com');
      params.append('signature', await signAppProxyParams(params, SECRET));
      expect(await verifyAppProxySignature(new URL(`https://p.example/?${params}`), SECRET, 1_700_000_000_000), name).toEqual({ ok: false, reason: 'parameter-duplicated' });
    }
    const twice = await forwarded('/session', { timestamp: 1_700_000_000 });
    twice.searchParams.append('signature', twice.searchParams.get('signature')!);
    expect(await verifyAppProxySignature(twice, SECRET, 1_700_000_000_000)).toEqual({ ok: false, reason: 'parameter-duplicated' });
  });

  it('keeps repeated shopper parameters (Shopify joins them) and decodes + and %XX like Shopify', async () => {
    const url = await forwarded('/session', { timestamp: 1_700_000_000, extra: 'q=red+tee&q=%C3%A9t%C3%A9&size=M' });
    expect((await verifyAppProxySignature(url, SECRET, 1_700_000_000_000)).ok).toBe(true);
    expect(appProxyMessage(url.searchParams)).toContain('q=red tee,été');
  });

  it('refuses a request without a shop, and an empty secret outright', async () => {
    const params = new URLSearchParams({ path_prefix: '/apps/x', timestamp: '1700000000' });
    params.append('signature', await signAppProxyParams(params, SECRET));
    expect(await verifyAppProxySignature(new URL(`https://p.example/?${params}`), SECRET, 1_700_000_000_000)).toEqual({ ok: false, reason: 'shop-missing' });
    await expect(verifyAppProxySignature(docUrl(), '', docNow)).rejects.toThrow(/secret/);
  });
});

describe('shopifyAppProxy middleware', () => {
  function app(options: Partial<Parameters<typeof shopifyAppProxy>[0]> = {}) {
    const rejected: string[] = [];
    const api = new Hono();
    api.use('/session', shopifyAppProxy({ secret: SECRET, onReject: (reason) => rejected.push(reason), ...options }));
    api.post('/session', (c) => c.json({ token: 'issued' }));
    api.options('/session', (c) => c.body(null, 204));
    api.get('/jobs/x', (c) => c.json({ open: true }));
    return { api, rejected };
  }

  it('serves POST /session to a correctly signed request', async () => {
    const { api } = app();
    const response = await api.request((await forwarded('/session')).href, { method: 'POST' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ token: 'issued' });
  });

  it('answers anything else with the contract’s error envelope, and says why to onReject', async () => {
    const { api, rejected } = app();
    const unsigned = await api.request('https://proxy.example/session', { method: 'POST' });
    expect(unsigned.status).toBe(403);
    expect(await unsigned.json()).toEqual({ error: { code: 'ORIGIN_NOT_ALLOWED', message: expect.stringContaining('App Proxy'), retryable: false } });

    const forged = await forwarded('/session', { secret: 'another-apps-secret' });
    expect((await api.request(forged.href, { method: 'POST' })).status).toBe(403);

    const old = await forwarded('/session', { timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect((await api.request(old.href, { method: 'POST' })).status).toBe(403);
    expect(rejected).toEqual(['signature-missing', 'signature-mismatch', 'timestamp-skewed']);
  });

  it('uses the injected clock, and limits shops when told', async () => {
    const signedAt = 1_700_000_000;
    const { api } = app({ now: () => signedAt * 1000 + 30_000, shops: ['Fitting-Room-Test.myshopify.com'] });
    expect((await api.request((await forwarded('/session', { timestamp: signedAt })).href, { method: 'POST' })).status).toBe(200);
    const other = await forwarded('/session', { timestamp: signedAt, shop: 'someone-else.myshopify.com' });
    expect((await api.request(other.href, { method: 'POST' })).status).toBe(403);
  });

  it('lets CORS preflights and the routes it is not mounted on through', async () => {
    const { api } = app();
    expect((await api.request('https://proxy.example/session', { method: 'OPTIONS' })).status).toBe(204);
    expect((await api.request('https://proxy.example/jobs/x')).status).toBe(200);
  });
});

describe('the proxy in App Proxy mode (SHOPIFY_APP_PROXY_SECRET)', () => {
  it('serves sessions only to requests Shopify signed', async () => {
    const { startProxy, SHOP_ORIGIN } = await import('./harness.js');
    const proxy = await startProxy({ SHOPIFY_APP_PROXY_SECRET: SECRET });
    try {
      const post = (query = '') => fetch(`${proxy.url}/session${query}`, { method: 'POST', headers: { origin: SHOP_ORIGIN } });
      const unsigned = await post();
      expect(unsigned.status).toBe(403);
      expect(((await unsigned.json()) as { error: { code: string } }).error.code).toBe('ORIGIN_NOT_ALLOWED');
      const params = new URLSearchParams({
        shop: 'demo.myshopify.com',
        logged_in_customer_id: '',
        path_prefix: '/apps/fitting-room',
        timestamp: String(Math.floor(Date.now() / 1000)),
      });
      params.append('signature', await signAppProxyParams(params, SECRET));
      expect((await post(`?${params}`)).status).toBe(200);
      expect(proxy.logs.some((line) => line.includes('app_proxy.rejected'))).toBe(true);
    } finally {
      await proxy.close();
    }
  });
});
