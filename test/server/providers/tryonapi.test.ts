import { describe, expect, it } from 'vitest';
import type { Category } from '../../../src/contract.js';
import { tryonapi as provider } from '../../../src/server/providers/tryonapi/index.js';
import type { TryOnRequest } from '../../../src/server/providers/types.js';
import type { TimingOverrides } from '../../../src/server/providers/upstream/timing.js';
import { FAST, useAdapterFixture } from './fixture.js';
import { closedPortUrl, collect, decode } from '../../emulators/harness.js';
import { API_KEY, ERROR_CODES, OTHER_API_KEY, startTryonApi } from '../../emulators/tryonapi.js';

const fx = useAdapterFixture(
  () => startTryonApi(),
  (emulator) => emulator.secrets(),
);

const adapter = (env: Record<string, string> = {}, options: TimingOverrides = {}) =>
  provider.fromEnv({ ...fx.emulator.env(), ...env }, { log: fx.probe.log, fetch, timing: { ...FAST, ...options } });
const request = (category: Category = 'top'): TryOnRequest => ({ person: fx.images.person, garments: [fx.images.garment], category });
const signal = () => new AbortController().signal;

async function run(tryonapi = adapter(), tryOn = request()) {
  const { upstreamId } = await tryonapi.submit(tryOn, signal());
  return { upstreamId, updates: await collect(tryonapi.watch(upstreamId, signal())) };
}

