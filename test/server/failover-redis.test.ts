import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorEnvelope, JobCreated } from '../../src/contract.js';
import type { ProviderStatus } from '../../src/server/routing/pool.js';
import { type EmulatorServer, startEmulator } from '../emulators/harness.js';
import { ContractClient, phoneJpeg, startProxy, type TestProxy } from './harness.js';
import { startRedis } from './redis-server.js';

/**
 * Breakers and caps shared by two proxy instances through a real redis-server, in front of
 * two provider emulators: what one instance learns or spends, the other respects.
 */
let redis: Awaited<ReturnType<typeof startRedis>>;
let primary: EmulatorServer;
let secondary: EmulatorServer;
const dirs: string[] = [];

beforeAll(async () => {
  redis = await startRedis();
  [primary, secondary] = await Promise.all([startEmulator('tryonapi', { jobMs: 300 }), startEmulator('studio', { jobMs: 300 })]).then((started) =>
    started.map(({ emulator }) => emulator as EmulatorServer),
  );
});
afterAll(async () => {
  await Promise.all([primary?.close(), secondary?.close()]);
  await redis?.stop();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

let databases = 0;

/** Two instances on one Redis database (a fresh one per pair) and one photo store. */
async function pair(env: Record<string, string>): Promise<[TestProxy, TestProxy]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'fitting-room-failover-'));
  dirs.push(dataDir);
  const shared = {
    ...primary.env(),
    ...secondary.env(),
    REDIS_URL: `${redis.url}/${++databases}`,
    FITTING_ROOM_DATA_DIR: dataDir,
    FITTING_ROOM_POLL_MS: '50',
    FITTING_ROOM_JOBS_PER_SESSION: '0',
    FITTING_ROOM_JOBS_PER_IP: '0',
    ...env,
  };
  return Promise.all([startProxy(shared), startProxy(shared)]) as Promise<[TestProxy, TestProxy]>;
}

async function states(proxy: TestProxy): Promise<Record<string, ProviderStatus>> {
  const health = (await (await fetch(`${proxy.url}/healthz`)).json()) as { providers: ProviderStatus[] };
  return Object.fromEntries(health.providers.map((status) => [status.name, status]));
}

/** Posts a job (a fresh photo, so never a cache hit) from `address` (trusted X-Forwarded-For); the answer's body. */
async function post(client: ContractClient, category = 'top', address = '203.0.113.1'): Promise<{ status: number; body: JobCreated & ErrorEnvelope }> {
  const form = client.form({ person: new Blob([await phoneJpeg()], { type: 'image/jpeg' }), category });
  const response = await client.call('jobs', { method: 'POST', body: form, headers: { 'x-forwarded-for': address } });
  return { status: response.status, body: (await response.json()) as JobCreated & ErrorEnvelope };
}

async function finished(client: ContractClient, id: string) {
  return (await client.events(id)).at(-1)!.view;
}

