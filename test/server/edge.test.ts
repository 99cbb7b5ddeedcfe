import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import exifr from 'exifr';
import sharp from 'sharp';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseEventStream } from '../../src/client/proxy-client.js';
import type { ErrorEnvelope, JobCreated, JobView, SessionGrant } from '../../src/contract.js';
import type { WaitUntil, WorkerEntry } from '../../src/server/edge.js';
import { DIGITAL_SOURCE_TYPE } from '../../src/server/marking/xmp.js';
import { startEmulator } from '../emulators/harness.js';
import type { Emulator } from '../emulators/harness.js';
import { SECRET, SHOP_ORIGIN, closeServer, garmentPng, listen } from './harness.js';
import { startS3, type TestS3 } from './s3-server.js';

/**
 * The edge build (`vite build --mode edge`, as `npm run build` makes dist/edge) is built
 * afresh into a temporary directory, checked for anything Node-only, then imported into
 * this Node process and driven through the contract as a Worker would be: by calling its
 * `fetch(request, env, ctx)` with the variables as bindings.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
let outDir: string;
let worker: string;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'fitting-room-edge-'));
  await build({ root, configFile: join(root, 'vite.config.ts'), mode: 'edge', logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  worker = await readFile(join(outDir, 'worker.js'), 'utf8');
}, 60_000);
afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

/** Every module specifier a file imports or re-exports, static or dynamic. */
function specifiers(code: string): string[] {
  const found = [
    ...code.matchAll(/^\s*(?:import|export)\b[^;'"]*?\bfrom\s*["']([^"']+)["']/gm),
    ...code.matchAll(/^\s*import\s*["']([^"']+)["']/gm),
    ...code.matchAll(/\bimport\s*\(\s*["'`]([^"'`]+)["'`]\s*\)/g),
  ];
  return found.map((match) => match[1]!);
}

/** Node globals the bundle may not use: Workers without `nodejs_compat` have none of them. */
const NODE_GLOBAL = /\b(?:Buffer\.\w+|process\.\w+|__dirname|__filename|setImmediate|require\s*\()/;

describe('the edge bundle', () => {
  it('is one self-contained ES module, with deno.js and bun.js importing only it', async () => {
    const files = (await readdir(outDir, { recursive: true })).filter((file) => file.endsWith('.js')).sort();
    expect(files).toEqual(['bun.js', 'deno.js', 'worker.js']);
    expect(specifiers(worker)).toEqual([]);
    expect(/^export \{[^}]*\bcreateEdgeProxy\b[^}]*\bdefault\b[^}]*\}/m.test(worker)).toBe(true);
    for (const entry of ['deno.js', 'bun.js']) expect(specifiers(await readFile(join(outDir, entry), 'utf8'))).toEqual(['./worker.js']);
  });

  it('contains no Node built-in, no sharp, and no Node global', () => {
    const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
    // (Booleans, not toMatch: a failure should not print 250 KB of bundle.)
    expect(/["'`]node:[a-z_/]+["'`]/.exec(worker)?.[0]).toBeUndefined();
    expect([...builtins].filter((name) => worker.includes(`from "${name}"`) || worker.includes(`require("${name}")`))).toEqual([]);
    // sharp's own code names libvips and its @img/sharp-* binaries; it is mentioned only in messages.
    expect(/libvips|@img\/sharp/.exec(worker)?.[0]).toBeUndefined();

    const offending = worker.split('\n').filter((line) => NODE_GLOBAL.test(line) && !line.trim().startsWith('*') && !line.trim().startsWith('//'));
    expect(offending.map((line) => NODE_GLOBAL.exec(line)![0])).toEqual([]);
  });

  it('stays small enough for any Workers plan', () => {
    const gzipped = gzipSync(worker).length;
    // Workers take 3 MB compressed on the free plan; this is a few percent of it.
    expect(gzipped).toBeLessThan(256 * 1024);
  });
});

describe('the built worker, driven through the contract', () => {
  let s3: TestS3;
  let emulator: Emulator;
  let garments: Awaited<ReturnType<typeof listen>>;
  let env: Record<string, string>;
  let entry: WorkerEntry;
  const logLines: string[] = [];
  const background: Promise<unknown>[] = [];
  const ctx: WaitUntil = { waitUntil: (promise) => void background.push(promise) };

  beforeAll(async () => {
    const garment = await garmentPng();
    let provider: Record<string, string>;
    [s3, { emulator, env: provider }, garments] = await Promise.all([
      startS3(),
      startEmulator('tryonapi', { jobMs: 300 }),
      listen(() => new Response(garment, { headers: { 'content-type': 'image/png' } })),
    ]);
    env = {
      FITTING_ROOM_SECRET: SECRET,
      FITTING_ROOM_ALLOWED_ORIGINS: SHOP_ORIGIN,
      FITTING_ROOM_GARMENT_HOSTS: new URL(garments.url).host,
      // Development: the garment host here is plain http on loopback.
      NODE_ENV: 'development',
      FITTING_ROOM_POLL_MS: '50',
      ...provider,
      ...s3.env,
      S3_PREFIX: 'edge/',
    };
    vi.spyOn(console, 'log').mockImplementation((line: string) => void logLines.push(String(line)));
    const module = (await import(pathToFileURL(join(outDir, 'worker.js')).href)) as { default: WorkerEntry; createWorkerEntry: () => WorkerEntry };
    entry = module.default;
  }, 30_000);
  afterAll(async () => {
    vi.restoreAllMocks();
    await Promise.allSettled(background);
    await Promise.all([s3?.close(), emulator?.close(), garments && closeServer(garments.server)]);
  });

  const call = (path: string, init: RequestInit & { token?: string } = {}) => {
    const headers = new Headers(init.headers);
    headers.set('origin', SHOP_ORIGIN);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    return entry.fetch(new Request(`https://proxy.example/${path}`, { ...init, headers }), env, ctx);
  };

  /** An upright phone photo (orientation 1) that still carries its camera's EXIF and GPS. */
  const photo = (orientation = 1) =>
    sharp({ create: { width: 600, height: 800, channels: 3, background: '#b49a7c' } })
      .jpeg({ quality: 85 })
      .withMetadata({ orientation })
      .withExif({ IFD0: { Make: 'PhoneCo' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2400/100' } })
      .toBuffer();

  const jobForm = async (orientation?: number) => {
    const form = new FormData();
    form.append('person', new Blob([new Uint8Array(await photo(orientation))], { type: 'image/jpeg' }), 'photo.jpg');
    form.append('garment', `${garments.url}/tee.png`);
    form.append('category', 'top');
    return form;
  };

  it('runs a try-on with a documented provider and S3, then deletes every byte', async () => {
    const session = await call('session', { method: 'POST' });
    expect(session.status).toBe(200);
    const { token } = (await session.json()) as SessionGrant;

    const posted = await call('jobs', { method: 'POST', body: await jobForm(), token });
    expect(posted.status).toBe(202);
    const job = (await posted.json()) as JobCreated;

    const stream = await call(`jobs/${job.id}/events`, { token, headers: { accept: 'text/event-stream' } });
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const views: JobView[] = [];
    for await (const event of parseEventStream(stream.body!)) views.push(JSON.parse(event.data) as JobView);
    expect(views.at(-1)).toMatchObject({ id: job.id, status: 'succeeded' });
    expect(((await (await call(`jobs/${job.id}`, { token })).json()) as JobView).status).toBe('succeeded');

    // The provider got the photo as pixels only: no EXIF, no GPS.
    const sent = [...emulator.jobs.values()].at(-1)!.person!;
    expect((await sharp(sent).metadata()).exif).toBeUndefined();
    expect(Buffer.from(sent).includes('PhoneCo')).toBe(false);

    const result = await call(`results/${job.id}`, { token });
    expect(result.status).toBe(200);
    const resultBytes = new Uint8Array(await result.arrayBuffer());
    const resultMeta = await sharp(resultBytes).metadata();
    expect(resultMeta.width).toBeGreaterThan(0);
    // Marked as AI-generated without sharp: the portable XMP writer (no visible mark on the edge).
    expect(await exifr.parse(resultBytes, { xmp: true, tiff: false })).toMatchObject({ DigitalSourceType: DIGITAL_SOURCE_TYPE });
    expect(((await (await call('healthz')).json()) as { marking: unknown }).marking).toEqual({ xmp: true, c2pa: false, visible: false });

    const blobs = async () => (await s3.keys()).filter((key) => key.startsWith('edge/blobs/'));
    expect(await blobs()).toContain(`edge/blobs/${job.personRef}`);
    expect((await blobs()).length).toBeGreaterThanOrEqual(2);

    expect((await call(`jobs/${job.id}`, { method: 'DELETE', token })).status).toBe(204);
    expect(await blobs()).toEqual([]);
    const gone = await call(`jobs/${job.id}`, { token });
    expect([gone.status, ((await gone.json()) as ErrorEnvelope).error.code]).toEqual([404, 'JOB_NOT_FOUND']);

    // Logged as JSON lines, with no credential in any of them.
    expect(logLines.some((line) => line.includes('"event":"job.created"'))).toBe(true);
    for (const secret of [SECRET, token, env.TRYONAPI_API_KEY!, env.S3_SECRET_ACCESS_KEY!]) expect(logLines.filter((line) => line.includes(secret))).toEqual([]);
  });

  it('refuses a sideways JPEG it cannot turn upright without decoding', async () => {
    const { token } = (await (await call('session', { method: 'POST' })).json()) as SessionGrant;
    const response = await call('jobs', { method: 'POST', body: await jobForm(6), token });
    const body = (await response.json()) as ErrorEnvelope;
    expect([response.status, body.error.code]).toEqual([422, 'IMAGE_UNREADABLE']);
    expect(body.error.message).toMatch(/orientation 6/);
  });

  it('answers a configuration error generically and tells the operator why (sandbox needs sharp)', async () => {
    const module = (await import(pathToFileURL(join(outDir, 'worker.js')).href)) as { createWorkerEntry: () => WorkerEntry };
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const misconfigured = module.createWorkerEntry();
    const { FITTING_ROOM_PROVIDER: _, ...withoutProvider } = env;
    const response = await misconfigured.fetch(new Request('https://proxy.example/session', { method: 'POST', headers: { origin: SHOP_ORIGIN } }), withoutProvider, ctx);
    const body = (await response.json()) as ErrorEnvelope;
    expect([response.status, body.error.code]).toEqual([500, 'INTERNAL']);
    expect(body.error.message).not.toMatch(/sandbox|sharp/);
    expect(errors.mock.calls.flat().join('\n')).toMatch(/"sandbox".*needs sharp.*Node only.*mirrago, tryonapi, studio, miraflow, aurax/);
  });

  it('serves Deno and Bun with one log line and a generic 500 when a provider setting is missing', async () => {
    const module = (await import(pathToFileURL(join(outDir, 'worker.js')).href)) as { createEdgeServer: (env: Record<string, string>) => Pick<WorkerEntry, 'fetch'> };
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    errors.mockClear();
    const { TRYONAPI_API_KEY: _, ...withoutKey } = env;
    const server = module.createEdgeServer(withoutKey);
    expect(errors.mock.calls).toEqual([["fitting-room-proxy: TRYONAPI_API_KEY is required for the TryonAPI provider. Set it in the proxy's environment."]]);
    for (let index = 0; index < 2; index++) {
      const response = await server.fetch(new Request('https://proxy.example/session', { method: 'POST', headers: { origin: SHOP_ORIGIN } }), env, ctx);
      expect([response.status, ((await response.json()) as ErrorEnvelope).error.code]).toEqual([500, 'INTERNAL']);
    }
    expect(errors).toHaveBeenCalledTimes(1);
  });
});
