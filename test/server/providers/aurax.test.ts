import { describe, expect, it } from 'vitest';
import type { Category } from '../../../src/contract.js';
import { aurax as provider } from '../../../src/server/providers/aurax/index.js';
import type { TryOnRequest } from '../../../src/server/providers/types.js';
import type { TimingOverrides } from '../../../src/server/providers/upstream/timing.js';
import { FAST, useAdapterFixture } from './fixture.js';
import { API_KEY, KEY_ID, startAurax } from '../../emulators/aurax.js';
import { closedPortUrl, collect, decode } from '../../emulators/harness.js';

const fx = useAdapterFixture(
  () => startAurax(),
  (emulator) => emulator.secrets(),
);

const adapter = (env: Record<string, string> = {}, options: TimingOverrides = {}) =>
  provider.fromEnv({ ...fx.emulator.env(), ...env }, { log: fx.probe.log, fetch, timing: { ...FAST, ...options } });
const request = (category: Category = 'top'): TryOnRequest => ({ person: fx.images.person, garments: [fx.images.garment], category });
const signal = () => new AbortController().signal;

async function run(aurax = adapter(), tryOn = request()) {
  const { upstreamId } = await aurax.submit(tryOn, signal());
  return { upstreamId, updates: await collect(aurax.watch(upstreamId, signal())) };
}

const streamCalls = () => fx.emulator.callsTo(/^\/api\/ai\/task\/[^/]+\/stream$/);
const pollCalls = () => fx.emulator.callsTo(/^\/api\/ai\/task\/[^/]+$/);

