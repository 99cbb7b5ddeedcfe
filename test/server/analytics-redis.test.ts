import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyticsEvent } from '../../src/analytics-contract.js';
import type { JobCreated } from '../../src/contract.js';
import type { AnalyticsSummary } from '../../src/server/analytics/summary.js';
import { createLogger } from '../../src/server/log.js';
import { createSandbox } from '../../src/server/providers/sandbox/index.js';
import { MemoryState } from '../../src/server/state/memory.js';
import { RedisState } from '../../src/server/state/redis.js';
import type { SharedState } from '../../src/server/state/types.js';
import { ContractClient, garmentPng, phoneJpeg, SHOP_ORIGIN, startProxy, type TestProxy } from './harness.js';
import { startRedis } from './redis-server.js';

const ADMIN_TOKEN = 'redis-test-admin-token-0123456789abcdef';
const EMAIL = 'jane.doe@example.com';

/** Two instances on one real redis-server: the counters add up, expire, and hold nobody. */
describe('analytics on Redis', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let client: ReturnType<typeof createClient>;
  let a: TestProxy;
  let b: TestProxy;
  let dataDir: string;
  const sandbox = createSandbox({ durationMs: 300 });

  beforeAll(async () => {
    redis = await startRedis();
    client = createClient({ url: redis.url });
    await client.connect();
    dataDir = await mkdtemp(join(tmpdir(), 'fitting-room-analytics-'));
    const env = { REDIS_URL: redis.url, FITTING_ROOM_DATA_DIR: dataDir, FITTING_ROOM_ADMIN_TOKEN: ADMIN_TOKEN, FITTING_ROOM_ANALYTICS_RETENTION_DAYS: '30' };
    [a, b] = await Promise.all([startProxy(env, { provider: sandbox }), startProxy(env, { provider: sandbox })]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await client?.destroy();
    await redis?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const send = async (proxy: TestProxy, events: unknown[], token?: string) => {
    const response = await fetch(`${proxy.url}/events`, {
      method: 'POST',
      headers: { origin: SHOP_ORIGIN, 'content-type': 'text/plain' },
      body: JSON.stringify({ v: 1, token, events }),
    });
    expect(response.status).toBe(204);
  };
  const summary = async (proxy: TestProxy) =>
    (await (await fetch(`${proxy.url}/admin/api/summary?days=1`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as AnalyticsSummary;

  it('adds up what both instances count, and credits used and saved by real try-ons', async () => {
    const exposure: AnalyticsEvent = { name: 'exposure', arm: 'treatment', experiment: 'x1', productId: 'tee' };
    await Promise.all(Array.from({ length: 20 }, (_, index) => send(index % 2 ? a : b, [exposure, { ...exposure, arm: 'holdout' }])));

    const shopper = await ContractClient.open(a);
    const person = new Blob([await phoneJpeg(800, 600, 777)], { type: 'image/jpeg' });
    const garment = new Blob([await garmentPng()], { type: 'image/png' });
    const first = (await (await shopper.createJob({ person, garment })).json()) as JobCreated;
    expect((await shopper.events(first.id)).at(-1)!.view.status).toBe('succeeded');
    // The same photo and garment again, on the other instance: served from the first run.
    const again = (await (await new ContractClient(b, shopper.token).createJob({ person, garment })).json()) as JobCreated;
    expect(again.id).not.toBe(first.id);

    const [viaA, viaB] = await Promise.all([summary(a), summary(b)]);
    expect(viaA).toEqual(viaB);
    expect(viaA.arms.treatment.exposure).toBe(20);
    expect(viaA.arms.holdout.exposure).toBe(20);
    expect(viaA.credits).toEqual({ used: 1, saved: 1 });
  });

  it('bounds a hash the same way in memory and in Redis: known fields keep counting, new ones stop at the cap', async () => {
    const redisState = await RedisState.connect(redis.url, createLogger({ level: 'error', write: () => undefined }));
    const states: SharedState[] = [new MemoryState(), redisState];
    try {
      for (const state of states) {
        await state.addToFields('bounded', { a: 1, b: 2 }, 60_000, 2);
        await state.addToFields('bounded', { a: 1, c: 5, b: 0.5 }, 60_000, 2);
        expect(await state.fields('bounded')).toEqual({ a: 2, b: 2.5 });
        expect(await state.fields('absent')).toEqual({});
      }
    } finally {
      await Promise.all(states.map((state) => state.close()));
    }
  });

  it('keeps every counter with an expiry of the retention after its day, and nothing of a shopper', async () => {
    const shopper = await ContractClient.open(b);
    // A careless page sends more than the contract asks: none of it may be kept.
    const careless = {
      name: 'order',
      arm: 'treatment',
      experiment: 'x1',
      productId: 'tee',
      value: 25,
      currency: 'EUR',
      triedOn: true,
      email: EMAIL,
      address: '1 Main Street',
      photo: 'data:image/jpeg;base64,/9j/4AAQ',
    };
    await send(b, [careless, { name: 'open', arm: 'treatment', experiment: 'x1', productId: 'tee', note: 'Jane in the red coat' }], shopper.token);

    const keys = await client.keys('*');
    const analytics = keys.filter((key) => key.startsWith('an:'));
    expect(analytics.length).toBeGreaterThanOrEqual(3);
    for (const key of analytics) {
      const ttl = await client.pTTL(key);
      expect(ttl, key).toBeGreaterThan(29 * 86_400_000);
      expect(ttl, key).toBeLessThanOrEqual(31 * 86_400_000);
    }
    const sessionId = JSON.parse(Buffer.from(shopper.token.split('.')[1]!, 'base64url').toString()).sid as string;
    const personal = [/@/, /main street/i, /jane/i, /base64|\/9j\//, /\b\d{1,3}(\.\d{1,3}){3}\b/, new RegExp(sessionId), /eyJ/];
    for (const key of keys) {
      const type = await client.type(key);
      const values =
        type === 'hash'
          ? Object.entries(await client.hGetAll(key)).flat()
          : type === 'string'
            ? [(await client.get(key)) ?? '']
            : type === 'list'
              ? await client.lRange(key, 0, -1)
              : type === 'set'
                ? await client.sMembers(key)
                : [];
      const stored = [key, ...values].join('\n');
      // No shopper's words, address, email or photo anywhere in Redis.
      for (const pattern of personal.slice(0, 4)) expect(stored, key).not.toMatch(pattern);
      // The analytics keep no address, session or token either (rate-limit keys name an address for their 10-minute window).
      if (key.startsWith('an:')) for (const pattern of personal.slice(4)) expect(stored, key).not.toMatch(pattern);
    }
  });
});
