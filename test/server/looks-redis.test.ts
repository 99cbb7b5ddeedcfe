import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobCreated, JobView } from '../../src/contract.js';
import { startTryonApi, type TryonApiEmulator } from '../emulators/tryonapi.js';
import { bytesOf, ContractClient, phoneJpeg, startProxy, type TestProxy } from './harness.js';
import { startRedis } from './redis-server.js';

/** A chained look on two instances sharing a real Redis and one store: followed anywhere, cached for all. */
let redis: Awaited<ReturnType<typeof startRedis>>;
let tryonapi: TryonApiEmulator;
let instances: TestProxy[] = [];
let dataDir: string;

beforeAll(async () => {
  [redis, tryonapi] = await Promise.all([startRedis(), startTryonApi({ jobMs: 200 })]);
  dataDir = await mkdtemp(join(tmpdir(), 'fitting-room-looks-'));
  const shared = {
    FITTING_ROOM_PROVIDER: 'tryonapi',
    ...tryonapi.env(),
    REDIS_URL: `${redis.url}/9`,
    FITTING_ROOM_DATA_DIR: dataDir,
    FITTING_ROOM_POLL_MS: '50',
    FITTING_ROOM_JOBS_PER_SESSION: '0',
  };
  instances = await Promise.all([startProxy(shared), startProxy(shared)]);
});
afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.close()));
  await Promise.all([tryonapi?.close(), redis?.stop()]);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const garment = async (colour: string) =>
  new Blob(
    [
      bytesOf(
        await sharp({ create: { width: 300, height: 300, channels: 3, background: colour } })
          .png()
          .toBuffer(),
      ),
    ],
    { type: 'image/png' },
  );

describe('a chained look across instances on Redis', () => {
  it('is followed on the other instance step by step, and repeated there from the cache', async () => {
    const [a, b] = instances as [TestProxy, TestProxy];
    const onA = await ContractClient.open(a);
    const onB = new ContractClient(b, onA.token);
    const items = [
      { garment: await garment('#aa2222'), category: 'top' },
      { garment: await garment('#2222aa'), category: 'bottom' },
    ];
    const form = (person: Blob | string) => {
      const body = new FormData();
      if (typeof person === 'string') body.append('personRef', person);
      else body.append('person', person, 'photo.jpg');
      for (const item of items) {
        body.append('garment', item.garment, 'g.png');
        body.append('category', item.category);
      }
      return body;
    };
    const created = (await (await onA.call('jobs', { method: 'POST', body: form(new Blob([await phoneJpeg()], { type: 'image/jpeg' })) })).json()) as JobCreated;
    const views: JobView[] = (await onB.events(created.id)).map((event) => event.view);
    expect(views.at(-1)!.status).toBe('succeeded');
    expect(views.some((view) => view.step?.index === 2)).toBe(true);
    expect(tryonapi.jobs.size).toBe(2);

    const again = (await (await onB.call('jobs', { method: 'POST', body: form(created.personRef!) })).json()) as JobCreated;
    expect((await onB.events(again.id)).at(-1)!.view.status).toBe('succeeded');
    expect(tryonapi.jobs.size).toBe(2);
    expect((await onA.call(`results/${again.id}`)).status).toBe(200);
  });
});
