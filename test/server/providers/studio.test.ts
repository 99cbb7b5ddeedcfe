import { describe, expect, it } from 'vitest';
import type { Category } from '../../../src/contract.js';
import { studio as provider } from '../../../src/server/providers/studio/index.js';
import type { PreparedImage, ProviderUpdate, TryOnRequest } from '../../../src/server/providers/types.js';
import type { TimingOverrides } from '../../../src/server/providers/upstream/timing.js';
import { FAST, useAdapterFixture } from './fixture.js';
import { closedPortUrl, collect, decode } from '../../emulators/harness.js';
import { startStudio } from '../../emulators/studio.js';

const fx = useAdapterFixture(
  () => startStudio(),
  (emulator) => emulator.secrets(),
);

const adapter = (env: Record<string, string> = {}, options: TimingOverrides = {}) =>
  provider.fromEnv({ ...fx.emulator.env(), ...env }, { log: fx.probe.log, fetch, timing: { ...FAST, ...options } });
const request = (category: Category = 'top', garments: PreparedImage[] = [fx.images.garment]): TryOnRequest => ({ person: fx.images.person, garments, category });
const signal = () => new AbortController().signal;

async function run(studio = adapter(), tryOn = request()) {
  const { upstreamId } = await studio.submit(tryOn, signal());
  return { upstreamId, updates: await collect(studio.watch(upstreamId, signal())) };
}

const progressOf = (updates: ProviderUpdate[]) => updates.flatMap((update) => (update.status === 'running' && update.progress != null ? [update.progress] : []));

