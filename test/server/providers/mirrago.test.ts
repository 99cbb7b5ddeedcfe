import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Category } from '../../../src/contract.js';
import { mirrago as provider } from '../../../src/server/providers/mirrago/index.js';
import type { PreparedImage, ProviderUpdate, TryOnRequest } from '../../../src/server/providers/types.js';
import type { TimingOverrides } from '../../../src/server/providers/upstream/timing.js';
import { Probe, closedPortUrl, collect, startImageHost, testImages } from '../../emulators/harness.js';
import { CLIENT_SECRET, startMirrago, type MirragoEmulator } from '../../emulators/mirrago.js';

const FAST: TimingOverrides = { pollMs: 20, pollMaxMs: 60, backoffMs: 10, backoffMaxMs: 40, retries: 2, requestTimeoutMs: 3000 };

let emulator: MirragoEmulator;
let host: Awaited<ReturnType<typeof startImageHost>>;
let images: Awaited<ReturnType<typeof testImages>>;
let probe: Probe;

beforeAll(async () => {
  [emulator, host, images] = await Promise.all([startMirrago({ jobMs: 250 }), startImageHost(), testImages()]);
});
afterAll(async () => {
  await Promise.all([emulator?.close(), host?.close()]);
});
beforeEach(async () => {
  await emulator.idle();
  emulator.reset();
  emulator.behave({ jobMs: 150 });
  probe = new Probe();
});
afterEach(() => {
  expect(probe.leaks([CLIENT_SECRET, ...emulator.tokens.keys()])).toEqual([]);
});

function adapter(env: Record<string, string> = {}, options: TimingOverrides = {}) {
  return provider.fromEnv({ ...emulator.env(), FITTING_ROOM_PUBLIC_URL: host.url, ...env }, { log: probe.log, fetch, timing: { ...FAST, ...options } });
}

function request(category: Category = 'top', garment: PreparedImage = images.garment): TryOnRequest {
  return { person: host.publish(images.person), garments: [host.publish(garment)], category };
}

const signal = () => new AbortController().signal;

const failureOf = (promise: Promise<unknown>) => probe.error(promise);
const terminal = (updates: ProviderUpdate[]) => probe.terminal(updates);

const tokenCalls = () => emulator.callsTo('/oauth/token').length;