describe('AuraX adapter', () => {
  it('names the missing variable when configuration is incomplete', () => {
    const factory = provider.fromEnv;
    const context = { log: fx.probe.log, fetch };
    expect(() => factory({ ...fx.emulator.env(), AURAX_BASE_URL: undefined }, context)).toThrow(/AURAX_BASE_URL is required/);
    expect(() => factory({ ...fx.emulator.env(), AURAX_API_KEY: undefined }, context)).toThrow(/AURAX_API_KEY/);
    expect(() => factory({ ...fx.emulator.env(), AURAX_KEY_ID: undefined }, context)).toThrow(/AURAX_KEY_ID/);
    expect(() => factory({ ...fx.emulator.env(), AURAX_GARMENT_STRENGTH: '5' }, context)).toThrow(/AURAX_GARMENT_STRENGTH/);
  });

  it('sends base64 images, follows the task on its event stream and fetches the image by id', async () => {
    // Long enough that every intermediate status outlasts a poll interval, even on a busy machine.
    fx.emulator.behave({ jobMs: 600 });
    const { updates } = await run();
    expect(fx.emulator.tasks[0]).toEqual({
      personImage: fx.images.person.bytes.byteLength,
      garmentImage: fx.images.garment.bytes.byteLength,
      productType: 'GARMENT',
      garmentStrength: 2,
    });
    expect(updates[0]).toEqual({ status: 'queued' });
    expect(updates.filter((update) => update.status === 'running' && update.progress! > 0).length).toBeGreaterThanOrEqual(2);
    const last = fx.probe.terminal(updates);
    if (last.status !== 'succeeded') throw new Error(JSON.stringify(last));
    expect(await decode(last.image.bytes)).toEqual({ format: 'png', width: 240, height: 320 });
    expect(streamCalls()).toHaveLength(1);
    expect(pollCalls()).toHaveLength(0);
    const image = fx.emulator.callsTo(/^\/images\//)[0]!;
    expect([image.headers['x-api-key'], image.headers['x-key-id']]).toEqual([API_KEY, KEY_ID]);
  });

  it('maps every category to a documented productType, and takes the garment strength from the environment', async () => {
    const aurax = adapter({ AURAX_GARMENT_STRENGTH: '3' });
    for (const category of ['dress', 'full', 'shoes', 'bag', 'accessory'] as const) await aurax.submit(request(category), signal());
    expect(fx.emulator.tasks.map((task) => [task.productType, task.garmentStrength])).toEqual([
      ['DRESS', 3],
      ['OUTFIT', 3],
      ['FOOTWEAR', 3],
      ['BAG', 3],
      ['OTHER', 3],
    ]);
  });

  it('falls back to polling the task when the stream is refused, dropped, or silent', async () => {
    for (const stream of ['error', 'drop', 'silent'] as const) {
      fx.emulator.reset();
      fx.emulator.behave({ jobMs: 150, stream });
      const { updates } = await run(adapter({}, { streamIdleMs: 100 }));
      expect(fx.probe.terminal(updates).status).toBe('succeeded');
      expect(streamCalls()).toHaveLength(1);
      expect(pollCalls().length).toBeGreaterThan(0);
    }
    expect(fx.probe.logged('provider.stream_fallback').length).toBeGreaterThanOrEqual(2);
  });

  it('maps a failed task to TRYON_FAILED, over the stream and over polling', async () => {
    for (const stream of ['ok', 'error'] as const) {
      fx.emulator.behave({ stream, failNextJob: 'Garment not detected' });
      const last = fx.probe.terminal((await run()).updates);
      expect(last).toMatchObject({ status: 'failed', error: { code: 'TRYON_FAILED', retryable: true, providerCode: 'TASK_FAILED' } });
      if (last.status === 'failed') expect(last.error.detail).toContain('Garment not detected');
    }
  });

  it('maps 402 to exhausted credits', async () => {
    fx.emulator.behave({ outOfCredits: true });
    expect(await fx.probe.error(adapter().submit(request(), signal()))).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', creditsExhausted: true });
  });

  it('waits out a 429 with Retry-After; a long one is RATE_LIMITED', async () => {
    fx.emulator.behave({ rateLimit: 1, retryAfterS: 1 });
    const started = Date.now();
    await adapter().submit(request(), signal());
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(fx.emulator.callsTo('/api/ai/vto')).toHaveLength(2);
    fx.emulator.behave({ rateLimit: 10, retryAfterS: 600 });
    expect(await fx.probe.error(adapter().submit(request(), signal()))).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 600 });
  });

  it('reports outages without repeating the paid call', async () => {
    expect(await fx.probe.error(adapter({ AURAX_BASE_URL: await closedPortUrl() }).submit(request(), signal()))).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      providerCode: 'NETWORK',
    });
    fx.emulator.behave({ outage: true });
    expect(await fx.probe.error(adapter().submit(request(), signal()))).toMatchObject({ code: 'PROVIDER_ERROR', providerCode: 'HTTP_500' });
    expect(fx.emulator.callsTo('/api/ai/vto')).toHaveLength(1);
  });

  it('turns malformed JSON at submit into PROVIDER_ERROR, and survives one while polling', async () => {
    fx.emulator.behave({ malformedJson: 1 });
    expect(await fx.probe.error(adapter().submit(request(), signal()))).toMatchObject({ code: 'PROVIDER_ERROR', providerCode: 'MALFORMED_RESPONSE' });
    fx.emulator.behave({ stream: 'error' });
    const aurax = adapter();
    const { upstreamId } = await aurax.submit(request(), signal());
    fx.emulator.behave({ malformedJson: 1 });
    expect(fx.probe.terminal(await collect(aurax.watch(upstreamId, signal()))).status).toBe('succeeded');
  });

  it('reports refused keys as unavailable and names both variables', async () => {
    expect(await fx.probe.error(adapter({ AURAX_KEY_ID: 'aurax-key-id-wrong' }).submit(request(), signal()))).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      providerCode: 'HTTP_401',
    });
    expect(fx.probe.logged('provider.auth_rejected')[0]).toMatch(/AURAX_API_KEY and AURAX_KEY_ID/);
  });

  it('ends the watch promptly when aborted', async () => {
    fx.emulator.behave({ jobMs: 1000 });
    const aurax = adapter();
    const { upstreamId } = await aurax.submit(request(), signal());
    const controller = new AbortController();
    let aborted = 0;
    const watching = (async () => {
      for await (const update of aurax.watch(upstreamId, controller.signal)) {
        if (update.status === 'running') {
          aborted = Date.now();
          controller.abort();
        }
      }
    })();
    await expect(watching).rejects.toThrow();
    expect(Date.now() - aborted).toBeLessThan(200);
  });
});