describe('Studio adapter', () => {
  it('names the missing variable when configuration is incomplete', () => {
    const factory = provider.fromEnv;
    const context = { log: fx.probe.log, fetch };
    expect(() => factory({ ...fx.emulator.env(), STUDIO_BASE_URL: undefined }, context)).toThrow(/STUDIO_BASE_URL is required/);
    expect(() => factory({ ...fx.emulator.env(), STUDIO_API_TOKEN: undefined }, context)).toThrow(/STUDIO_API_TOKEN/);
    expect(() => factory({ ...fx.emulator.env(), STUDIO_USER_CATEGORY: 'women & men' }, context)).toThrow(/STUDIO_USER_CATEGORY/);
  });

  it('uploads the photos, follows progress on the event stream and downloads the render', async () => {
    // Long enough that every intermediate status outlasts a poll interval, even on a busy machine.
    fx.emulator.behave({ jobMs: 600 });
    const { updates } = await run();
    expect(fx.emulator.callsTo('/v1/uploads', 'POST')).toHaveLength(2);
    expect(fx.emulator.submissions[0]).toEqual({
      user_image: expect.stringMatching(/^uploads\/\w{26}\/person\.jpg$/),
      items: [{ trial_image: expect.stringMatching(/^uploads\/\w{26}\/item-1\.png$/), trial_item_category: 'top' }],
    });
    expect(updates[0]).toMatchObject({ status: 'queued' });
    const progress = progressOf(updates);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.every((value) => value > 0 && value < 1)).toBe(true);
    const last = fx.probe.terminal(updates);
    if (last.status !== 'succeeded') throw new Error(JSON.stringify(last));
    expect(await decode(last.image.bytes)).toEqual({ format: 'png', width: 240, height: 320 });
    // Progress came from the stream; the job was read once, for the render.
    expect(fx.emulator.callsTo(/^\/v1\/jobs\/\w+\/events$/)).toHaveLength(1);
    expect(fx.emulator.callsTo(/^\/v1\/jobs\/\w+$/)).toHaveLength(1);
  });

  it('tries several garments on in one job: one item per garment', async () => {
    const studio = adapter({ STUDIO_USER_CATEGORY: 'female' });
    expect(studio.maxGarments).toBeGreaterThan(1);
    const { upstreamId, updates } = await run(studio, request('bottom', [fx.images.garment, fx.images.garment2]));
    expect(fx.probe.terminal(updates).status).toBe('succeeded');
    const body = fx.emulator.submissions[0] as { user_category: string; items: { trial_image: string; trial_item_category: string }[] };
    expect(body.user_category).toBe('FEMALE');
    expect(body.items).toHaveLength(2);
    expect(new Set(body.items.map((item) => item.trial_image)).size).toBe(2);
    expect(body.items.every((item) => item.trial_item_category === 'bottom')).toBe(true);
    expect(fx.emulator.jobs.get(upstreamId)!.garments.map((bytes) => bytes.byteLength)).toEqual([fx.images.garment.bytes.byteLength, fx.images.garment2.bytes.byteLength]);
  });

  it('falls back to polling when the stream is refused, dropped, or goes silent', async () => {
    for (const stream of ['error', 'drop', 'silent'] as const) {
      fx.emulator.behave({ stream });
      const { updates } = await run(adapter({}, { streamIdleMs: 100 }));
      expect(fx.probe.terminal(updates).status).toBe('succeeded');
    }
    expect(fx.probe.logged('provider.stream_fallback').length).toBeGreaterThanOrEqual(2);
  });

  it('maps a failed job to TRYON_FAILED, and a rejected person photo to TRYON_REJECTED', async () => {
    fx.emulator.behave({ failNextJob: true });
    expect(fx.probe.terminal((await run()).updates)).toMatchObject({ status: 'failed', error: { code: 'TRYON_FAILED', retryable: true, providerCode: 'RENDER_FAILED' } });
    fx.emulator.behave({ failNextJob: 'USER_IMAGE_NO_PERSON' });
    const rejected = fx.probe.terminal((await run()).updates);
    expect(rejected).toMatchObject({ status: 'failed', error: { code: 'TRYON_REJECTED', retryable: false } });
  });

  it('maps INSUFFICIENT_BALANCE to exhausted credits', async () => {
    fx.emulator.behave({ outOfCredits: true });
    const error = await fx.probe.error(adapter().submit(request(), signal()));
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', creditsExhausted: true, providerCode: 'INSUFFICIENT_BALANCE' });
    expect(error.detail).toMatch(/request_id \w{26}/);
  });

  it('maps VALIDATION_ERROR to a non-retryable PROVIDER_ERROR', async () => {
    const error = await fx.probe.error(adapter({ STUDIO_USER_CATEGORY: 'ROBOT' }).submit(request(), signal()));
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', retryable: false, providerCode: 'VALIDATION_ERROR' });
  });

  it('waits out RATE_LIMITED with Retry-After; a long wait is reported as RATE_LIMITED', async () => {
    fx.emulator.behave({ rateLimit: 1, retryAfterS: 1 });
    const started = Date.now();
    await adapter().submit(request(), signal());
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    fx.emulator.behave({ rateLimit: 10, retryAfterS: 30 });
    expect(await fx.probe.error(adapter().submit(request(), signal()))).toMatchObject({ code: 'RATE_LIMITED', retryable: true, retryAfter: 30, providerCode: 'RATE_LIMITED' });
  });

  it('reports outages: a refused connection, persistent 500s; a single 500 on an upload is retried', async () => {
    expect(await fx.probe.error(adapter({ STUDIO_BASE_URL: await closedPortUrl() }).submit(request(), signal()))).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      providerCode: 'NETWORK',
    });
    fx.emulator.behave({ serverErrors: 1 });
    expect((await adapter().submit(request(), signal())).upstreamId).toBeTruthy();
    fx.emulator.behave({ outage: true });
    expect(await fx.probe.error(adapter().submit(request(), signal()))).toMatchObject({ code: 'PROVIDER_ERROR', providerCode: 'INTERNAL_ERROR', retryable: true });
  });

  it('turns malformed JSON into PROVIDER_ERROR', async () => {
    fx.emulator.behave({ malformedJson: 1 });
    expect(await fx.probe.error(adapter().submit(request(), signal()))).toMatchObject({ code: 'PROVIDER_ERROR', providerCode: 'MALFORMED_RESPONSE' });
  });

  it('reports a refused token as unavailable, naming the variable for the merchant', async () => {
    expect(await fx.probe.error(adapter({ STUDIO_API_TOKEN: 'sk_test_wrong_token_123' }).submit(request(), signal()))).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      providerCode: 'UNAUTHORIZED',
    });
    expect(fx.probe.logged('provider.auth_rejected')[0]).toContain('STUDIO_API_TOKEN');
  });

  it('refuses bags and accessories before any call', async () => {
    for (const category of ['bag', 'accessory'] as const) expect(await fx.probe.error(adapter().submit(request(category), signal()))).toMatchObject({ code: 'INVALID_CATEGORY' });
    expect(fx.emulator.calls).toHaveLength(0);
  });

  it('ends the watch promptly when aborted mid-stream', async () => {
    fx.emulator.behave({ jobMs: 1000 });
    const studio = adapter();
    const { upstreamId } = await studio.submit(request(), signal());
    const controller = new AbortController();
    const started = Date.now();
    const watching = (async () => {
      for await (const update of studio.watch(upstreamId, controller.signal)) if (update.status === 'running') controller.abort();
    })();
    await expect(watching).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
