import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminCookieSigner } from '../../src/server/admin/cookie.js';
import { expectError, SECRET, SHOP_ORIGIN, startProxy, type TestProxy } from './harness.js';

const ADMIN_TOKEN = 'the-admin-token-of-this-test-0123456789';

describe('the dashboard under /admin', () => {
  let proxy: TestProxy;
  let self: string;
  /** As a browser posts a form of the page itself. */
  const sameOriginForm = { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' };
  const login = (token: string, headers: Record<string, string> = sameOriginForm) =>
    fetch(`${proxy.url}/admin/login`, { method: 'POST', headers, body: new URLSearchParams({ token }), redirect: 'manual' });
  const signedInCookie = async () => {
    const response = await login(ADMIN_TOKEN);
    expect(response.status).toBe(303);
    return response.headers.get('set-cookie')!.split(';')[0]!;
  };

  beforeAll(async () => {
    proxy = await startProxy({ FITTING_ROOM_ADMIN_TOKEN: ADMIN_TOKEN, FITTING_ROOM_ADMIN_LOGINS_PER_IP: '8/600' });
    self = new URL(proxy.url).origin;
  });
  afterAll(() => proxy.close());

  it('shows the sign-in form to strangers, under a CSP without inline script', async () => {
    const response = await fetch(`${proxy.url}/admin`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<label for="token">Admin token</label>');
    expect(html).not.toContain('Try-on analytics');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    expect(html).not.toMatch(/<script>|<script(?![^>]*src=)[^>]*>|style="/);
  });

  it('refuses the API and the export without a token, with a wrong one, with a forged or an expired cookie', async () => {
    for (const path of ['admin/api/summary', 'admin/export.csv']) {
      await expectError(await fetch(`${proxy.url}/${path}`), 401, 'TOKEN_INVALID');
      await expectError(await fetch(`${proxy.url}/${path}`, { headers: { authorization: 'Bearer wrong-token' } }), 401, 'TOKEN_INVALID');
      const expired = await new AdminCookieSigner(ADMIN_TOKEN, SECRET).issue(Date.now() - 9 * 3600_000);
      await expectError(await fetch(`${proxy.url}/${path}`, { headers: { cookie: `fr_admin=${expired}` } }), 401, 'TOKEN_INVALID');
      const forged = await new AdminCookieSigner('some-other-token-of-enough-length', SECRET).issue();
      await expectError(await fetch(`${proxy.url}/${path}`, { headers: { cookie: `fr_admin=${forged}` } }), 401, 'TOKEN_INVALID');
      const valid = (await new AdminCookieSigner(ADMIN_TOKEN, SECRET).issue()).split('.');
      await expectError(await fetch(`${proxy.url}/${path}`, { headers: { cookie: `fr_admin=${Number(valid[0]) + 3600}.${valid[1]}` } }), 401, 'TOKEN_INVALID');
    }
  });

  it('lets tools in with the bearer token, and serves the CSV without formulas', async () => {
    const origin = SHOP_ORIGIN;
    const beacon = { v: 1, events: [{ name: 'exposure', arm: 'holdout', experiment: 'e1', productId: '=HYPERLINK("https://evil.example")' }] };
    expect((await fetch(`${proxy.url}/events`, { method: 'POST', headers: { origin, 'content-type': 'text/plain' }, body: JSON.stringify(beacon) })).status).toBe(204);
    const response = await fetch(`${proxy.url}/admin/export.csv?days=7`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="fitting-room-analytics-\d{4}-\d\d-\d\d-to-\d{4}-\d\d-\d\d\.csv"$/);
    const lines = (await response.text()).trim().split('\r\n');
    expect(lines[0]).toBe('day,kind,experiment,arm,event,product,code,provider,bucket_ms,currency,measure,value');
    expect(lines[1]).toMatch(/^\d{4}-\d\d-\d\d,funnel,e1,holdout,exposure,"'=HYPERLINK\(""https:\/\/evil\.example""\)",,,,,events,1$/);
    await expectError(await fetch(`${proxy.url}/admin/api/summary?days=0`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }), 400, 'BAD_REQUEST');
  });

  it('signs in with the form: an httpOnly, SameSite=Strict cookie scoped to /admin with an expiry; signs out', async () => {
    const wrong = await login('not-the-token');
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('role="alert"');

    const response = await login(ADMIN_TOKEN);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/admin');
    const setCookie = response.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^fr_admin=\d+\.[\w-]{43}; Path=\/admin; Max-Age=28800; HttpOnly; SameSite=Strict$/);
    const cookie = setCookie.split(';')[0]!;

    const page = await fetch(`${proxy.url}/admin`, { headers: { cookie } });
    expect(await page.text()).toContain('<h1>Try-on analytics</h1>');
    expect((await fetch(`${proxy.url}/admin/api/summary`, { headers: { cookie } })).status).toBe(200);

    const logout = await fetch(`${proxy.url}/admin/logout`, { method: 'POST', headers: { cookie, 'sec-fetch-site': 'same-origin' }, redirect: 'manual' });
    expect(logout.status).toBe(303);
    expect(logout.headers.get('set-cookie')).toMatch(/^fr_admin=; Path=\/admin; Max-Age=0; HttpOnly; SameSite=Strict/);
  });

  it('refuses cross-site POSTs: sign-in and sign-out from another site', async () => {
    const cookie = await signedInCookie();
    await expectError(await login(ADMIN_TOKEN, { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' }), 403, 'ORIGIN_NOT_ALLOWED');
    await expectError(await login(ADMIN_TOKEN, { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' }), 403, 'ORIGIN_NOT_ALLOWED');
    const logout = (headers: Record<string, string>) => fetch(`${proxy.url}/admin/logout`, { method: 'POST', headers: { cookie, ...headers }, redirect: 'manual' });
    await expectError(await logout({ 'sec-fetch-site': 'same-site' }), 403, 'ORIGIN_NOT_ALLOWED');
    await expectError(await logout({ origin: 'https://evil.example' }), 403, 'ORIGIN_NOT_ALLOWED');
    await expectError(await logout({}), 403, 'ORIGIN_NOT_ALLOWED');
    // An older browser without Sec-Fetch-Site, posting from the dashboard's own origin.
    expect((await logout({ origin: self })).status).toBe(303);
  });

  it('answers a brute-force burst of sign-ins (and of bearer guesses) with 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await login(`guess-${i}`)).status);
    expect(statuses.slice(-3)).toEqual([429, 429, 429]);
    // Now even the right token waits: the limit counts attempts, not failures only.
    const refused = await login(ADMIN_TOKEN);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.text()).toContain('Too many sign-in attempts');
    const guess = await fetch(`${proxy.url}/admin/api/summary`, { headers: { authorization: 'Bearer guess' } });
    expect((await expectError(guess, 429, 'RATE_LIMITED')).error.message).toMatch(/sign-in attempts/);
    expect(Number(guess.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('serves uPlot and the dashboard script only under /admin/assets, cached by version', async () => {
    const html = await (await fetch(`${proxy.url}/admin`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((match) => match[1]!);
    expect(scripts).toEqual([expect.stringMatching(/^\/admin\/assets\/uplot-\d+\.\d+\.\d+\.min\.js$/), '/admin/assets/dashboard.js']);
    const uplot = await fetch(`${self}${scripts[0]}`);
    expect(uplot.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await uplot.text()).toContain('uPlot');
  });
});
