import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyticsEvent, EventBatch } from '../../src/analytics-contract.js';
import type { AnalyticsSummary } from '../../src/server/analytics/summary.js';
import { ContractClient, expectError, SHOP_ORIGIN, startProxy, type TestProxy } from './harness.js';

const ADMIN_TOKEN = 'admin-token-for-the-collector-test-0123';
const OTHER_SHOP = 'https://other-shop.example';
const view = (arm: 'treatment' | 'holdout', productId = 'gid://shopify/Product/1'): AnalyticsEvent => ({ name: 'exposure', arm, experiment: 'h10-v1', productId });

describe('POST /events', () => {
  let proxy: TestProxy;
  const post = (body: unknown, { origin = SHOP_ORIGIN, type = 'text/plain;charset=UTF-8' }: { origin?: string | null; type?: string } = {}) =>
    fetch(`${proxy.url}/events`, { method: 'POST', headers: { 'content-type': type, ...(origin && { origin }) }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const batch = (events: AnalyticsEvent[], token?: string): EventBatch => ({ v: 1, ...(token && { token }), events });
  const summary = async () => {
    const response = await fetch(`${proxy.url}/admin/api/summary?days=1`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as AnalyticsSummary;
  };

  beforeAll(async () => {
    proxy = await startProxy({ FITTING_ROOM_ADMIN_TOKEN: ADMIN_TOKEN, FITTING_ROOM_EVENTS_PER_IP: '40/600', FITTING_ROOM_ALLOWED_ORIGINS: `${SHOP_ORIGIN},${OTHER_SHOP}` });
  });
  afterAll(() => proxy.close());

  it('counts exposures, impressions, add-to-carts and orders without a session, per arm, product and event', async () => {
    const events: AnalyticsEvent[] = [
      view('treatment'),
      view('treatment'),
      view('holdout'),
      { name: 'impression', arm: 'treatment', experiment: 'h10-v1', productId: 'gid://shopify/Product/1' },
      { name: 'add_to_cart', arm: 'holdout', experiment: 'h10-v1', productId: 'gid://shopify/Product/1', variantId: '42', value: 19.9, currency: 'EUR' },
      { name: 'order', arm: 'treatment', experiment: 'h10-v1', value: 59.7, currency: 'EUR', triedOn: true },
    ];
    const response = await post(batch(events));
    expect(response.status).toBe(204);
    // sendBeacon's text/plain and fetch's JSON are both taken.
    expect((await post(batch([view('holdout', 'p-2')]), { type: 'application/json' })).status).toBe(204);

    const s = await summary();
    expect(s.arms.treatment).toMatchObject({ exposure: 2, impression: 1, order: 1, add_to_cart: 0 });
    expect(s.arms.holdout).toMatchObject({ exposure: 2, add_to_cart: 1, order: 0 });
    expect(s.attribution).toEqual({ addToCartsAfterTryOn: 0, ordersAfterTryOn: 1, orderValue: [{ currency: 'EUR', all: 59.7, afterTryOn: 59.7 }] });
    expect(s.topProducts.map((product) => [product.productId, product.exposure])).toEqual([
      ['gid://shopify/Product/1', 3],
      ['p-2', 1],
    ]);
  });

  it('takes try-on events only with a valid session token of the same origin', async () => {
    const client = await ContractClient.open(proxy);
    const tryOn: AnalyticsEvent[] = [
      { name: 'open', arm: 'treatment', experiment: 'h10-v1', productId: 'p-3' },
      { name: 'result', arm: 'treatment', experiment: 'h10-v1', productId: 'p-3', latencyMs: 4_200 },
      { name: 'error', arm: 'treatment', experiment: 'h10-v1', productId: 'p-3', code: 'TRYON_FAILED' },
    ];
    await expectError(await post(batch(tryOn)), 401, 'TOKEN_MISSING');
    await expectError(await post(batch(tryOn, 'not.a.token')), 401, 'TOKEN_INVALID');
    const forged = `${client.token.slice(0, -4)}AAAA`;
    await expectError(await post(batch(tryOn, forged)), 401, 'TOKEN_INVALID');
    // A token of another shop on this proxy does not count for this one.
    const otherToken = (await proxy.session(OTHER_SHOP)).token;
    await expectError(await post(batch(tryOn, otherToken)), 403, 'ORIGIN_MISMATCH');
    expect((await post(batch(tryOn, client.token))).status).toBe(204);

    const s = await summary();
    expect(s.funnel).toMatchObject({ open: 1, result: 1, error: 1 });
    expect(s.errors).toEqual([{ code: 'TRYON_FAILED', count: 1 }]);
    expect(s.latency).toEqual([{ provider: 'sandbox', results: 1, p50: expect.any(Number), p95: expect.any(Number) }]);
    expect(s.latency[0]!.p50).toBeGreaterThan(4_000);
    expect(s.latency[0]!.p95).toBeLessThanOrEqual(5_000);
  });

  it('refuses other origins, and batches without an Origin', async () => {
    await expectError(await post(batch([view('treatment')]), { origin: 'https://evil.example' }), 403, 'ORIGIN_NOT_ALLOWED');
    await expectError(await post(batch([view('treatment')]), { origin: null }), 403, 'ORIGIN_NOT_ALLOWED');
  });

  it('answers every malformed batch with a 400 envelope, never a 5xx, and counts nothing of it', async () => {
    const before = await summary();
    const long = 'x'.repeat(201);
    const bad: unknown[] = [
      'not json',
      '{"v":1,"events":[]}',
      { v: 2, events: [view('treatment')] },
      { v: 1, events: Array.from({ length: 51 }, () => view('treatment')) },
      batch([{ ...view('treatment'), name: 'purchase' as never }]),
      batch([{ ...view('treatment'), arm: 'control' as never }]),
      batch([{ ...view('treatment'), experiment: 'free text here' }]),
      batch([{ ...view('treatment'), productId: long }]),
      batch([{ ...view('treatment'), productId: 'a\tb' }]),
      batch([{ name: 'add_to_cart', arm: 'treatment', experiment: 'x', value: 10 }]),
      batch([{ name: 'add_to_cart', arm: 'treatment', experiment: 'x', value: 10, currency: 'eur' }]),
      '{"v":1,"events":[{"name":"order","arm":"treatment","experiment":"x","value":1e999,"currency":"EUR"}]}',
      batch([{ name: 'add_to_cart', arm: 'treatment', experiment: 'x', value: -1, currency: 'EUR' }]),
      batch([{ ...view('treatment'), triedOn: 'yes' as never }]),
      { v: 1, events: [null] },
      'x'.repeat(40_000),
    ];
    for (const body of bad) {
      const response = await post(body);
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      await expectError(response, 400, 'BAD_REQUEST');
    }
    expect((await post(batch([view('treatment')]), { type: 'application/x-www-form-urlencoded' })).status).toBe(400);
    expect((await summary()).funnel).toEqual(before.funnel);
  });

  it('limits batches per address with 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 45; i++) statuses.push((await post(batch([view('holdout', 'rate')]))).status);
    expect(statuses).toContain(429);
    expect(statuses.filter((status) => status === 204).length).toBeLessThanOrEqual(40);
  });
});
