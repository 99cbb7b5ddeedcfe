import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobCreated, JobView } from '../../src/contract.js';
import { startStudio, type StudioEmulator } from '../emulators/studio.js';
import { startTryonApi, type TryonApiEmulator } from '../emulators/tryonapi.js';
import { bytesOf, ContractClient, phoneJpeg, startProxy, type TestProxy } from './harness.js';

/**
 * Looks (several garments in one job) against real provider emulators on loopback, which
 * count the upstream jobs: natively in one job where the provider takes several items
 * (Studio), chained one garment per step elsewhere (TryonAPI), every step cached.
 */

/** A product shot of its own size and colour, so each garment can be told apart upstream. */
async function garment(width: number, height: number, colour: string): Promise<Blob> {
  const png = await sharp({ create: { width, height, channels: 3, background: colour } })
    .png()
    .toBuffer();
  return new Blob([bytesOf(png)], { type: 'image/png' });
}

type Item = { garment: Blob; category: string };

async function tryLook(client: ContractClient, items: Item[], person: { person: Blob } | { personRef: string }) {
  const form = new FormData();
  if ('person' in person) form.append('person', person.person, 'photo.jpg');
  else form.append('personRef', person.personRef);
  for (const [index, item] of items.entries()) {
    form.append('garment', item.garment, `garment-${index + 1}.png`);
    form.append('category', item.category);
  }
  const response = await client.call('jobs', { method: 'POST', body: form });
  expect(response.status).toBe(202);
  const created = (await response.json()) as JobCreated;
  const views = (await client.events(created.id)).map((event) => event.view);
  return { created, views, final: views.at(-1)! };
}

const photo = async () => ({ person: new Blob([await phoneJpeg()], { type: 'image/jpeg' }) });

describe('a look on a provider that takes several items (Studio)', () => {
  let studio: StudioEmulator;
  let proxy: TestProxy;
  beforeAll(async () => {
    studio = await startStudio({ jobMs: 200 });
    proxy = await startProxy({ FITTING_ROOM_PROVIDER: 'studio', ...studio.env(), FITTING_ROOM_JOBS_PER_SESSION: '0', FITTING_ROOM_POLL_MS: '50' });
  });
  afterAll(async () => {
    await proxy?.close();
    await studio?.close();
  });

  it('is one upstream job, its items in order, each with its own category', async () => {
    const client = await ContractClient.open(proxy);
    const items = [
      { garment: await garment(300, 200, '#c0392b'), category: 'top' },
      { garment: await garment(200, 400, '#2c3e50'), category: 'bottom' },
    ];
    const { final, views } = await tryLook(client, items, await photo());
    expect(final.status).toBe('succeeded');
    expect(views.some((view) => view.step)).toBe(false);
    expect(studio.submissions).toHaveLength(1);
    const body = studio.submissions[0] as { items: { trial_item_category: string }[] };
    expect(body.items.map((item) => item.trial_item_category)).toEqual(['top', 'bottom']);
    const [job] = [...studio.jobs.values()];
    const sizes = await Promise.all(job!.garments.map(async (bytes) => (({ width, height }) => [width, height])(await sharp(bytes).metadata())));
    expect(sizes).toEqual([
      [300, 200],
      [200, 400],
    ]);
    expect((await client.call(final.resultUrl!)).status).toBe(200);
  });
});