describe('Mirrago adapter', () => {
  it('names the missing variable when configuration is incomplete', () => {
    const base = { ...emulator.env(), FITTING_ROOM_PUBLIC_URL: host.url };
    const factory = provider.fromEnv;
    const context = { log: probe.log, fetch };
    expect(() => factory({ ...base, MIRRAGO_CLIENT_ID: '' }, context)).toThrow(/MIRRAGO_CLIENT_ID/);
    expect(() => factory({ ...base, MIRRAGO_CLIENT_SECRET: undefined }, context)).toThrow(/MIRRAGO_CLIENT_SECRET/);
    expect(() => factory({ ...base, FITTING_ROOM_PUBLIC_URL: undefined }, context)).toThrow(/^Mirrago needs FITTING_ROOM_PUBLIC_URL/);
    expect(() => factory({ ...base, MIRRAGO_BASE_URL: 'not a url' }, context)).toThrow(/MIRRAGO_BASE_URL/);
    expect(factory({ ...base, MIRRAGO_BASE_URL: undefined }, context).name).toBe('mirrago');
  });

  it('runs a job from the public image URLs to a decodable result image', async () => {
    // Long enough that every intermediate status outlasts a poll interval, even on a busy machine.
    emulator.behave({ jobMs: 600 });
    const mirrago = adapter();
    const tryOn = request();
    const { upstreamId } = await mirrago.submit(tryOn, signal());
    const job = emulator.jobs.get(upstreamId)!;
    expect(job.meta.body).toEqual({ model_image_url: tryOn.person.publicUrl, garment_image_url: tryOn.garments[0]!.publicUrl });

    const updates = await collect(mirrago.watch(upstreamId, signal()));
    expect(updates.map((update) => update.status)).toEqual(['queued', 'running', 'succeeded']);
    const last = terminal(updates);
    if (last.status !== 'succeeded') throw new Error('expected success');
    expect(last.image.contentType).toBe('image/jpeg');
    const meta = await sharp(last.image.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 240, 320]);
    // The CDN download carries no token.
    const download = emulator.callsTo(/^\/cdn\/results\//)[0]!;
    expect(download.headers.authorization).toBeUndefined();
  });

  it('caches the token: one token call for two jobs', async () => {
    const mirrago = adapter();
    for (let index = 0; index < 2; index++) {
      const { upstreamId } = await mirrago.submit(request(), signal());
      expect(terminal(await collect(mirrago.watch(upstreamId, signal()))).status).toBe('succeeded');
    }
    expect(tokenCalls()).toBe(1);
  });

  it('shares one token request between concurrent submits', async () => {
    const mirrago = adapter();
    await Promise.all([mirrago.submit(request(), signal()), mirrago.submit(request(), signal()), mirrago.submit(request(), signal())]);
    expect(tokenCalls()).toBe(1);
  });

  it('asks again when the shared token answer is malformed, so no waiting submit fails', async () => {
    const mirrago = adapter();
    emulator.behave({ malformedJson: 1 });
    const submits = await Promise.allSettled([mirrago.submit(request(), signal()), mirrago.submit(request(), signal()), mirrago.submit(request(), signal())]);
    expect(submits.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(tokenCalls()).toBe(2);
    expect(probe.lines.some((line) => line.includes('"event":"upstream.retry"') && line.includes('MALFORMED_RESPONSE'))).toBe(true);
  });

  it('gives up on malformed token answers after its retries, with PROVIDER_ERROR', async () => {
    emulator.behave({ malformedJson: 100 });
    const error = await failureOf(adapter().submit(request(), signal()));
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', retryable: true, providerCode: 'MALFORMED_RESPONSE' });
    expect(tokenCalls()).toBe(3);
  });

  it('renews the token shortly before expires_in runs out', async () => {
    let now = Date.now();
    emulator.behave({ tokenExpiresIn: 120 });
    const mirrago = adapter({}, { now: () => now });
    await mirrago.submit(request(), signal());
    now += 100_000; // still inside 120 s minus the safety margin
    await mirrago.submit(request(), signal());
    expect(tokenCalls()).toBe(1);
    now += 9_000; // within the last tenth of the lifetime: renew before it lapses
    await mirrago.submit(request(), signal());
    expect(tokenCalls()).toBe(2);
  });

  it('refreshes a token that expires mid-job exactly once and finishes the job', async () => {
    emulator.behave({ jobMs: 400 });
    const mirrago = adapter();
    const { upstreamId } = await mirrago.submit(request(), signal());
    // The job is under way upstream when the token stops working.
    emulator.revokeTokens();
    const updates = await collect(mirrago.watch(upstreamId, signal()));
    expect(terminal(updates).status).toBe('succeeded');
    expect(tokenCalls()).toBe(2);
    expect(emulator.callsTo(/^\/v1\/mirrago\/job\//).some((call) => call.headers.authorization)).toBe(true);
    expect(probe.lines.some((line) => line.includes('provider.token_rejected'))).toBe(true);
  });

  it('gives up after one refresh when the new token is refused too', async () => {
    emulator.behave({ rejectAllTokens: true });
    const error = await failureOf(adapter().submit(request(), signal()));
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: false, providerCode: 'HTTP_401' });
    expect(tokenCalls()).toBe(2);
    expect(emulator.callsTo('/v1/mirrago/generate-image')).toHaveLength(2);
    const line = probe.lines.find((text) => text.includes('provider.auth_rejected'));
    expect(line).toMatch(/MIRRAGO_CLIENT_ID and MIRRAGO_CLIENT_SECRET/);
  });

  it('reports wrong client credentials as unavailable, with a line for the merchant', async () => {
    const error = await failureOf(adapter({ MIRRAGO_CLIENT_SECRET: 'wrong-secret-value-123' }).submit(request(), signal()));
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', providerCode: 'HTTP_401' });
    expect(error.detail).toContain('POST /oauth/token answered 401: Invalid client credentials');
    expect(probe.lines.join('\n')).not.toContain('wrong-secret-value-123');
  });

  it('maps a failed job (either documented shape) to TRYON_FAILED with the reason in detail', async () => {
    const mirrago = adapter();
    for (const failureShape of ['error', 'error_msg'] as const) {
      emulator.behave({ failNextJob: 'Model pose not supported', failureShape });
      const { upstreamId } = await mirrago.submit(request(), signal());
      const last = terminal(await collect(mirrago.watch(upstreamId, signal())));
      expect(last).toMatchObject({ status: 'failed', error: { code: 'TRYON_FAILED', retryable: true, providerCode: 'JOB_FAILED' } });
      if (last.status === 'failed') expect(last.error.detail).toContain('Model pose not supported');
    }
  });

  it('fails the job when Mirrago cannot download the photo', async () => {
    const mirrago = adapter();
    const tryOn = { ...request(), person: { ...images.person, publicUrl: `${host.url}/media/expired` } };
    const { upstreamId } = await mirrago.submit(tryOn, signal());
    const last = terminal(await collect(mirrago.watch(upstreamId, signal())));
    expect(last).toMatchObject({ status: 'failed', error: { code: 'TRYON_FAILED' } });
  });

  it('reports exhausted credits as unavailable with creditsExhausted', async () => {
    emulator.behave({ outOfCredits: true });
    const error = await failureOf(adapter().submit(request(), signal()));
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', creditsExhausted: true, retryable: false });
  });

  it('waits out a 429 with Retry-After and then succeeds', async () => {
    emulator.behave({ rateLimit: 1, retryAfterS: 1 });
    const started = Date.now();
    const { upstreamId } = await adapter().submit(request(), signal());
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(upstreamId).toBeTruthy();
    expect(probe.lines.some((line) => line.includes('upstream.retry') && line.includes('HTTP_429'))).toBe(true);
  });

  it('answers RATE_LIMITED with retryAfter when the wait asked for is too long', async () => {
    emulator.behave({ rateLimit: 5, retryAfterS: 120 });
    const started = Date.now();
    const error = await failureOf(adapter().submit(request(), signal()));
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryable: true, retryAfter: 120 });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('answers RATE_LIMITED when 429s persist through every retry', async () => {
    emulator.behave({ rateLimit: 50, retryAfterS: 0 });
    const error = await failureOf(adapter().submit(request(), signal()));
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryable: true });
    expect(emulator.callsTo('/oauth/token')).toHaveLength(3);
  });

  it('reports a refused connection as unavailable', async () => {
    const error = await failureOf(adapter({ MIRRAGO_BASE_URL: await closedPortUrl() }).submit(request(), signal()));
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true, providerCode: 'NETWORK' });
    expect(error.detail).toContain('ECONNREFUSED');
  });

  it('retries 500s of safe calls and then reports PROVIDER_ERROR', async () => {
    emulator.behave({ outage: true });
    const error = await failureOf(adapter().submit(request(), signal()));
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', retryable: true, providerCode: 'HTTP_500' });
    expect(tokenCalls()).toBe(3);
  });

  it('does not repeat job creation after a 500 (it may have spent credits)', async () => {
    const mirrago = adapter();
    await mirrago.submit(request(), signal()); // token cached
    emulator.behave({ serverErrors: 1 });
    const error = await failureOf(mirrago.submit(request(), signal()));
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', providerCode: 'HTTP_500' });
    expect(emulator.callsTo('/v1/mirrago/generate-image')).toHaveLength(2);
  });

  it('turns malformed JSON into PROVIDER_ERROR, and survives one during polling', async () => {
    const mirrago = adapter();
    await mirrago.submit(request(), signal()); // token cached
    emulator.behave({ malformedJson: 1 });
    const error = await failureOf(mirrago.submit(request(), signal()));
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', providerCode: 'MALFORMED_RESPONSE' });

    const { upstreamId } = await mirrago.submit(request(), signal());
    emulator.behave({ malformedJson: 1 });
    expect(terminal(await collect(mirrago.watch(upstreamId, signal()))).status).toBe('succeeded');
  });

  it('times out a call that does not answer', async () => {
    emulator.behave({ slow: 1000 });
    const error = await failureOf(adapter({}, { requestTimeoutMs: 100, retries: 0 }).submit(request(), signal()));
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', providerCode: 'TIMEOUT', retryable: true });
  });

  it('refuses categories Mirrago cannot try on, before any call', async () => {
    const error = await failureOf(adapter().submit(request('shoes'), signal()));
    expect(error).toMatchObject({ code: 'INVALID_CATEGORY', retryable: false });
    expect(emulator.calls).toHaveLength(0);
  });

  it('ends the watch promptly when aborted', async () => {
    emulator.behave({ jobMs: 5000 });
    const mirrago = adapter();
    const { upstreamId } = await mirrago.submit(request(), signal());
    const controller = new AbortController();
    const updates: ProviderUpdate[] = [];
    const watching = (async () => {
      for await (const update of mirrago.watch(upstreamId, controller.signal)) {
        updates.push(update);
        controller.abort();
      }
    })();
    const started = Date.now();
    await expect(watching).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(200);
    expect(updates).toEqual([{ status: 'queued' }]);
  });

  it('fails a job that never ends with PROVIDER_ERROR after the watch timeout', async () => {
    emulator.behave({ jobMs: 10_000 });
    const mirrago = adapter({}, { watchTimeoutMs: 200 });
    const { upstreamId } = await mirrago.submit(request(), signal());
    const last = terminal(await collect(mirrago.watch(upstreamId, signal())));
    expect(last).toMatchObject({ status: 'failed', error: { code: 'PROVIDER_ERROR', providerCode: 'TIMEOUT' } });
  });
});
