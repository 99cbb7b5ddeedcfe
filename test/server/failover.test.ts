import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JobCreated, JobView } from '../../src/contract.js';
import type { JobRecord } from '../../src/server/job-records.js';
import type { ProviderStatus } from '../../src/server/routing/pool.js';
import { closedPortUrl, type EmulatorServer, startEmulator } from '../emulators/harness.js';
import { ContractClient, expectError, startProxy, type TestProxy } from './harness.js';

/**
 * Several providers behind one proxy, each a real emulator on loopback: a route per
 * category, failover inside a job, circuit breakers and credit pauses, the operator's reset.
 */
const ADMIN_TOKEN = 'admin-token-for-tests-0123456789abcdef';

let primary: EmulatorServer;
let secondary: EmulatorServer;
let shoes: EmulatorServer;
let proxy: TestProxy;
let client: ContractClient;

const emulator = async (name: 'tryonapi' | 'studio' | 'aurax') => (await startEmulator(name, { jobMs: 300 })).emulator as EmulatorServer;

beforeAll(async () => {
  [primary, secondary, shoes] = await Promise.all([emulator('tryonapi'), emulator('studio'), emulator('aurax')]);
  proxy = await startProxy({
    ...primary.env(),
    ...secondary.env(),
    ...shoes.env(),
    FITTING_ROOM_PROVIDERS: 'tryonapi,studio,aurax',
    FITTING_ROOM_ROUTES: 'shoes:aurax,*:tryonapi+studio',
    FITTING_ROOM_BREAKER_FAILURES: '2',
    FITTING_ROOM_BREAKER_COOLDOWN_S: '3',
    FITTING_ROOM_ADMIN_TOKEN: ADMIN_TOKEN,
    FITTING_ROOM_POLL_MS: '50',
    FITTING_ROOM_JOBS_PER_SESSION: '0',
  });
  client = await ContractClient.open(proxy);
});
afterAll(async () => {
  await proxy?.close();
  await Promise.all([primary, secondary, shoes].map((server) => server?.close()));
});
beforeEach(async () => {
  await Promise.all([primary, secondary, shoes].map((server) => server.idle()));
  for (const server of [primary, secondary, shoes]) server.reset();
  for (const name of ['tryonapi', 'studio', 'aurax']) expect((await reset(name)).status).toBe(200);
});

const reset = (name: string, init: RequestInit = {}) =>
  fetch(`${proxy.url}/admin/providers/${name}/reset`, { method: 'POST', ...init, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...init.headers } });

async function run(category = 'top'): Promise<{ created: JobCreated; events: JobView[]; record: JobRecord }> {
  const response = await client.createJob({ category });
  expect(response.status).toBe(202);
  const created = (await response.json()) as JobCreated;
  const events = (await client.events(created.id)).map((event) => event.view);
  const record = await proxy.proxy.proxy.jobs.get(sessionOf(client), created.id);
  return { created, events, record };
}

const sessionOf = (contract: ContractClient) => JSON.parse(Buffer.from(contract.token.split('.')[1]!, 'base64url').toString()).sid as string;

async function providerStates(): Promise<Record<string, ProviderStatus>> {
  const health = (await (await fetch(`${proxy.url}/healthz`)).json()) as { providers: ProviderStatus[] };
  return Object.fromEntries(health.providers.map((status) => [status.name, status]));
}

/** Succeeded upstream jobs of an emulator (its own record of the jobs it made and finished). */
const upstreamSuccesses = (server: EmulatorServer) => [...server.jobs.values()].filter((job) => job.fail === undefined && job.completeAt <= Date.now()).length;