describe('a look on a single-garment provider (TryonAPI): chained, step by step', () => {
  let tryonapi: TryonApiEmulator;
  let proxy: TestProxy;
  let client: ContractClient;
  let top: Item;
  let trousers: Item;
  let jacket: Item;
  beforeAll(async () => {
    tryonapi = await startTryonApi({ jobMs: 200 });
    proxy = await startProxy({ FITTING_ROOM_PROVIDER: 'tryonapi', ...tryonapi.env(), FITTING_ROOM_JOBS_PER_SESSION: '0', FITTING_ROOM_POLL_MS: '50' });
    client = await ContractClient.open(proxy);
    top = { garment: await garment(300, 200, '#c0392b'), category: 'top' };
    trousers = { garment: await garment(200, 400, '#2c3e50'), category: 'bottom' };
    jacket = { garment: await garment(320, 320, '#7f8c8d'), category: 'outerwear' };
  });
  afterAll(async () => {
    await proxy?.close();
    await tryonapi?.close();
  });

  it('puts garment 2 on the result of garment 1, reporting "1 of 2", "2 of 2" and honest progress', async () => {
    const { final, views, created } = await tryLook(client, [top, trousers], await photo());
    expect(final.status).toBe('succeeded');
    expect(tryonapi.jobs.size).toBe(2);
    const [first, second] = [...tryonapi.jobs.values()];
    // Step 2's person is step 1's result, not the shopper's photo.
    expect(Buffer.compare(Buffer.from(second!.person!), Buffer.from(first!.person!))).not.toBe(0);
    const steps = views.filter((view) => view.step).map((view) => `${view.step!.index}/${view.step!.count}`);
    expect(steps[0]).toBe('1/2');
    expect(steps.at(-1)).toBe('2/2');
    expect(new Set(steps)).toEqual(new Set(['1/2', '2/2']));
    const progress = views.flatMap((view) => (view.progress === undefined ? [] : [view.progress]));
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.some((value) => value >= 0.5)).toBe(true);
    expect(final.step).toBeUndefined();
    const image = await client.call(final.resultUrl!);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toMatch(/^image\//);

    // Adding a third item to the look reuses both steps: exactly one more upstream job.
    const third = await tryLook(client, [top, trousers, jacket], { personRef: created.personRef! });
    expect(third.final.status).toBe('succeeded');
    expect(tryonapi.jobs.size).toBe(3);
    expect(third.views.some((view) => view.step?.index === 3 && view.step.count === 3)).toBe(true);
  });

  it('names the item that failed: a failure at step 2 is error.item = 2', async () => {
    const person = await photo();
    const single = await tryLook(client, [top], person);
    expect(single.final.status).toBe('succeeded');
    const before = tryonapi.jobs.size;
    tryonapi.behave({ failNextJob: true });
    const { final } = await tryLook(client, [top, trousers], { personRef: single.created.personRef! });
    // Step 1 came from the cache (the single try-on); step 2 went upstream and failed.
    expect(tryonapi.jobs.size).toBe(before + 1);
    expect(final.status).toBe('failed');
    expect(final.error).toMatchObject({ item: 2 });
    expect(final.error!.code).toMatch(/^[A-Z_]+$/);
  });

  it('deletes a look with every step: the photo, the intermediate and final results', async () => {
    const before = new Set(await proxy.storedFiles());
    const { created, final } = await tryLook(client, [jacket, trousers], await photo());
    expect(final.status).toBe('succeeded');
    // The photo, both garments, step 1's and step 2's results.
    expect((await proxy.storedFiles()).filter((file) => !before.has(file) && file.endsWith('.json'))).toHaveLength(5);
    expect((await client.call(`jobs/${created.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(new Set(await proxy.storedFiles())).toEqual(before);
    expect((await client.call(final.resultUrl!)).status).toBe(404);
  });

  it('starts no further step once the shopper deletes the look mid-way', async () => {
    const before = tryonapi.jobs.size;
    const form = new FormData();
    form.append('person', (await photo()).person, 'photo.jpg');
    for (const item of [jacket, top]) {
      form.append('garment', item.garment, 'g.png');
      form.append('category', item.category);
    }
    const created = (await (await client.call('jobs', { method: 'POST', body: form })).json()) as JobCreated;
    // Step 1 is upstream (submitted in the background).
    await expect.poll(() => tryonapi.jobs.size).toBe(before + 1);
    expect((await client.call(`jobs/${created.id}`, { method: 'DELETE' })).status).toBe(204);
    // Everything this instance drives (the step's watcher and the look's chain) has ended.
    await proxy.proxy.proxy.jobs.settled();
    expect(tryonapi.jobs.size).toBe(before + 1);
    expect((await client.call(`jobs/${created.id}`)).status).toBe(404);
  });

  it('still takes one garment and one category, as old clients send them', async () => {
    const before = tryonapi.jobs.size;
    const response = await client.createJob({ category: 'top' });
    expect(response.status).toBe(202);
    const created = (await response.json()) as JobCreated;
    const views: JobView[] = (await client.events(created.id)).map((event) => event.view);
    expect(views.at(-1)!.status).toBe('succeeded');
    expect(views.some((view) => view.step)).toBe(false);
    expect(tryonapi.jobs.size).toBe(before + 1);
  });

  it('refuses a category count that does not match the garments, and more than four garments', async () => {
    const form = new FormData();
    form.append('person', (await photo()).person, 'photo.jpg');
    for (const item of [top, trousers, jacket]) form.append('garment', item.garment, 'g.png');
    form.append('category', 'top');
    form.append('category', 'bottom');
    expect((await client.call('jobs', { method: 'POST', body: form })).status).toBe(400);
    const five = new FormData();
    five.append('person', (await photo()).person, 'photo.jpg');
    for (let index = 0; index < 5; index++) five.append('garment', top.garment, 'g.png');
    expect((await client.call('jobs', { method: 'POST', body: five })).status).toBe(400);
  });
});

describe('the sandbox: a whole look in one job, each garment on its body region', () => {
  let proxy: TestProxy;
  beforeAll(async () => (proxy = await startProxy({ FITTING_ROOM_JOBS_PER_SESSION: '0' })));
  afterAll(() => proxy?.close());

  /** The mean colour of a region of the image, as fractions of its width and height. */
  async function colourAt(image: Buffer, [left, top, width, height]: number[]) {
    const { width: w = 0, height: h = 0 } = await sharp(image).metadata();
    const region = { left: Math.round(left! * w), top: Math.round(top! * h), width: Math.round(width! * w), height: Math.round(height! * h) };
    const { data } = await sharp(image).extract(region).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const sums = [0, 0, 0];
    for (let index = 0; index < data.length; index++) sums[index % 3]! += data[index]!;
    return sums.map((sum) => Math.round((sum * 3) / data.length));
  }

  it('puts the top on the torso, the trousers on the legs and the shoes at the feet', async () => {
    const client = await ContractClient.open(proxy);
    const plainPhoto = await sharp({ create: { width: 600, height: 800, channels: 3, background: '#ffffff' } })
      .jpeg()
      .toBuffer();
    const items = [
      { garment: await garment(300, 300, '#ff0000'), category: 'top' },
      { garment: await garment(200, 400, '#0000ff'), category: 'bottom' },
      { garment: await garment(300, 100, '#00ff00'), category: 'shoes' },
    ];
    const { final } = await tryLook(client, items, { person: new Blob([bytesOf(plainPhoto)], { type: 'image/jpeg' }) });
    expect(final).toMatchObject({ status: 'succeeded', preview: true });
    const image = Buffer.from(await (await client.call(final.resultUrl!)).arrayBuffer());
    const [torso, legs, feet] = await Promise.all([colourAt(image, [0.45, 0.3, 0.1, 0.1]), colourAt(image, [0.45, 0.7, 0.1, 0.1]), colourAt(image, [0.31, 0.92, 0.03, 0.03])]);
    const dominant = (rgb: number[]) => (Math.min(...rgb) > 200 ? 'white' : ['red', 'green', 'blue'][rgb.indexOf(Math.max(...rgb))]);
    expect({ torso: dominant(torso), legs: dominant(legs), feet: dominant(feet) }).toEqual({ torso: 'red', legs: 'blue', feet: 'green' });
  });
});
