/**
 * Delivery: a shopper's try-on in the demo store (real dialog, built widget, real proxy)
 * against the Studio emulator (a provider with an event stream), from the moment the
 * provider's job is complete to the result image loaded in the page — over SSE, and over
 * the polling fallback (the proxy's /events answered with a network error via page.route,
 * so the client gives up on streams and polls). Jobs take 0.4–2 s, spread over the runs, so
 * the polling phase is not always the same.
 *
 * Times: `completeAt` is when the emulator's job is done by its clock; `reportedAt` when
 * the emulator first said so to the proxy (its stream sends a frame every ≤ 100 ms, so that
 * is up to a tick later: the emulator's latency, not ours); `loadedAt` the result <img>'s
 * load event in the page (performance.timeOrigin + now, the same wall clock). Requests are
 * counted per job: browser → proxy (page.on('request')), proxy → provider (emulator.calls).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { ensureDemoAssets } from '../../demo/assets.js';
import { startDemo } from '../../demo/server.js';
import type { Job, Phase } from '../emulators/harness.js';
import { ROOT, median, newContext, note, percentile, round } from './lib.js';

export interface DeliveryRun {
  jobMs: number;
  /** Emulator done → result image loaded in the page (ms). */
  fromCompleteMs: number;
  /** Emulator first reported done → result image loaded (ms). */
  fromReportMs: number;
  /** Emulator done → the proxy fetched the result image from it (ms). */
  toProxyFetchMs: number;
  /** Image loaded → the next animation frame (ms). */
  toPaintMs: number;
  browserRequests: Record<string, number>;
  providerCalls: Record<string, number>;
}

export interface DeliverySummary {
  runs: number;
  fromComplete: { p50: number; p95: number; max: number };
  fromReport: { p50: number; p95: number; max: number };
  toProxyFetchP50: number;
  /** Median count per job, by kind. */
  browserRequests: Record<string, number>;
  browserRequestsTotal: number;
  providerCalls: Record<string, number>;
  providerCallsTotal: number;
}

export interface DeliveryResults {
  provider: string;
  sse: DeliverySummary;
  polling: DeliverySummary;
  samples: { sse: DeliveryRun[]; polling: DeliveryRun[] };
}

/** Runs in the page: records when the result <img class="after"> loads, wherever its shadow root is. */
function watchResult() {
  const result: { loadedAt?: number; paintedAt?: number } = {};
  (window as unknown as { __result: typeof result }).__result = result;
  const attachShadow = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (this: Element, init: ShadowRootInit) {
    const root = attachShadow.call(this, init);
    // `load` does not bubble and does not leave the shadow root: listen in the capture phase on each root.
    root.addEventListener(
      'load',
      (event) => {
        const image = event.target as HTMLImageElement;
        if (image.localName !== 'img' || !image.classList.contains('after') || result.loadedAt !== undefined) return;
        result.loadedAt = performance.timeOrigin + performance.now();
        requestAnimationFrame(() => (result.paintedAt = performance.timeOrigin + performance.now()));
      },
      true,
    );
    return root;
  };
}

