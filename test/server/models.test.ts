import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobCreated, ModelGallery } from '../../src/contract.js';
import { startTryonApi, type TryonApiEmulator } from '../emulators/tryonapi.js';
import { bytesOf, closeServer, ContractClient, expectError, listen, SHOP_ORIGIN, startProxy, type TestProxy } from './harness.js';

/**
 * The merchant's model gallery: a folder with models.json, loaded and stripped at start-up,
 * listed without a session, tried on by `modelId` — with no photo of the shopper — and
 * cached across shoppers while each job stays its own session's.
 */
let tryonapi: TryonApiEmulator;
let proxy: TestProxy;
let folder: string;

/** A generated figure (no real person), with EXIF the proxy must strip. */
async function figure(skin: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="600"><rect width="300" height="600" fill="#eee"/><circle cx="150" cy="90" r="50" fill="${skin}"/><rect x="90" y="150" width="120" height="420" fill="${skin}"/></svg>`;
  return sharp(Buffer.from(svg))
    .jpeg()
    .withExif({ IFD0: { Artist: 'Studio photographer' } })
    .toBuffer();
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'fitting-room-models-'));
  await writeFile(join(folder, 'ana.jpg'), await figure('#8d5524'));
  await writeFile(join(folder, 'ben.jpg'), await figure('#f1c27d'));
  const models = [
    { id: 'ana', label: 'Ana', height: '168 cm', size: 'M', file: 'ana.jpg' },
    { id: 'ben', label: 'Ben', height: '182 cm', size: 'L', file: 'ben.jpg' },
  ];
  await writeFile(join(folder, 'models.json'), JSON.stringify(models));
  tryonapi = await startTryonApi({ jobMs: 200 });
  proxy = await startProxy({ FITTING_ROOM_PROVIDER: 'tryonapi', ...tryonapi.env(), FITTING_ROOM_MODELS: folder, FITTING_ROOM_JOBS_PER_SESSION: '0', FITTING_ROOM_POLL_MS: '50' });
});
afterAll(async () => {
  await proxy?.close();
  await tryonapi?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

/** A job on a model: the form has `modelId` and no `person` or `personRef` at all. */
async function tryOnModel(client: ContractClient, modelId: string) {
  const form = new FormData();
  form.append('modelId', modelId);
  form.append('garment', proxy.garmentUrl);
  form.append('category', 'top');
  expect([...form.keys()].filter((name) => name === 'person' || name === 'personRef')).toEqual([]);
  return client.call('jobs', { method: 'POST', body: form });
}

describe('the model gallery', () => {
  it('lists the models without a session, with CORS for the shop', async () => {
    const response = await fetch(`${proxy.url}/models`, { headers: { origin: SHOP_ORIGIN } });
    // Never served stale: a model withdrawn from the gallery is gone at the next ask.
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
    const body = (await response.json()) as ModelGallery;
    expect(body.models).toEqual([
      { id: 'ana', label: 'Ana', height: '168 cm', size: 'M', imageUrl: 'models/ana/image' },
      { id: 'ben', label: 'Ben', height: '182 cm', size: 'L', imageUrl: 'models/ben/image' },
    ]);
  });

  it('serves each model photo stripped of metadata, with a long public cache', async () => {
    const response = await fetch(`${proxy.url}/models/ana/image`, { headers: { origin: SHOP_ORIGIN } });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toMatch(/public, max-age=\d{5,}/);
    const metadata = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
    expect(metadata.exif).toBeUndefined();
    expect([metadata.width, metadata.height]).toEqual([300, 600]);
    await expectError(await fetch(`${proxy.url}/models/nobody/image`), 404, 'MODEL_NOT_FOUND');
  });

  it('tries on a model with no photo of the shopper; a second shopper costs no upstream job', async () => {
    const first = await ContractClient.open(proxy);
    const filesBefore = new Set(await proxy.storedFiles());
    const response = await tryOnModel(first, 'ana');
    expect(response.status).toBe(202);
    const created = (await response.json()) as JobCreated;
    expect(created.personRef).toBeUndefined();
    expect((await first.events(created.id)).at(-1)!.view.status).toBe('succeeded');
    expect(tryonapi.jobs.size).toBe(1);
    // The provider got the model's stored photo.
    const [job] = [...tryonapi.jobs.values()];
    expect((await sharp(job!.person!).metadata()).height).toBe(600);

    const second = await ContractClient.open(proxy);
    const theirs = (await (await tryOnModel(second, 'ana')).json()) as JobCreated;
    const views = await second.events(theirs.id);
    expect(views.at(-1)!.view.status).toBe('succeeded');
    expect(tryonapi.jobs.size).toBe(1);

    // Each job is still its own session's.
    expect((await second.call(`results/${created.id}`)).status).toBe(404);
    expect((await first.call(`jobs/${theirs.id}`)).status).toBe(404);

    // Deleting the first shopper's job keeps the model, the cache and the other shopper's result.
    expect((await first.call(`jobs/${created.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await second.call(`results/${theirs.id}`)).status).toBe(200);
    expect((await fetch(`${proxy.url}/models/ana/image`)).status).toBe(200);
    const third = await ContractClient.open(proxy);
    const again = (await (await tryOnModel(third, 'ana')).json()) as JobCreated;
    expect((await third.events(again.id)).at(-1)!.view.status).toBe('succeeded');
    expect(tryonapi.jobs.size).toBe(1);
    // Nothing of a shopper was stored: only the garment and the shared result.
    expect((await proxy.storedFiles()).filter((file) => !filesBefore.has(file) && file.endsWith('.json')).length).toBeLessThanOrEqual(2);
  });

  it('answers 404 MODEL_NOT_FOUND for an unknown model and 400 for a model with a photo', async () => {
    const client = await ContractClient.open(proxy);
    await expectError(await tryOnModel(client, 'nobody'), 404, 'MODEL_NOT_FOUND');
    const form = client.form({ person: new Blob([bytesOf(await figure('#000'))], { type: 'image/jpeg' }) });
    form.append('modelId', 'ana');
    await expectError(await client.call('jobs', { method: 'POST', body: form }), 400, 'BAD_REQUEST');
  });
});