describe('circuit breaker across two instances on Redis', () => {
  let a: TestProxy;
  let b: TestProxy;
  beforeAll(async () => {
    primary.reset();
    secondary.reset();
    [a, b] = await pair({ FITTING_ROOM_PROVIDERS: 'tryonapi,studio', FITTING_ROOM_BREAKER_FAILURES: '2', FITTING_ROOM_BREAKER_COOLDOWN_S: '3' });
  });
  afterAll(async () => Promise.all([a?.close(), b?.close()]));

  it('opens after failures seen by either instance, sends nothing to the open provider from either, and one probe closes it for both', async () => {
    primary.behave({ outage: true });
    const viaA = await ContractClient.open(a);
    const viaB = await ContractClient.open(b);
    expect((await finished(viaA, (await post(viaA)).body.id)).status).toBe('succeeded');
    expect((await finished(viaB, (await post(viaB)).body.id)).status).toBe('succeeded');
    expect((await states(a)).tryonapi).toMatchObject({ state: 'open', failures: 2 });

    const calls = primary.calls.length;
    for (const client of [viaA, viaB]) expect((await finished(client, (await post(client)).body.id)).status).toBe('succeeded');
    expect(primary.calls.length).toBe(calls);

    primary.behave({ outage: false });
    const deadline = Date.now() + 5_000;
    while ((await states(b)).tryonapi!.state !== 'half-open') {
      if (Date.now() > deadline) throw new Error('the breaker did not become half-open');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    // Two jobs at once, one per instance: exactly one is the probe.
    const [first, second] = await Promise.all([post(viaA), post(viaB)]);
    await Promise.all([finished(viaA, first.body.id), finished(viaB, second.body.id)]);
    expect(primary.jobs.size).toBe(1);
    expect((await states(a)).tryonapi).toMatchObject({ state: 'closed', failures: 0 });
    expect((await states(b)).tryonapi!.state).toBe('closed');
  });
});

describe('spending caps across two instances on Redis', () => {
  let a: TestProxy;
  let b: TestProxy;
  beforeAll(async () => {
    primary.reset();
    secondary.reset();
    [a, b] = await pair({
      FITTING_ROOM_PROVIDERS: 'tryonapi,studio',
      FITTING_ROOM_ROUTES: 'shoes:studio,*:tryonapi+studio',
      FITTING_ROOM_TRUSTED_PROXIES: '127.0.0.1',
      FITTING_ROOM_SESSION_DAILY_LIMIT: '2',
      FITTING_ROOM_BROWSER_DAILY_LIMIT: '3',
      FITTING_ROOM_DAILY_JOB_LIMIT: '5',
      FITTING_ROOM_PROVIDER_DAILY_LIMITS: 'studio:1',
    });
  });
  afterAll(async () => Promise.all([a?.close(), b?.close()]));

  it('each cap holds whichever instance is asked, and answers with a code and message of its own', async () => {
    const on = (proxy: TestProxy, client: ContractClient) => new ContractClient(proxy, client.token);
    const refusals: Record<string, string> = {};
    const refused = async (attempt: Promise<{ status: number; body: ErrorEnvelope }>, code: string) => {
      const { status, body } = await attempt;
      expect({ status, code: body.error.code }).toEqual({ status: 429, code });
      refusals[code] = body.error.message;
    };

    // Per session: two new try-ons, one on each instance; the third is refused.
    const first = await ContractClient.open(a);
    expect((await post(first)).status).toBe(202);
    expect((await post(on(b, first))).status).toBe(202);
    await refused(post(first), 'SESSION_LIMIT_REACHED');

    // Per browser (its address): a new session does not reset it.
    const second = await ContractClient.open(b);
    expect((await post(second)).status).toBe(202);
    await refused(post(on(a, second)), 'BROWSER_LIMIT_REACHED');

    // Per provider: studio's one run of the day goes to shoes; the next shoes are refused on the other instance.
    const third = await ContractClient.open(a);
    const shoes = await post(third, 'shoes', '203.0.113.2');
    expect(shoes.status).toBe(202);
    expect((await finished(third, shoes.body.id)).status).toBe('succeeded');
    await refused(post(on(b, third), 'shoes', '203.0.113.2'), 'CATEGORY_LIMIT_REACHED');

    // The shop's daily cap: five new runs in all, from any session, address and instance.
    expect((await post(await ContractClient.open(b), 'top', '203.0.113.3')).status).toBe(202);
    await refused(post(await ContractClient.open(a), 'top', '203.0.113.4'), 'DAILY_LIMIT_REACHED');

    expect(new Set(Object.values(refusals)).size).toBe(4);
    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    expect(metrics).toContain('fitting_room_provider_runs_today{provider="studio"} 1');
    expect(metrics).toContain('fitting_room_runs_today 5');
    // Refusals are counted by the instance that refused (Prometheus sums the instances).
    expect(await (await fetch(`${a.url}/metrics`)).text()).toMatch(/fitting_room_quota_refusals_total\{scope="browser"\} 1/);
  });
});