describe('failover inside one job', () => {
  it('primary down: the job succeeds on the secondary with the same id, one upstream success, continuous progress, the move recorded', async () => {
    primary.behave({ outage: true });
    const { created, events, record } = await run();
    expect(events.at(-1)).toMatchObject({ id: created.id, status: 'succeeded' });
    expect(events.every((view) => view.id === created.id)).toBe(true);
    expect(primary.jobs.size).toBe(0);
    expect(upstreamSuccesses(secondary)).toBe(1);
    expect(record).toMatchObject({ provider: 'studio', failovers: [{ from: 'tryonapi', to: 'studio', reason: 'provider_error' }] });
    // The browser never learns of providers: the view is the contract's.
    expect(JSON.stringify(events)).not.toMatch(/tryonapi|studio|failover/);
    const progress = events.map((view) => view.progress ?? (view.status === 'succeeded' ? 1 : 0));
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(proxy.logs.some((line) => line.includes('"event":"run.failover"') && line.includes('"from":"tryonapi"') && line.includes('"to":"studio"'))).toBe(true);
    const metrics = await (await fetch(`${proxy.url}/metrics`)).text();
    expect(metrics).toMatch(/fitting_room_failovers_total\{from="tryonapi",reason="provider_error",to="studio"\} 1/);
  });

  it('credits exhausted on the primary: the job moves on, and the primary stays paused for the next jobs until an operator resets it', async () => {
    primary.behave({ outOfCredits: true });
    const first = await run();
    expect(first.events.at(-1)!.status).toBe('succeeded');
    expect(first.record.failovers).toMatchObject([{ from: 'tryonapi', to: 'studio', reason: 'credits' }]);
    expect((await providerStates()).tryonapi!.state).toBe('paused');

    const callsBefore = primary.calls.length;
    const second = await run();
    expect(second.events.at(-1)!.status).toBe('succeeded');
    expect(second.record).toMatchObject({ provider: 'studio' });
    expect(second.record.failovers).toBeUndefined();
    expect(primary.calls.length).toBe(callsBefore);

    primary.behave({ outOfCredits: false });
    expect(await (await reset('tryonapi')).json()).toMatchObject({ name: 'tryonapi', state: 'closed' });
    expect((await run()).record).toMatchObject({ provider: 'tryonapi' });
  });

  it('a provider rejection is not retried elsewhere', async () => {
    primary.behave({ failNextJob: 'INVALID_PERSON_IMAGE' });
    const { events, record } = await run();
    expect(events.at(-1)).toMatchObject({ status: 'failed', error: { code: 'TRYON_REJECTED' } });
    expect(secondary.calls.length).toBe(0);
    expect(record.failovers).toBeUndefined();
    expect((await providerStates()).tryonapi!.failures).toBe(0);
  });

  it('a submitted job whose polls fail is not handed on: it might still succeed upstream (the provider cannot cancel)', async () => {
    primary.behave({ jobMs: 3000 });
    const response = await client.createJob();
    const created = (await response.json()) as JobCreated;
    await waitFor(() => primary.jobs.size === 1);
    primary.behave({ outage: true });
    const final = (await client.events(created.id)).at(-1)!.view;
    expect(final.status).toBe('failed');
    expect(secondary.jobs.size).toBe(0);
  });

  it('routes by category: shoes go to the route’s provider', async () => {
    const { events, record } = await run('shoes');
    expect(events.at(-1)!.status).toBe('succeeded');
    expect(record.provider).toBe('aurax');
    expect(shoes.jobs.size).toBe(1);
    expect(primary.jobs.size + secondary.jobs.size).toBe(0);
  });
});

describe('a primary that refuses connections', () => {
  it('moves the job on, with the reason unreachable', async () => {
    const refusing = await startProxy({
      ...primary.env(),
      ...secondary.env(),
      TRYONAPI_BASE_URL: await closedPortUrl(),
      FITTING_ROOM_PROVIDERS: 'tryonapi,studio',
      FITTING_ROOM_POLL_MS: '50',
    });
    try {
      const contract = await ContractClient.open(refusing);
      const created = (await (await contract.createJob()).json()) as JobCreated;
      expect((await contract.events(created.id)).at(-1)!.view.status).toBe('succeeded');
      expect(await refusing.proxy.proxy.jobs.get(sessionOf(contract), created.id)).toMatchObject({
        provider: 'studio',
        failovers: [{ from: 'tryonapi', to: 'studio', reason: 'unreachable' }],
      });
      expect(secondary.jobs.size).toBe(1);
    } finally {
      await refusing.close();
    }
  });
});

describe('circuit breaker', () => {
  it('opens after N failures, lets nothing through while open, and one probe closes it after recovery', async () => {
    primary.behave({ outage: true });
    await run();
    expect((await providerStates()).tryonapi).toMatchObject({ state: 'closed', failures: 1 });
    await run();
    expect((await providerStates()).tryonapi).toMatchObject({ state: 'open', failures: 2 });

    const callsWhileOpen = primary.calls.length;
    const whileOpen = await run();
    expect(whileOpen.record).toMatchObject({ provider: 'studio' });
    expect(whileOpen.record.failovers).toBeUndefined();
    expect(primary.calls.length).toBe(callsWhileOpen);

    primary.behave({ outage: false });
    await waitFor(async () => (await providerStates()).tryonapi!.state === 'half-open', 5_000);
    const probe = await run();
    expect(probe.record).toMatchObject({ provider: 'tryonapi' });
    expect(await providerStates()).toMatchObject({ tryonapi: { state: 'closed', failures: 0 } });
    const metrics = await (await fetch(`${proxy.url}/metrics`)).text();
    expect(metrics).toContain('fitting_room_provider_state{provider="tryonapi",state="closed"} 1');
  });
});

describe('the operator’s reset', () => {
  it('needs the admin token, refuses browsers, and names only known providers', async () => {
    await expectError(await reset('tryonapi', { headers: { authorization: 'Bearer wrong-token' } }), 403, 'ADMIN_TOKEN_INVALID');
    await expectError(await reset('tryonapi', { headers: { authorization: '' } }), 401, 'ADMIN_TOKEN_MISSING');
    await expectError(await reset('tryonapi', { headers: { origin: 'https://shop.example' } }), 403, 'ADMIN_BROWSER_REFUSED');
    await expectError(await reset('nosuch'), 404, 'NOT_FOUND');
  });
});

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
