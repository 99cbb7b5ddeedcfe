import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobCreated, JobView } from '../../src/contract.js';
import { createSandbox } from '../../src/server/providers/sandbox/index.js';
import type { ProviderAdapter } from '../../src/server/providers/types.js';
import { ContractClient, garmentPng, phoneJpeg, startProxy, type TestProxy } from './harness.js';

/** Counts what the proxy asks of its provider, so "watched once" is a number, not a hope. */
function counting(inner: ProviderAdapter) {
  const counts = { submit: 0, watch: 0, cancel: 0 };
  const adapter: ProviderAdapter = {
    name: inner.name,
    maxGarments: inner.maxGarments,
    submit: (...args) => {
      counts.submit++;
      return inner.submit(...args);
    },
    watch: (...args) => {
      counts.watch++;
      return inner.watch(...args);
    },
    cancel: async (...args) => {
      counts.cancel++;
      await inner.cancel?.(...args);
    },
  };
  return { adapter, counts };
}

describe('one upstream watcher per job', () => {
  let proxy: TestProxy;
  const provider = counting(createSandbox({ durationMs: 600 }));
  beforeAll(async () => (proxy = await startProxy({ FITTING_ROOM_JOBS_PER_SESSION: '0', FITTING_ROOM_JOBS_PER_IP: '0' }, { provider: provider.adapter })));
  afterAll(() => proxy.close());

  it('relays one job to three tabs and a poller while the provider is watched once', async () => {
    const client = await ContractClient.open(proxy);
    const created = (await (await client.createJob()).json()) as JobCreated;
    const polled: JobView[] = [];
    const poll = (async () => {
      for (;;) {
        const view = (await (await client.call(`jobs/${created.id}`)).json()) as JobView;
        polled.push(view);
        if (view.status === 'succeeded') return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const tabs = await Promise.all([client.events(created.id), client.events(created.id), client.events(created.id)]);
    await poll;
    for (const tab of tabs) expect(tab.at(-1)!.view.status).toBe('succeeded');
    expect(polled.at(-1)!.status).toBe('succeeded');
    expect(provider.counts).toEqual({ submit: 1, watch: 1, cancel: 0 });
  });

  it('stops the upstream job when the shopper deletes it mid-run', async () => {
    const client = await ContractClient.open(proxy);
    const created = (await (await client.createJob()).json()) as JobCreated;
    const stream = client.events(created.id);
    await expect.poll(() => provider.counts.watch).toBe(2);
    expect((await client.call(`jobs/${created.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await stream).at(-1)!.view.status).toBe('canceled');
    expect(provider.counts.cancel).toBe(1);
  });

  it('100 identical try-ons, at once and after, cost one upstream job', async () => {
    const before = provider.counts.submit;
    const person = new Blob([await phoneJpeg(1200, 900, 777)], { type: 'image/jpeg' });
    const garment = new Blob([await garmentPng()], { type: 'image/png' });
    const shoppers = await Promise.all(Array.from({ length: 10 }, () => ContractClient.open(proxy)));
    const tryOn = async (client: ContractClient) => {
      const created = (await (await client.createJob({ person, garment })).json()) as JobCreated;
      const final = (await client.events(created.id)).at(-1)!.view;
      return final.status === 'succeeded' ? final.status : `${final.status} ${final.error?.code}`;
    };
    // 50 while the first run works (they share it), then 50 after it finished (the cache answers).
    const during = await Promise.all(Array.from({ length: 50 }, (_, index) => tryOn(shoppers[index % 10]!)));
    const after = await Promise.all(Array.from({ length: 50 }, (_, index) => tryOn(shoppers[index % 10]!)));
    expect([...during, ...after].filter((status) => status !== 'succeeded')).toEqual([]);
    expect(provider.counts.submit - before).toBe(1);
    console.info(`100 identical try-ons → ${provider.counts.submit - before} upstream job`);
  });
});