describe('a gallery given as a JSON list of URLs', () => {
  let listed: TestProxy;
  let none: TestProxy;
  let host: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    const photo = bytesOf(await figure('#c68642'));
    host = await listen(() => new Response(photo, { headers: { 'content-type': 'image/jpeg' } }));
    const models = [
      { id: 'fetched', label: 'Fetched', height: '170 cm', size: 'M', url: `${host.url}/fetched.jpg` },
      { id: 'blocked', label: 'Blocked', height: '170 cm', size: 'M', url: 'http://169.254.169.254/latest/meta-data/' },
    ];
    [listed, none] = await Promise.all([startProxy({ FITTING_ROOM_MODELS: JSON.stringify(models), FITTING_ROOM_GARMENT_HOSTS: new URL(host.url).host }), startProxy()]);
  });
  afterAll(async () => {
    await Promise.all([listed?.close(), none?.close()]);
    if (host) await closeServer(host.server);
  });

  it('fetches each URL through the garment guard at start-up and skips what it refuses', async () => {
    const body = (await (await fetch(`${listed.url}/models`)).json()) as ModelGallery;
    expect(body.models.map((model) => model.id)).toEqual(['fetched']);
    expect(listed.logs.some((line) => line.includes('models.model_skipped') && line.includes('blocked'))).toBe(true);
    expect((await fetch(`${listed.url}/models/fetched/image`)).status).toBe(200);
  });

  it('answers { models: [] } when no gallery is configured', async () => {
    expect(await (await fetch(`${none.url}/models`)).json()).toEqual({ models: [] });
  });
});
