import { createHmac } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsentLedger, type ConsentRecord } from '../../src/server/consent-records.js';
import { MemoryState } from '../../src/server/state/memory.js';
import { ContractClient, SECRET, SHOP_ORIGIN, expectError, startProxy, type TestProxy } from './harness.js';
import { startRedis } from './redis-server.js';

const ADMIN_TOKEN = 'admin-token-for-the-tests-0123456789abcdef';
const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);
const receipt = (consentTextHash: string, consentLocale = 'de-DE') => ({ consentVersion: '2', consentTextHash, consentLocale });
const hmac = (message: string) => createHmac('sha256', SECRET).update(message).digest('hex');

/** What an operator's tool sends: a bearer token and no Origin (fetch in Node sends none). */
const exportConsents = (proxy: TestProxy, query = '', headers: Record<string, string> = { authorization: `Bearer ${ADMIN_TOKEN}` }) =>
  fetch(`${proxy.url}/admin/consents${query}`, { headers });

async function exportJson(proxy: TestProxy, query = '') {
  const response = await exportConsents(proxy, query);
  expect(response.status).toBe(200);
  return (await response.json()) as { count: number; records: ConsentRecord[] };
}

describe('consent records', () => {
  let proxy: TestProxy;
  beforeAll(async () => {
    proxy = await startProxy({ FITTING_ROOM_ADMIN_TOKEN: ADMIN_TOKEN, FITTING_ROOM_SANDBOX_DURATION_MS: '50' });
  });
  afterAll(() => proxy?.close());

  it('records one consent per session, version and text, with the session and address hashed', async () => {
    const shopper = await ContractClient.open(proxy);
    for (let job = 0; job < 3; job++) expect((await shopper.createJob({ extra: receipt(HASH_A) })).status).toBe(202);
    const { records } = await exportJson(proxy);
    expect(records).toHaveLength(1);
    const [record] = records;
    expect(record).toMatchObject({ origin: SHOP_ORIGIN, version: '2', textHash: HASH_A, locale: 'de-DE' });
    expect(Math.abs(Date.parse(record!.at) - Date.now())).toBeLessThan(10_000);
    // The address the proxy saw is loopback; only its HMAC with the secret is kept.
    const addresses = ['127.0.0.1', '::1', '::ffff:127.0.0.1'];
    expect(addresses.map((address) => hmac(`client\u0000${address}`))).toContain(record!.client);
    expect(record!.session).toMatch(/^[0-9a-f]{64}$/);
    const exported = JSON.stringify(records);
    for (const address of addresses) expect(exported).not.toContain(address);
    expect(Object.keys(record!).sort()).toEqual(['at', 'client', 'locale', 'origin', 'session', 'textHash', 'version']);

    // Another text (a merchant reworded it) is another record; another session too.
    await shopper.createJob({ extra: receipt(HASH_B) });
    await (await ContractClient.open(proxy)).createJob({ extra: receipt(HASH_A) });
    const after = (await exportJson(proxy)).records;
    expect(after).toHaveLength(3);
    expect(new Set(after.map((each) => each.session)).size).toBe(2);
  });

  it('keeps old widgets working: a job without a receipt is accepted and records nothing; a malformed receipt is refused', async () => {
    const before = (await exportJson(proxy)).count;
    const shopper = await ContractClient.open(proxy);
    expect((await shopper.createJob()).status).toBe(202);
    expect((await exportJson(proxy)).count).toBe(before);
    await expectError(await shopper.createJob({ extra: { consentVersion: '2', consentTextHash: 'not-a-hash' } }), 400, 'BAD_REQUEST');
    // A page's odd lang is no reason to refuse the try-on: the record just has no locale.
    expect((await shopper.createJob({ extra: { ...receipt(HASH_B), consentLocale: '<de>' } })).status).toBe(202);
    expect((await exportJson(proxy)).records.at(-1)).toMatchObject({ textHash: HASH_B, locale: null });
  });

  it('exports CSV and JSON, from `since` on', async () => {
    const json = await exportJson(proxy, '?format=json');
    const csv = await exportConsents(proxy, '?format=csv');
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="consents-\d{4}-\d\d-\d\d\.csv"$/);
    expect(csv.headers.get('cache-control')).toBe('no-store');
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('at,origin,version,textHash,locale,session,client');
    expect(lines.slice(1)).toEqual(
      json.records.map((record) => [record.at, record.origin, record.version, record.textHash, record.locale, record.session, record.client].join(',')),
    );

    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect((await exportJson(proxy, `?since=${tomorrow}`)).count).toBe(0);
    expect((await exportJson(proxy, `?since=${new Date(Date.now() - 60_000).toISOString()}`)).count).toBe(json.count);
    await expectError(await exportConsents(proxy, '?since=last-week'), 400, 'BAD_REQUEST');
    await expectError(await exportConsents(proxy, '?format=xml'), 400, 'BAD_REQUEST');
  });

  it('refuses a missing token (401), a wrong one (403) and any request from a web page (403), and logs no token', async () => {
    const missing = await exportConsents(proxy, '', {});
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('ADMIN_TOKEN_MISSING');
    const wrong = await exportConsents(proxy, '', { authorization: `Bearer ${ADMIN_TOKEN.replace(/.$/, 'x')}` });
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).not.toContain('session');
    // The right token, but sent by a page: a shop's page, or any other site's.
    const pages: Record<string, string>[] = [
      { origin: SHOP_ORIGIN },
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'same-origin' },
    ];
    for (const headers of pages) {
      const fromPage = await exportConsents(proxy, '', { authorization: `Bearer ${ADMIN_TOKEN}`, ...headers });
      expect(fromPage.status, JSON.stringify(headers)).toBe(403);
      expect(((await fromPage.json()) as { error: { code: string } }).error.code).toBe('ADMIN_BROWSER_REFUSED');
    }
    // The export's guard covers the export; an unknown admin path is simply not there.
    expect((await fetch(`${proxy.url}/admin/anything`)).status).toBe(404);
    expect(proxy.logs.join('\n')).not.toContain(ADMIN_TOKEN);
    expect(proxy.logs.some((line) => line.includes('admin.rejected'))).toBe(true);
  });

  it('limits attempts per address: a burst gets 429', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 35; attempt++) statuses.push((await exportConsents(proxy, '', { authorization: 'Bearer guess' })).status);
    expect(statuses).toContain(429);
    expect(statuses.filter((status) => status === 403).length).toBeLessThanOrEqual(30);
    // The right token is refused too while the address is over its limit.
    expect((await exportConsents(proxy)).status).toBe(429);
  });

  it('has no admin endpoint without FITTING_ROOM_ADMIN_TOKEN', async () => {
    const plain = await startProxy();
    try {
      await expectError(await exportConsents(plain), 404, 'NOT_FOUND');
    } finally {
      await plain.close();
    }
  });
});

