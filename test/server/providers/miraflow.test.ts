import { describe, expect, it } from 'vitest';
import { CATEGORIES, type Category } from '../../../src/contract.js';
import { miraflow as provider } from '../../../src/server/providers/miraflow/index.js';
import { tryOnPrompt } from '../../../src/server/providers/miraflow/mapping.js';
import type { TryOnRequest } from '../../../src/server/providers/types.js';
import type { TimingOverrides } from '../../../src/server/providers/upstream/timing.js';
import { FAST, useAdapterFixture } from './fixture.js';
import { closedPortUrl, collect, decode } from '../../emulators/harness.js';
import { API_KEY, startMiraflow } from '../../emulators/miraflow.js';

const fx = useAdapterFixture(
  () => startMiraflow(),
  (emulator) => emulator.secrets(),
);

const adapter = (env: Record<string, string> = {}, options: TimingOverrides = {}) =>
  provider.fromEnv({ ...fx.emulator.env(), ...env }, { log: fx.probe.log, fetch, timing: { ...FAST, ...options } });
const request = (category: Category = 'top'): TryOnRequest => ({ person: fx.images.person, garments: [fx.images.garment], category });
const signal = () => new AbortController().signal;

async function run(miraflow = adapter(), tryOn = request()) {
  const { upstreamId } = await miraflow.submit(tryOn, signal());
  return { upstreamId, updates: await collect(miraflow.watch(upstreamId, signal())) };
}

describe('Miraflow adapter', () => {
  it('names the missing variable when configuration is incomplete', () => {
    const factory = provider.fromEnv;
    const context = { log: fx.probe.log, fetch };
    expect(() => factory({ ...fx.emulator.env(), MIRAFLOW_API_KEY: undefined }, context)).toThrow(/MIRAFLOW_API_KEY/);
    expect(factory({ MIRAFLOW_API_KEY: API_KEY }, context).name).toBe('miraflow');
  });

  it('uploads both images through presigned URLs, edits with both as references, and downloads the result', async () => {
    // Long enough that every intermediate status outlasts a poll interval, even on a busy machine.
    fx.emulator.behave({ jobMs: 600 });
    const { upstreamId, updates } = await run();
    expect(fx.emulator.callsTo('/api/media/initialize')).toHaveLength(2);
    const puts = fx.emulator.callsTo(/^\/s3\/upload\//, 'PUT');
    expect(puts).toHaveLength(2);
    // The presigned PUT and the signed download never carry the key.
    for (const call of [...puts, ...fx.emulator.callsTo(/^\/s3\/media\//)]) expect(call.headers['x-api-key']).toBeUndefined();
    expect(fx.emulator.callsTo('/api/media/finalize')).toHaveLength(2);

    const edit = fx.emulator.edits[0]!;
    const [personId, garmentId] = edit.referenceImageMediaIds as string[];
    expect(edit.referenceImageMediaId).toBe(personId);
    expect(Buffer.from(fx.emulator.media.get(personId!)!.bytes!).equals(Buffer.from(fx.images.person.bytes))).toBe(true);
    expect(Buffer.from(fx.emulator.media.get(garmentId!)!.bytes!).equals(Buffer.from(fx.images.garment.bytes))).toBe(true);
    expect(edit.prompt).toBe(tryOnPrompt('top'));
    expect(edit.aspectRatio).toBe('3:4');
    expect(fx.emulator.jobs.get(upstreamId)).toBeDefined();

    expect(updates[0]).toEqual({ status: 'queued' });
    expect(updates.some((update) => update.status === 'running' && update.progress! > 0)).toBe(true);
    const last = fx.probe.terminal(updates);
    if (last.status !== 'succeeded') throw new Error(JSON.stringify(last));
    expect(await decode(last.image.bytes)).toEqual({ format: 'png', width: 240, height: 320 });
  });

  it('builds a distinct try-on prompt for every category', () => {
    const prompts = CATEGORIES.map((category) => tryOnPrompt(category));
    expect(new Set(prompts).size).toBe(CATEGORIES.length);
    expect(tryOnPrompt('shoes')).toContain('shoes');
    expect(tryOnPrompt('outerwear')).toMatch(/jacket or coat/);
    for (const prompt of prompts) expect(prompt).toMatch(/Keep the person’s face/);
  });

  it('maps a failed job to TRYON_FAILED with the reason for the log', async () => {
    fx.emulator.behave({ failNextJob: 'Content policy violation' });
    const last = fx.probe.terminal((await run()).updates);
    expect(last).toMatchObject({ status: 'failed', error: { code: 'TRYON_FAILED', retryable: true, providerCode: 'JOB_FAILED' } });
    if (last.status === 'failed') expect(last.error.detail).toContain('Content policy violation');
  });

  it('maps a credits failure to exhausted credits', async () => {
    fx.emulator.behave({ outOfCredits: true });
    expect(await fx.probe.error(adapter().submit(request(), signal()))).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', creditsExhausted: true });
  });

  it('waits out a 429 with Retry-After; a long one is RATE_LIMITED', async () => {
    fx.emulator.behave({ rateLimit: 1, retryAfterS: 1 });
    const started = Date.now();
    expect(fx.probe.terminal((await run()).updates).status).toBe('succeeded');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    fx.emulator.behave({ rateLimit: 10, retryAfterS: 45 });
    expect(await fx.probe.error(adapter().submit(request(), signal()))).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 45 });
  });

  it('reports outages; retries a 500 on the safe upload steps', async () => {
    expect(await fx.probe.error(adapter({ MIRAFLOW_BASE_URL: await closedPortUrl() }).submit(request(), signal()))).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      providerCode: 'NETWORK',
    });
    fx.emulator.behave({ serverErrors: 1 });
    expect(fx.probe.terminal((await run()).updates).status).toBe('succeeded');
    fx.emulator.behave({ outage: true });
    expect(await fx.probe.error(adapter().submit(request(), signal()))).toMatchObject({ code: 'PROVIDER_ERROR', providerCode: 'HTTP_500', retryable: true });
  });

  it('turns malformed JSON into PROVIDER_ERROR', async () => {
    fx.emulator.behave({ malformedJson: 1 });
    expect(await fx.probe.error(adapter().submit(request(), signal()))).toMatchObject({ code: 'PROVIDER_ERROR', providerCode: 'MALFORMED_RESPONSE' });
  });

  it('reports a refused key as unavailable and names the variable', async () => {
    expect(await fx.probe.error(adapter({ MIRAFLOW_API_KEY: 'mf_live_wrong_000000' }).submit(request(), signal()))).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      providerCode: 'HTTP_401',
      retryable: false,
    });
    expect(fx.probe.logged('provider.auth_rejected')[0]).toContain('MIRAFLOW_API_KEY');
  });

  it('refuses to upload the photo to a plain-http URL off Miraflow’s origin', async () => {
    const redirecting: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!String(input).endsWith('/api/media/initialize')) return response;
      const body = (await response.json()) as Record<string, string>;
      return Response.json({ ...body, uploadUrl: 'http://169.254.169.254/upload' });
    };
    const miraflow = provider.fromEnv(fx.emulator.env(), { log: fx.probe.log, fetch: redirecting, timing: FAST });
    expect(await fx.probe.error(miraflow.submit(request(), signal()))).toMatchObject({ code: 'PROVIDER_ERROR', providerCode: 'UPLOAD_URL' });
  });
});
