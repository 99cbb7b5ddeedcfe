import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobCreated, JobView } from '../../src/contract.js';
import { createSandbox } from '../../src/server/providers/sandbox/index.js';
import type { ProviderAdapter } from '../../src/server/providers/types.js';
import { ContractClient, expectError, garmentPng, phoneJpeg, startProxy, type TestProxy } from './harness.js';
import { startRedis } from './redis-server.js';

/**
 * Two proxy instances on loopback sharing a real redis-server and one photo store, as
 * behind a load balancer: whatever instance a request reaches, the answer is the same.
 */
describe('two instances on Redis', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let a: TestProxy;
  let b: TestProxy;
  let dataDir: string;
  const submits: string[] = [];
  // One sandbox behind both instances, as one provider is behind a real deployment.
  const sandbox = createSandbox({ durationMs: 800 });
  const provider: ProviderAdapter = {
    ...sandbox,
    submit: (request, signal) => {
      submits.push(request.category);
      return sandbox.submit(request, signal);
    },
  };

  beforeAll(async () => {
    redis = await startRedis();
    dataDir = await mkdtemp(join(tmpdir(), 'fitting-room-shared-'));
    const env = { REDIS_URL: redis.url, FITTING_ROOM_DATA_DIR: dataDir, FITTING_ROOM_JOBS_PER_SESSION: '6' };
    [a, b] = await Promise.all([startProxy(env, { provider }), startProxy(env, { provider })]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await redis?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** The same session (one token) talking to either instance. */
  const on = (proxy: TestProxy, client: ContractClient) => new ContractClient(proxy, client.token);

  it('creates a job on A, streams and fetches it on B', async () => {
    const viaA = await ContractClient.open(a);
    const viaB = on(b, viaA);
    const created = (await (await viaA.createJob()).json()) as JobCreated;
    const stream = await viaB.events(created.id);
    expect(stream.at(-1)!.view.status).toBe('succeeded');
    expect(stream.map((event) => event.view.status)).toContain('running');
    const result = await viaB.call(`results/${created.id}`);
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toBe('image/jpeg');
    // A stranger on B sees nothing.
    const stranger = await ContractClient.open(b);
    await expectError(await stranger.call(`jobs/${created.id}`), 404, 'JOB_NOT_FOUND');
  });

  it('shares the result cache and idempotency across instances: 1 upstream job for 10 identical try-ons', async () => {
    const viaA = await ContractClient.open(a);
    const person = new Blob([await phoneJpeg(1200, 900, 4242)], { type: 'image/jpeg' });
    // The garment as a file: each test instance has its own garment host, and the request must be identical.
    const garment = new Blob([await garmentPng()], { type: 'image/png' });
    const before = submits.length;
    const first = (await (await viaA.createJob({ person, garment }, { idempotencyKey: 'same' })).json()) as JobCreated;
    const replay = (await (await on(b, viaA).createJob({ person, garment }, { idempotencyKey: 'same' })).json()) as JobCreated;
    expect(replay.id).toBe(first.id);

    const others = await Promise.all(
      Array.from({ length: 8 }, async (_, index) => {
        const client = await ContractClient.open(index % 2 ? a : b);
        return { client, created: (await (await client.createJob({ person, garment })).json()) as JobCreated };
      }),
    );
    const finals = await Promise.all(others.map(({ client, created }) => client.events(created.id).then((events) => events.at(-1)!.view)));
    expect(finals.map((view) => view.status)).toEqual(Array(8).fill('succeeded'));
    expect(submits.length - before).toBe(1);
    const metrics = await (await fetch(`${a.url}/metrics`)).text();
    expect(metrics).toMatch(/fitting_room_cache_hits_total\{kind="(shared|result)"\} \d+/);
  });

  it('counts rate limits across instances', async () => {
    const viaA = await ContractClient.open(a);
    const viaB = on(b, viaA);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await (i % 2 ? viaB : viaA).createJob()).status);
    expect(statuses.slice(0, 6)).toEqual(Array(6).fill(202));
    const refused = await viaA.createJob();
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    await expectError(refused, 429, 'RATE_LIMITED');
  });

  it('finishes a job on B after the instance watching it (A) stops', async () => {
    const viaA = await ContractClient.open(a);
    const created = (await (await viaA.createJob()).json()) as JobCreated;
    await a.proxy.close();
    const viaB = on(b, viaA);
    // B takes the orphaned run over on the first request that finds it unwatched.
    const final = (await viaB.events(created.id)).at(-1)!.view as JobView;
    expect(final.status).toBe('succeeded');
  });

  it('fails closed when Redis is down: no job is started, /healthz says so', async () => {
    const client = await ContractClient.open(b);
    await redis.stop();
    await expectError(await client.createJob(), 503, 'TEMPORARILY_UNAVAILABLE');
    expect((await fetch(`${b.url}/healthz`)).status).toBe(503);
  });
});