describe('the consent ledger', () => {
  it('lists from `since`, and forgets records past the consent retention', async () => {
    const ledger = new ConsentLedger({ state: new MemoryState(), secret: SECRET, retentionSeconds: 30 * 86_400 });
    const now = Date.parse('2026-11-29T12:00:00Z');
    const who = (sessionId: string) => ({ sessionId, client: '203.0.113.7', origin: SHOP_ORIGIN });
    for (const daysAgo of [40, 20, 2, 0]) await ledger.record({ version: '2', textHash: HASH_A }, who(`s${daysAgo}`), now - daysAgo * 86_400_000);
    const all = await ledger.list(0, now);
    expect(all.map((record) => record.at)).toEqual(['2026-11-09T12:00:00.000Z', '2026-11-27T12:00:00.000Z', '2026-11-29T12:00:00.000Z']);
    expect((await ledger.list(Date.parse('2026-11-27T00:00:00Z'), now)).length).toBe(2);
    expect(JSON.stringify(all)).not.toContain('203.0.113.7');
  });
});

describe('consent records on Redis', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());

  it('survive a restart of the proxy, and Redis holds no address and no photo', async () => {
    const env = { REDIS_URL: redis.url, FITTING_ROOM_ADMIN_TOKEN: ADMIN_TOKEN, FITTING_ROOM_SANDBOX_DURATION_MS: '50' };
    const first = await startProxy(env);
    const shopper = await ContractClient.open(first);
    await shopper.createJob({ extra: receipt(HASH_A, 'ar') });
    await shopper.createJob({ extra: receipt(HASH_A, 'ar') });
    await first.close();

    const second = await startProxy(env);
    try {
      const { records } = await exportJson(second);
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ textHash: HASH_A, locale: 'ar', version: '2' });
      // The same session on the restarted proxy is still recorded once.
      await new ContractClient(second, shopper.token).createJob({ extra: receipt(HASH_A, 'ar') });
      expect((await exportJson(second)).count).toBe(1);
    } finally {
      await second.close();
    }

    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      const keys = await client.keys('consents:*');
      const lists = keys.filter((key) => /^consents:\d{4}-\d\d-\d\d$/.test(key));
      expect(lists).toHaveLength(1);
      const ttl = await client.pTTL(lists[0]!);
      expect(ttl).toBeGreaterThan(365 * 86_400_000);
      const stored = (await client.lRange(lists[0]!, 0, -1)).join('\n');
      for (const address of ['127.0.0.1', '::1']) expect(stored).not.toContain(address);
      expect(stored).not.toMatch(/person|photo|jpeg|\/9j\//i);
    } finally {
      await client.quit();
    }
  });
});