const kindOf = (method: string, path: string): string => {
  if (path.endsWith('/session')) return 'session';
  if (/\/jobs$/.test(path)) return `${method} /jobs`;
  if (/\/jobs\/[^/]+\/events$/.test(path)) return 'events';
  if (/\/jobs\/[^/]+$/.test(path)) return `${method} /jobs/{id}`;
  if (/\/results\//.test(path)) return 'results';
  return path;
};

const providerKind = (method: string, path: string): string =>
  `${method} ${path
    .replace(/\/v1\/jobs\/[^/]+/, '/v1/jobs/{id}')
    .replace(/\/s3\/renders\/[^/]+/, '/s3/renders/{id}')
    .replace(/\/s3\/uploads\/.+/, '/s3/uploads/…')}`;

function summarise(runs: DeliveryRun[]): DeliverySummary {
  const stats = (values: number[]) => ({ p50: round(median(values)), p95: round(percentile(values, 95)), max: round(Math.max(...values)) });
  const medianCounts = (pick: (run: DeliveryRun) => Record<string, number>) => {
    const kinds = [...new Set(runs.flatMap((run) => Object.keys(pick(run))))];
    return Object.fromEntries(kinds.map((kind) => [kind, median(runs.map((run) => pick(run)[kind] ?? 0))]));
  };
  const browserRequests = medianCounts((run) => run.browserRequests);
  const providerCalls = medianCounts((run) => run.providerCalls);
  return {
    runs: runs.length,
    fromComplete: stats(runs.map((run) => run.fromCompleteMs)),
    fromReport: stats(runs.map((run) => run.fromReportMs)),
    toProxyFetchP50: round(median(runs.map((run) => run.toProxyFetchMs))),
    browserRequests,
    browserRequestsTotal: median(runs.map((run) => Object.values(run.browserRequests).reduce((a, b) => a + b, 0))),
    providerCalls,
    providerCallsTotal: median(runs.map((run) => Object.values(run.providerCalls).reduce((a, b) => a + b, 0))),
  };
}

export async function measureDelivery(browser: Browser, { runs = 12 } = {}): Promise<DeliveryResults> {
  const sample = join(await ensureDemoAssets(), 'shopper-1.jpg');
  // A photo of its own per try-on: the proxy answers a repeated photo + garment from its
  // result cache at once, without the provider (by design), which is not what is measured here.
  mkdirSync(join(ROOT, 'dist/bench'), { recursive: true });
  let photoCount = 0;
  const freshPhoto = async () => {
    const file = join(ROOT, `dist/bench/delivery-${photoCount}.jpg`);
    await sharp(sample)
      .modulate({ brightness: 0.9 + 0.005 * photoCount++ })
      .jpeg({ quality: 90 })
      .toFile(file);
    return file;
  };
  const limits = { FITTING_ROOM_JOBS_PER_SESSION: '100000', FITTING_ROOM_JOBS_PER_IP: '100000', FITTING_ROOM_JOBS_PER_ORIGIN: '100000', FITTING_ROOM_SESSIONS_PER_IP: '100000' };
  const demo = await startDemo({ port: 0, provider: 'studio', jobMs: 1000, env: { ...process.env, ...limits } });
  const emulator = demo.emulator!;
  // When the emulator first tells anyone (its stream or a poll) that a job has ended.
  const hooked = emulator as unknown as { phaseOf(job: Job, now?: number): Phase };
  const phaseOf = hooked.phaseOf.bind(emulator);
  hooked.phaseOf = (job, now) => {
    const phase = phaseOf(job, now);
    if ((phase.phase === 'succeeded' || phase.phase === 'failed') && job.meta.reportedAt === undefined) job.meta.reportedAt = Date.now();
    return phase;
  };

  const once = async (mode: 'sse' | 'polling', jobMs: number): Promise<DeliveryRun> => {
    emulator.reset();
    emulator.behave({ jobMs });
    const context = await newContext(browser, { viewport: { width: 1280, height: 800 } });
    try {
      await context.addInitScript(watchResult);
      if (mode === 'polling') await context.route('**/fitting-room/jobs/*/events', (route) => route.abort('connectionfailed'));
      const page = await context.newPage();
      const browserRequests: Record<string, number> = {};
      page.on('request', (request) => {
        const url = new URL(request.url());
        if (!url.pathname.startsWith('/fitting-room/')) return;
        const kind = kindOf(request.method(), url.pathname);
        browserRequests[kind] = (browserRequests[kind] ?? 0) + 1;
      });
      await page.goto(demo.url);
      await page.getByRole('button', { name: 'Try it on' }).click();
      const dialog = page.getByRole('dialog', { name: 'Try it on' });
      await dialog.getByRole('checkbox', { name: /I agree/ }).check();
      await dialog.getByRole('button', { name: 'Continue' }).click();
      await dialog.locator('input[type=file]').setInputFiles(await freshPhoto());
      await page.waitForFunction(() => (window as unknown as { __result: { paintedAt?: number } }).__result.paintedAt !== undefined, undefined, { timeout: 30_000 });
      const seen = await page.evaluate(() => (window as unknown as { __result: { loadedAt: number; paintedAt: number } }).__result);
      const jobs = [...emulator.jobs.values()];
      if (jobs.length !== 1) throw new Error(`expected one upstream job, the emulator has ${jobs.length}`);
      const job = jobs[0]!;
      const reportedAt = job.meta.reportedAt as number;
      const fetched = emulator.calls.find((call) => call.path.startsWith('/s3/renders/'))?.at ?? NaN;
      const providerCalls: Record<string, number> = {};
      for (const call of emulator.calls) {
        const kind = providerKind(call.method, call.path);
        providerCalls[kind] = (providerCalls[kind] ?? 0) + 1;
      }
      return {
        jobMs,
        fromCompleteMs: seen.loadedAt - job.completeAt,
        fromReportMs: seen.loadedAt - reportedAt,
        toProxyFetchMs: fetched - job.completeAt,
        toPaintMs: seen.paintedAt - seen.loadedAt,
        browserRequests,
        providerCalls,
      };
    } finally {
      await context.close();
    }
  };

  try {
    // Warm-up: the first try-on compiles the proxy's and emulator's image paths.
    await once('sse', 600);
    const samples = { sse: [] as DeliveryRun[], polling: [] as DeliveryRun[] };
    for (let index = 0; index < runs; index++) {
      const jobMs = Math.round(400 + (1600 * index) / Math.max(1, runs - 1));
      for (const mode of index % 2 ? (['polling', 'sse'] as const) : (['sse', 'polling'] as const)) samples[mode].push(await once(mode, jobMs));
      note(`delivery: run ${index + 1}/${runs}`);
    }
    return { provider: 'studio (emulated, event stream)', sse: summarise(samples.sse), polling: summarise(samples.polling), samples };
  } finally {
    await demo.close();
  }
}