describe('TryonAPI adapter', () => {
  it('names the missing variable when configuration is incomplete', () => {
    const factory = provider.fromEnv;
    const context = { log: fx.probe.log, fetch };
    expect(() => factory({ ...fx.emulator.env(), TRYONAPI_BASE_URL: undefined }, context)).toThrow(/TRYONAPI_BASE_URL is required/);
    expect(() => factory({ ...fx.emulator.env(), TRYONAPI_API_KEY: ' ' }, context)).toThrow(/TRYONAPI_API_KEY/);
  });

  it('uploads both photos as multipart files and downloads an imageUrl result', async () => {
    const { upstreamId, updates } = await run();
    const job = fx.emulator.jobs.get(upstreamId)!;
    expect(Buffer.from(job.person!).equals(Buffer.from(fx.images.person.bytes))).toBe(true);
    expect(Buffer.from(job.garments[0]!).equals(Buffer.from(fx.images.garment.bytes))).toBe(true);
    expect(updates[0]).toEqual({ status: 'running' });
    const last = fx.probe.terminal(updates);
    if (last.status !== 'succeeded') throw new Error(JSON.stringify(last));
    expect(await decode(last.image.bytes)).toEqual({ format: 'png', width: 240, height: 320 });
    expect(fx.emulator.callsTo(/^\/r2\/results\//)).toHaveLength(1);
  });

  it('takes an imageBase64 result without a second request', async () => {
    fx.emulator.behave({ resultAs: 'base64' });
    const last = fx.probe.terminal((await run()).updates);
    if (last.status !== 'succeeded') throw new Error(JSON.stringify(last));
    expect(last.image.contentType).toBe('image/png');
    expect((await decode(last.image.bytes)).format).toBe('png');
    expect(fx.emulator.callsTo(/^\/r2\/results\//)).toHaveLength(0);
  });

  it('maps every documented errorCode to a contract code and a message for the shopper', async () => {
    const tryonapi = adapter();
    const submitted: [string, string][] = [];
    for (const errorCode of ERROR_CODES) {
      fx.emulator.behave({ failNextJob: errorCode });
      submitted.push([errorCode, (await tryonapi.submit(request(), signal())).upstreamId]);
    }
    const results = await Promise.all(
      submitted.map(async ([errorCode, upstreamId]) => {
        const last = fx.probe.terminal(await collect(tryonapi.watch(upstreamId, signal())));
        if (last.status !== 'failed') throw new Error(`${errorCode} did not fail`);
        return [errorCode, last.error] as const;
      }),
    );
    const byCode = Object.fromEntries(results);
    for (const [errorCode, error] of results) {
      expect(error.providerCode).toBe(errorCode);
      expect(error.message).toBeTruthy();
      expect(error.detail).toContain(errorCode);
    }
    expect(byCode.INVALID_PERSON_IMAGE).toMatchObject({ code: 'TRYON_REJECTED', retryable: false });
    expect(byCode.INVALID_PERSON_IMAGE!.message).toMatch(/person in that photo.*head to at least the knees/);
    expect(byCode.INVALID_GARMENT_IMAGE).toMatchObject({ code: 'GARMENT_UNREADABLE', retryable: false });
    expect(byCode.VALIDATION_FAILED).toMatchObject({ code: 'TRYON_REJECTED', retryable: false });
    for (const code of [
      'GENERATION_FAILED',
      'STORAGE_FAILED',
      'R2_FETCH_FAILED',
      'RESULT_UNAVAILABLE',
      'QUEUE_INVALID_INPUT_DATA',
      'QUEUE_PROCESSING_FAILED',
      'SERVICE_SPECIFIC_ERROR',
      'INTERNAL_ERROR',
    ]) {
      expect(byCode[code]).toMatchObject({ code: 'TRYON_FAILED', retryable: true });
    }
    for (const code of ['CONSUMER_CONFIG_ERROR', 'INVALID_SERVICE_PROVIDER']) expect(byCode[code]).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: false });
  });

  it('maps 402 to exhausted credits', async () => {
    fx.emulator.behave({ outOfCredits: true });
    expect(await fx.probe.error(adapter().submit(request(), signal()))).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', creditsExhausted: true, providerCode: 'HTTP_402' });
  });

  it('maps 401 to unavailable and tells the merchant which variable to check', async () => {
    const error = await fx.probe.error(adapter({ TRYONAPI_API_KEY: 'tryonapi-wrong-key-000' }).submit(request(), signal()));
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: false, providerCode: 'HTTP_401' });
    expect(fx.probe.logged('provider.auth_rejected')[0]).toContain('TRYONAPI_API_KEY');
    expect(fx.probe.lines.join('\n')).not.toContain('tryonapi-wrong-key-000');
  });

  it('maps 403 (a job of another key) and 404 (an unknown job) to failed watches', async () => {
    const { upstreamId } = await adapter({ TRYONAPI_API_KEY: OTHER_API_KEY }).submit(request(), signal());
    const forbidden = fx.probe.terminal(await collect(adapter().watch(upstreamId, signal())));
    expect(forbidden).toMatchObject({ status: 'failed', error: { code: 'PROVIDER_UNAVAILABLE', providerCode: 'HTTP_403' } });
    const missing = fx.probe.terminal(await collect(adapter().watch('no-such-job', signal())));
    expect(missing).toMatchObject({ status: 'failed', error: { code: 'PROVIDER_ERROR', providerCode: 'HTTP_404' } });
  });

  it('maps 400 (a file TryonAPI cannot read) to a non-retryable PROVIDER_ERROR', async () => {
    const broken = { ...request(), person: { bytes: new TextEncoder().encode('not an image'), contentType: 'image/jpeg' as const } };
    const error = await fx.probe.error(adapter().submit(broken, signal()));
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', retryable: false, providerCode: 'HTTP_400' });
    expect(error.detail).toContain('Invalid image format: person_images');
  });

  it('waits out a 429 with Retry-After, then succeeds; a long Retry-After is RATE_LIMITED', async () => {
    fx.emulator.behave({ rateLimit: 1, retryAfterS: 1 });
    const started = Date.now();
    const { updates } = await run();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(fx.probe.terminal(updates).status).toBe('succeeded');
    expect(fx.emulator.callsTo('/api/v1/tryon', 'POST')).toHaveLength(2);

    fx.emulator.behave({ rateLimit: 10, retryAfterS: 90 });
    expect(await fx.probe.error(adapter().submit(request(), signal()))).toMatchObject({ code: 'RATE_LIMITED', retryable: true, retryAfter: 90 });
  });

  it('reports a refused connection and a 500 at submit without repeating the paid call', async () => {
    expect(await fx.probe.error(adapter({ TRYONAPI_BASE_URL: await closedPortUrl() }).submit(request(), signal()))).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      providerCode: 'NETWORK',
    });
    fx.emulator.behave({ outage: true });
    expect(await fx.probe.error(adapter().submit(request(), signal()))).toMatchObject({ code: 'PROVIDER_ERROR', retryable: true, providerCode: 'HTTP_500' });
    expect(fx.emulator.callsTo('/api/v1/tryon', 'POST')).toHaveLength(1);
  });

  it('rides out 500s while polling, and fails the job when they persist', async () => {
    const tryonapi = adapter();
    const { upstreamId } = await tryonapi.submit(request(), signal());
    fx.emulator.behave({ serverErrors: 2 });
    expect(fx.probe.terminal(await collect(tryonapi.watch(upstreamId, signal()))).status).toBe('succeeded');

    const second = await tryonapi.submit(request(), signal());
    fx.emulator.behave({ outage: true });
    const last = fx.probe.terminal(await collect(tryonapi.watch(second.upstreamId, signal())));
    expect(last).toMatchObject({ status: 'failed', error: { code: 'PROVIDER_ERROR', providerCode: 'HTTP_500' } });
    expect(fx.probe.logged('provider.poll_failed').length).toBeGreaterThan(0);
  });

  it('turns malformed JSON at submit into PROVIDER_ERROR', async () => {
    fx.emulator.behave({ malformedJson: 1 });
    expect(await fx.probe.error(adapter().submit(request(), signal()))).toMatchObject({ code: 'PROVIDER_ERROR', providerCode: 'MALFORMED_RESPONSE' });
  });

  it('refuses categories TryonAPI cannot try on', async () => {
    for (const category of ['shoes', 'bag', 'accessory'] as const) {
      expect(await fx.probe.error(adapter().submit(request(category), signal()))).toMatchObject({ code: 'INVALID_CATEGORY' });
    }
    expect(fx.emulator.calls).toHaveLength(0);
  });

  it('sends the key only in the Authorization header of its own API, never with the signed result URL', async () => {
    await run();
    for (const call of fx.emulator.calls) {
      expect(call.search).not.toContain(API_KEY);
      if (call.path.startsWith('/api/')) expect(call.headers.authorization).toBe(`Bearer ${API_KEY}`);
      // The signed result URL authorizes itself: the key does not go along.
      else expect(call.headers.authorization).toBeUndefined();
    }
  });
});
