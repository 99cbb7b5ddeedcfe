import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobCreated, JobView } from '../../src/contract.js';
import { EMULATED_PROVIDERS, closedPortUrl, startEmulator, type Emulator } from '../emulators/harness.js';
import { ContractClient, expectError, startProxy, type TestProxy } from './harness.js';

/**
 * Each documented provider through the widget's contract: a real proxy on loopback
 * configured only by environment variables, talking to an emulator of the provider's
 * document. The browser's view must be the same whoever the provider is.
 */
async function finalView(client: ContractClient, response: Response): Promise<JobView> {
  expect(response.status).toBe(202);
  const created = (await response.json()) as JobCreated;
  return (await client.events(created.id)).at(-1)!.view;
}

describe.each(EMULATED_PROVIDERS)('%s through the contract', (name) => {
  let emulator: Emulator;
  let proxy: TestProxy;
  let client: ContractClient;

  beforeAll(async () => {
    const started = await startEmulator(name, { jobMs: 300 });
    emulator = started.emulator;
    proxy = await startProxy({ ...started.env, FITTING_ROOM_POLL_MS: '50' });
    client = await ContractClient.open(proxy);
  });
  afterAll(async () => {
    await proxy?.close();
    await emulator?.close();
  });

  it('succeeds: the result comes from the proxy, stripped, never as a provider URL', async () => {
    const final = await finalView(client, await client.createJob());
    expect(final).toMatchObject({ status: 'succeeded', resultUrl: `results/${final.id}` });
    expect(JSON.stringify(final)).not.toContain(emulator.url);
    const result = await client.call(final.resultUrl!);
    expect(result.status).toBe(200);
    const meta = await sharp(Buffer.from(await result.arrayBuffer())).metadata();
    expect(meta.width).toBeGreaterThan(0);
    expect(meta.exif).toBeUndefined();
  });

  it('a failed job ends failed with a contract code and a message', async () => {
    emulator.behave({ failNextJob: true });
    const final = await finalView(client, await client.createJob());
    expect(final.status).toBe('failed');
    expect(['TRYON_FAILED', 'TRYON_REJECTED', 'GARMENT_UNREADABLE']).toContain(final.error!.code);
    expect(final.error!.message.length).toBeGreaterThan(10);
  });

  it('rate limited upstream for longer than it is worth waiting: RATE_LIMITED, retryable', async () => {
    emulator.behave({ rateLimit: 1000, retryAfterS: 120 });
    const response = await client.createJob();
    const final = await finalView(client, response);
    emulator.behave({ rateLimit: 0 });
    expect(final).toMatchObject({ status: 'failed', error: { code: 'RATE_LIMITED', retryable: true } });
  });

  it('an outage (500s) ends the job with a retryable provider error', async () => {
    emulator.behave({ outage: true });
    const final = await finalView(client, await client.createJob());
    emulator.behave({ outage: false });
    expect(final.status).toBe('failed');
    expect(['PROVIDER_ERROR', 'PROVIDER_UNAVAILABLE']).toContain(final.error!.code);
  });

  it('credits exhausted: the shopper is told, and no further upstream job is started', async () => {
    emulator.behave({ outOfCredits: true });
    const final = await finalView(client, await client.createJob());
    expect(final).toMatchObject({ status: 'failed', error: { code: 'PROVIDER_UNAVAILABLE' } });
    const callsBefore = emulator.calls.length;
    await expectError(await client.createJob(), 503, 'PROVIDER_UNAVAILABLE');
    expect(emulator.calls.length).toBe(callsBefore);
    expect(proxy.logs.some((line) => line.includes('provider.credits_exhausted'))).toBe(true);
  });

  it('never logs or returns a credential', () => {
    const secrets = Object.entries(emulator.env())
      .filter(([key]) => /KEY|SECRET|TOKEN|CLIENT_ID/.test(key))
      .map(([, value]) => value);
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(proxy.logs.join('\n')).not.toContain(secret);
  });
});

describe('provider unreachable (connection refused)', () => {
  it('ends the job as a provider outage', async () => {
    const proxy = await startProxy({
      FITTING_ROOM_PROVIDER: 'tryonapi',
      TRYONAPI_BASE_URL: await closedPortUrl(),
      TRYONAPI_API_KEY: 'key-for-a-closed-port',
      FITTING_ROOM_POLL_MS: '50',
    });
    try {
      const client = await ContractClient.open(proxy);
      const final = await finalView(client, await client.createJob());
      expect(final.status).toBe('failed');
      expect(['PROVIDER_UNAVAILABLE', 'PROVIDER_ERROR']).toContain(final.error!.code);
    } finally {
      await proxy.close();
    }
  });
});

describe('Mirrago token expiring mid-job', () => {
  it('renews the token once and the job still succeeds', async () => {
    const { emulator, env } = await startEmulator('mirrago', { jobMs: 900, expireTokensAfterMs: 250 } as never);
    const proxy = await startProxy({ ...env, FITTING_ROOM_POLL_MS: '50' });
    try {
      const client = await ContractClient.open(proxy);
      const final = await finalView(client, await client.createJob());
      expect(final.status).toBe('succeeded');
      const tokenCalls = emulator.calls.filter((call) => call.path === '/oauth/token');
      expect(tokenCalls.length).toBeGreaterThan(1);
    } finally {
      await proxy.close();
      await emulator.close();
    }
  });
});
