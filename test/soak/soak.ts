/**
 * The endurance run (`npm run soak`, and a short form inside `npm test`):
 *
 * 1. Faults. One proxy per documented provider, each in front of that provider's emulator,
 *    all in this process. Shoppers (as many as `jobs`, all at once) each open a session,
 *    upload a photo of their own and follow their job with the widget's own ProxyClient
 *    (SSE, reconnecting with Last-Event-ID, then polling), read the result, and delete the
 *    job as the dialog does on close. Meanwhile `faultRate × jobs` faults are injected at
 *    random moments: provider 500s, timeouts (answers slower than the adapter's timeout),
 *    malformed JSON, dropped event streams (provider → proxy and proxy → shopper), slow
 *    bodies (provider answers trickled to the adapter, shopper uploads trickled to the
 *    proxy) and 429s. Checks: every job reaches a terminal state the shopper's client sees
 *    and the proxy agrees with; nothing crashes; heap (after GC) and active handles return
 *    to where they were after a warm-up round of the same size (faults included).
 * 2. Restart. Two instances on a real redis-server with one data directory, behind a small
 *    load balancer, in front of one (external) provider emulator. Mid-run instance A is
 *    taken out of the balancer, closed (`proxy.close()`, its connections cut) and replaced
 *    by a fresh A' on the same Redis and data directory. Shoppers keep following their jobs
 *    through the balancer; every job created before the restart must still end.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import sharp from 'sharp';
import { ProxyClient } from '../../src/client/proxy-client.js';
import type { ErrorEnvelope, JobCreated, JobView, SessionGrant } from '../../src/contract.js';
import { readConfig } from '../../src/server/config.js';
import { createLogger } from '../../src/server/log.js';
import { createNodeProxy, type NodeProxy } from '../../src/server/node.js';
import type { ProviderDefinition } from '../../src/server/providers/define.js';
import { findProvider, DOCUMENTED_PROVIDERS } from '../../src/server/providers/registry.js';
import { studio } from '../../src/server/providers/studio/index.js';
import type { TimingOverrides } from '../../src/server/providers/upstream/timing.js';
import { EMULATED_PROVIDERS, startEmulator, type EmulatedProvider, type Emulator } from '../emulators/harness.js';
import { startRedis } from '../server/redis-server.js';
import { startBalancer, type Routing } from './balancer.js';
import { seededRandom } from '../../demo/seeded-random.js';

export const SHOP_ORIGIN = 'https://shop.example';
const SECRET = 'soak-secret-that-is-long-enough-0123456789abcdef';
const PAGE_URL = `${SHOP_ORIGIN}/products/everyday-tee`;

/** Adapter timing for the soak: short enough that a timeout fault costs seconds, not minutes. */
export const SOAK_TIMING: TimingOverrides = {
  requestTimeoutMs: 8_000,
  transferTimeoutMs: 15_000,
  pollMs: 150,
  pollMaxMs: 600,
  watchTimeoutMs: 40_000,
  streamIdleMs: 4_000,
  retries: 2,
  backoffMs: 100,
  backoffMaxMs: 800,
  maxRetryAfterMs: 3_000,
  maxPollFailures: 3,
};

export const FAULT_KINDS = ['provider-500', 'provider-timeout', 'malformed-json', 'dropped-sse', 'slow-body', 'provider-429'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface SoakOptions {
  /** Try-ons in the fault run, spread over the five providers, all started at once (within `rampMs`). */
  jobs: number;
  /** Faults injected = round(jobs × faultRate). */
  faultRate: number;
  /** Try-ons in each restart run (0 skips them). */
  restartJobs: number;
  /** One restart run per routing (see balancer.ts). */
  restartRouting: Routing[];
  /** A shopper of a restart run gives up after this long: that job counts as lost. */
  restartFollowTimeoutMs: number;
  /** How long an emulated job takes. */
  jobMs: number;
  /** Shoppers start within this window. */
  rampMs: number;
  /** A shopper's client gives up following after this long: that job counts as lost. */
  followTimeoutMs: number;
  seed: number;
  /** Heap/handle checks need global.gc (node --expose-gc); without it they are reported as skipped. */
  log: (line: string) => void;
}

export const FULL_SOAK: SoakOptions = {
  jobs: 500,
  faultRate: 0.1,
  restartJobs: 100,
  restartRouting: ['round-robin', 'sticky'],
  jobMs: 1_500,
  rampMs: 3_000,
  followTimeoutMs: 60_000,
  restartFollowTimeoutMs: 40_000,
  seed: 7,
  log: (line) => process.stderr.write(`[soak] ${line}\n`),
};

export type RestartTally = Tally & {
  routing: Routing;
  seconds: number;
  createdBeforeRestart: number;
  /** Of those, how many ended after A was closed (the ones the restart could have lost). */
  resolvedAfterRestart: number;
  lostBeforeRestart: number;
  restartAtMs: number;
  sentPerInstance: Record<string, number>;
  /** Runs another instance took over (log event run.adopted). */
  adoptions: number;
};

export interface ShopperOutcome {
  provider: string;
  created: boolean;
  createStatus?: number;
  createCode?: string;
  id?: string;
  /** The terminal view the shopper's client ended with; undefined when it never saw one. */
  final?: JobView;
  /** The proxy's view of the job when the shopper read it afterwards. */
  serverStatus?: string;
  resultBytes?: number;
  updates: number;
  followError?: string;
  ms: number;
  /** When the shopper's client saw the terminal state (epoch ms). */
  endedAt?: number;
  slowUpload?: boolean;
  /** Created before instance A was closed (restart run). */
  beforeRestart?: boolean;
}

export interface Tally {
  shoppers: number;
  created: number;
  notCreated: Record<string, number>;
  terminal: number;
  /** Created, but the shopper's client never saw a terminal state. */
  lost: number;
  /** The shopper's terminal status differs from the proxy's afterwards. */
  disagreements: number;
  byStatus: Record<string, number>;
  failuresByCode: Record<string, number>;
  byProvider: Record<string, Record<string, number>>;
  resultsRead: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  lostExamples: string[];
}

export interface ResourceSnapshot {
  heapUsed: number;
  rss: number;
  resources: Record<string, number>;
}

export interface SoakReport {
  options: Omit<SoakOptions, 'log'>;
  seconds: number;
  faults: { planned: number; injected: Record<string, number>; details: string[] };
  /** The warm-up round (as many jobs and faults as the measured one) before the baseline. */
  warmUp?: { created: number; terminal: number; lost: number };
  faultRun: Tally & { seconds: number };
  restarts: RestartTally[];
  /** Uncaught exceptions and unhandled rejections seen in this process while it ran. */
  crashes: string[];
  /** Proxy log lines at warn/error, counted by event. */
  proxyLog: Record<string, number>;
  /** run.failed log lines by code and provider code (or detail). */
  runFailures: Record<string, number>;
  /** 500 INTERNAL answers from the proxies (a bug, never a fault's expected effect). */
  internalErrors: number;
  healthy: boolean;
  memory: {
    gc: boolean;
    /** Before the warm-up round (for reference: what a first round builds and keeps). */
    start?: ResourceSnapshot;
    baseline?: ResourceSnapshot;
    after?: ResourceSnapshot;
    heapDeltaBytes?: number;
    allowedHeapDeltaBytes?: number;
    /** Active resources (process.getActiveResourcesInfo) above the baseline, by type. */
    extraResources?: Record<string, number>;
    returned?: boolean;
  };
}

// ---------------------------------------------------------------------------------------
// Small tools
// ---------------------------------------------------------------------------------------

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

const count = (record: Record<string, number>, key: string, by = 1) => {
  record[key] = (record[key] ?? 0) + by;
};

function percentile(values: number[], p: number) {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** A distinct small shopper photo (the proxy caches results by photo: each try-on must be new work). */
async function photo(seed: number): Promise<Buffer> {
  const shade = (n: number) => 40 + ((seed * n) % 180);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="400"><rect width="300" height="400" fill="rgb(${shade(37)},${shade(53)},${shade(71)})"/><circle cx="${100 + (seed % 100)}" cy="80" r="40" fill="#8a6a52"/><rect x="90" y="${120 + (seed % 40)}" width="120" height="200" fill="#345"/></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

function multipart(person: Buffer, garmentUrl: string): { body: Buffer; type: string } {
  const boundary = `----soak${Math.random().toString(16).slice(2)}`;
  const field = (name: string, value: string) => `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  return {
    body: Buffer.concat([
      Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="person"; filename="photo.jpg"\r\ncontent-type: image/jpeg\r\n\r\n`),
      person,
      Buffer.from(`\r\n${field('garment', garmentUrl)}${field('category', 'top')}${field('productId', 'everyday-tee')}--${boundary}--\r\n`),
    ]),
    type: `multipart/form-data; boundary=${boundary}`,
  };
}

/** A body that arrives in small pieces over about `ms` (a slow mobile upload). */
function trickle(bytes: Uint8Array, ms: number, pieces = 10): ReadableStream<Uint8Array> {
  const size = Math.ceil(bytes.length / pieces);
  let offset = 0;
  return new ReadableStream({
    async pull(controller) {
      if (offset >= bytes.length) return controller.close();
      await sleep(ms / pieces);
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

const listen = (server: Server, port = 0) =>
  new Promise<string>((resolve) => server.listen(port, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

function snapshot(): ResourceSnapshot {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const resources: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) count(resources, type);
  const memory = process.memoryUsage();
  return { heapUsed: memory.heapUsed, rss: memory.rss, resources };
}

// ---------------------------------------------------------------------------------------
// The world: emulators, proxies, a garment host, the shoppers' fetch
// ---------------------------------------------------------------------------------------

interface ShopperContext {
  token?: string;
}

/** Adapter-side faults: the next n answers of this provider reach the adapter as slow bodies. */
interface UpstreamFaults {
  slowBodies: number;
}

/** A fetch for an adapter that can trickle answers (slow bodies) on demand. */
function faultyFetch(faults: UpstreamFaults, base: typeof fetch, trickleMs: number): typeof fetch {
  return async (input, init) => {
    const response = await base(input, init);
    const streaming = response.headers.get('content-type')?.includes('text/event-stream');
    if (faults.slowBodies <= 0 || streaming || !response.body || response.status === 204 || response.status === 304) return response;
    faults.slowBodies--;
    const bytes = new Uint8Array(await response.arrayBuffer());
    const signal = init?.signal ?? undefined;
    let offset = 0;
    const pieces = 8;
    const size = Math.max(1, Math.ceil(bytes.length / pieces));
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (offset >= bytes.length) return controller.close();
        try {
          await sleep(trickleMs / pieces, signal);
        } catch (error) {
          return controller.error(error);
        }
        controller.enqueue(bytes.slice(offset, offset + size));
        offset += size;
      },
    });
    const slow = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    // Keep the URL the adapter may look at (redirect and origin checks).
    Object.defineProperty(slow, 'url', { value: response.url });
    return slow;
  };
}

interface Instance {
  name: string;
  url: string;
  server: Server;
  proxy: NodeProxy;
  /** proxy → shopper stream drops still to make. */
  drops: { pending: number };
  internalErrors: { count: number };
}

async function startInstance(
  name: string,
  env: Record<string, string>,
  definition: ProviderDefinition,
  upstreamFetch: typeof fetch,
  logLine: (line: string) => void,
  level: 'info' | 'warn' = 'warn',
): Promise<Instance> {
  const server = createServer();
  const url = await listen(server);
  const log = createLogger({ level, secrets: [SECRET], write: logLine });
  const config = readConfig({ ...env, FITTING_ROOM_PUBLIC_URL: url }, { dev: true });
  const provider = definition.fromEnv(config.env, { log: log.child({ provider: config.provider }), fetch: upstreamFetch, timing: SOAK_TIMING });
  const proxy = await createNodeProxy(config, { log, provider, fetch: upstreamFetch });
  const listener = getRequestListener(proxy.app.fetch);
  const drops = { pending: 0 };
  const internalErrors = { count: 0 };
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (drops.pending > 0 && request.url?.endsWith('/events')) {
      drops.pending--;
      // Cut the shopper's event stream a moment after it opened (unless it has ended: then its
      // socket may already carry another request).
      setTimeout(
        () => {
          if (!response.writableEnded) response.destroy();
        },
        150 + Math.random() * 600,
      ).unref();
    }
    response.on('finish', () => {
      if (response.statusCode === 500) internalErrors.count++;
    });
    void listener(request, response);
  });
  return { name, url, server, proxy, drops, internalErrors };
}

// ---------------------------------------------------------------------------------------
// A shopper
// ---------------------------------------------------------------------------------------

const shoppers = new AsyncLocalStorage<ShopperContext>();
let fetchInstalled = 0;
let originalFetch: typeof fetch = globalThis.fetch;

/**
 * The widget's ProxyClient calls the global fetch, as in a browser. Here the global fetch
 * adds the page's Origin (a browser does) and hands the session token to the shopper it
 * belongs to (so the shopper can upload with it; the widget uploads with XHR, which Node
 * lacks).
 */
function installShopperFetch() {
  if (fetchInstalled++ > 0) return;
  originalFetch = globalThis.fetch;
  globalThis.fetch = async (input, init = {}) => {
    const headers = new Headers(init.headers);
    headers.set('origin', SHOP_ORIGIN);
    const response = await originalFetch(input, { ...init, headers });
    const shopper = shoppers.getStore();
    if (shopper && response.ok && String(input instanceof Request ? input.url : input).endsWith('/session')) {
      shopper.token = ((await response.clone().json()) as SessionGrant).token;
    }
    return response;
  };
}

function uninstallShopperFetch() {
  if (--fetchInstalled === 0) globalThis.fetch = originalFetch;
}

async function shop(
  endpoint: string,
  provider: string,
  person: Buffer,
  garmentUrl: string,
  options: { followTimeoutMs: number; slowUpload?: boolean },
  onCreated?: (outcome: ShopperOutcome) => void,
): Promise<ShopperOutcome> {
  const started = Date.now();
  const outcome: ShopperOutcome = { provider, created: false, updates: 0, ms: 0, slowUpload: options.slowUpload };
  const context: ShopperContext = {};
  return shoppers.run(context, async () => {
    const client = new ProxyClient(endpoint, PAGE_URL);
    try {
      await client.retentionSeconds();
      const { body, type } = multipart(person, garmentUrl);
      const upload = options.slowUpload ? trickle(new Uint8Array(body), 1_500) : new Uint8Array(body);
      const response = await originalFetch(new URL('jobs', endpoint), {
        method: 'POST',
        headers: {
          origin: SHOP_ORIGIN,
          authorization: `Bearer ${context.token}`,
          'content-type': type,
          'idempotency-key': crypto.randomUUID(),
          ...(options.slowUpload ? {} : { 'content-length': String(body.length) }),
        },
        body: upload,
        ...(options.slowUpload ? { duplex: 'half' } : {}),
      } as RequestInit);
      outcome.createStatus = response.status;
      if (response.status !== 202) {
        outcome.createCode = ((await response.json().catch(() => undefined)) as ErrorEnvelope | undefined)?.error?.code ?? `HTTP ${response.status}`;
        return outcome;
      }
      const created = (await response.json()) as JobCreated;
      outcome.created = true;
      outcome.id = created.id;
      onCreated?.(outcome);
      try {
        outcome.final = await client.watchJob(created.id, () => void outcome.updates++, AbortSignal.timeout(options.followTimeoutMs));
        outcome.endedAt = Date.now();
      } catch (error) {
        outcome.followError = `${(error as Error).name}: ${(error as Error).message}`;
      }
      try {
        outcome.serverStatus = (await client.getJob(created.id)).status;
        if (outcome.final?.status === 'succeeded') outcome.resultBytes = (await client.fetchResult(outcome.final)).size;
      } catch (error) {
        outcome.followError ??= `after: ${(error as Error).message}`;
      }
      // As the dialog does when it closes: nothing of the shopper is kept.
      await client.deleteJob(created.id);
      return outcome;
    } catch (error) {
      const cause = (error as Error & { cause?: Error }).cause;
      outcome.createCode ??= `${(error as Error).name}: ${(error as Error).message}${cause ? ` (${cause.message})` : ''}`;
      return outcome;
    } finally {
      outcome.ms = Date.now() - started;
    }
  });
}

function tally(outcomes: ShopperOutcome[]): Tally {
  const created = outcomes.filter((outcome) => outcome.created);
  const terminal = created.filter((outcome) => outcome.final && ['succeeded', 'failed', 'canceled'].includes(outcome.final.status));
  const lost = created.filter((outcome) => !terminal.includes(outcome));
  const byStatus: Record<string, number> = {};
  const failuresByCode: Record<string, number> = {};
  const byProvider: Record<string, Record<string, number>> = {};
  const notCreated: Record<string, number> = {};
  for (const outcome of outcomes) {
    if (!outcome.created) count(notCreated, outcome.createCode ?? 'unknown');
    const status = outcome.created ? (outcome.final?.status ?? 'lost') : 'not created';
    count(byStatus, status);
    byProvider[outcome.provider] ??= {};
    count(byProvider[outcome.provider]!, status);
    if (outcome.final?.status === 'failed') count(failuresByCode, outcome.final.error?.code ?? 'none');
  }
  const times = terminal.map((outcome) => outcome.ms);
  return {
    shoppers: outcomes.length,
    created: created.length,
    notCreated,
    terminal: terminal.length,
    lost: lost.length,
    disagreements: terminal.filter((outcome) => outcome.serverStatus !== outcome.final!.status).length,
    byStatus,
    failuresByCode,
    byProvider,
    resultsRead: terminal.filter((outcome) => (outcome.resultBytes ?? 0) > 0).length,
    p50Ms: percentile(times, 50),
    p95Ms: percentile(times, 95),
    maxMs: Math.max(0, ...times),
    lostExamples: lost.slice(0, 5).map((outcome) => `${outcome.provider} ${outcome.id?.slice(0, 16)}…: ${outcome.followError ?? 'no terminal view'}`),
  };
}

// ---------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const { log } = options;
  const started = Date.now();
  const random = seededRandom(options.seed);
  const crashes: string[] = [];
  const onCrash = (error: unknown) => crashes.push(String((error as Error)?.stack ?? error).slice(0, 400));
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  const proxyLog: Record<string, number> = {};
  const runFailures: Record<string, number> = {};
  const logLine = (line: string) => {
    try {
      const record = JSON.parse(line) as { event: string; provider?: string; providerCode?: string; detail?: string; code?: string };
      count(proxyLog, record.event);
      // Why runs failed, in a few words: the provider's code, or the start of the detail.
      if (record.event === 'run.failed')
        count(runFailures, `${record.provider}: ${record.code} ${record.providerCode ?? ''} ${(record.detail ?? '').replace(/[0-9a-f]{8,}/g, '…').slice(0, 80)}`.trim());
    } catch {
      count(proxyLog, 'unparsed');
    }
  };
  const limits = { FITTING_ROOM_JOBS_PER_SESSION: '100000', FITTING_ROOM_JOBS_PER_IP: '100000', FITTING_ROOM_JOBS_PER_ORIGIN: '100000', FITTING_ROOM_SESSIONS_PER_IP: '100000' };
  const dataDir = await mkdtemp(join(tmpdir(), 'fitting-room-soak-'));
  const garment = await sharp(
    Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400"><rect width="400" height="400" fill="#fff"/><path d="M120 60 L280 60 L360 130 L320 170 L290 150 L290 360 L110 360 L110 150 L80 170 L40 130 Z" fill="#1f2a44"/></svg>',
    ),
  )
    .png()
    .toBuffer();
  const garmentHost = createServer((request, response) => {
    if (request.url === '/tee.png') response.writeHead(200, { 'content-type': 'image/png', 'content-length': garment.length }).end(garment);
    else response.writeHead(404).end();
  });
  const garmentUrl = `${await listen(garmentHost)}/tee.png`;
  const baseEnv = { FITTING_ROOM_SECRET: SECRET, FITTING_ROOM_ALLOWED_ORIGINS: SHOP_ORIGIN, FITTING_ROOM_GARMENT_HOSTS: new URL(garmentUrl).host, ...limits };

  installShopperFetch();
  const emulators = new Map<EmulatedProvider, Emulator>();
  const instances = new Map<EmulatedProvider, Instance>();
  const upstreamFaults = new Map<EmulatedProvider, UpstreamFaults>();
  const report: SoakReport = {
    options: { ...options, log: undefined } as unknown as SoakReport['options'],
    seconds: 0,
    faults: { planned: Math.round(options.jobs * options.faultRate), injected: {}, details: [] },
    faultRun: { ...tally([]), seconds: 0 },
    restarts: [],
    crashes,
    proxyLog,
    runFailures,
    internalErrors: 0,
    healthy: false,
    memory: { gc: typeof (globalThis as { gc?: unknown }).gc === 'function' },
  };
  try {
    // ---- 1. faults ------------------------------------------------------------------
    // (jobs: 0 skips it, for a restart run alone.)
    if (options.jobs > 0) {
      for (const name of EMULATED_PROVIDERS) {
        const { emulator, env } = await startEmulator(name, { jobMs: options.jobMs });
        emulators.set(name, emulator);
        const faults: UpstreamFaults = { slowBodies: 0 };
        upstreamFaults.set(name, faults);
        const instanceDir = join(dataDir, name);
        instances.set(
          name,
          await startInstance(
            name,
            { ...baseEnv, ...env, FITTING_ROOM_DATA_DIR: instanceDir },
            findProvider(DOCUMENTED_PROVIDERS, name),
            faultyFetch(faults, fetch, 1_200),
            logLine,
          ),
        );
      }
      const endpoint = (name: EmulatedProvider) => `${instances.get(name)!.url}/`;

      const settle = async () => {
        for (const emulator of emulators.values()) {
          await emulator.idle(5_000);
          emulator.reset();
          emulator.behave({ jobMs: options.jobMs });
        }
        for (const faults of upstreamFaults.values()) faults.slowBodies = 0;
        for (const instance of instances.values()) {
          instance.drops.pending = 0;
          instance.server.closeIdleConnections();
        }
        garmentHost.closeIdleConnections();
        await sleep(300);
      };

      /** `jobs` shoppers at once over the five providers, with `faults` faults at random moments. */
      const round = async (jobs: number, faults: number, photoSeed: number, record: boolean) => {
        const photos = await Promise.all(Array.from({ length: jobs }, (_, index) => photo(photoSeed + index)));
        const windowMs = options.rampMs + options.jobMs * 2;
        const faultTimers: NodeJS.Timeout[] = [];
        const slowUploads = new Set<number>();
        for (let index = 0; index < faults; index++) {
          const kind = FAULT_KINDS[index % FAULT_KINDS.length]!;
          const name = EMULATED_PROVIDERS[Math.floor(random() * EMULATED_PROVIDERS.length)]!;
          const at = Math.round(random() * windowMs);
          const emulator = emulators.get(name)!;
          const variant = Math.floor(index / FAULT_KINDS.length) % 2;
          let what = `${kind} on ${name}`;
          let inject: () => void;
          switch (kind) {
            case 'provider-500':
              inject = () => emulator.behave({ serverErrors: 2 });
              break;
            case 'provider-timeout':
              // Every API answer in the next 400 ms comes after the adapter's timeout.
              inject = () => {
                emulator.behave({ slow: SOAK_TIMING.requestTimeoutMs! + 600 });
                faultTimers.push(setTimeout(() => emulator.behave({ slow: 0 }), 400));
              };
              break;
            case 'malformed-json':
              inject = () => emulator.behave({ malformedJson: 2 });
              break;
            case 'dropped-sse':
              if (variant === 0) {
                what = `dropped-sse proxy→shopper on ${name}`;
                inject = () => {
                  instances.get(name)!.drops.pending += 2;
                };
              } else {
                // Studio and AuraX stream; the others are polled (their emulators have no stream to drop).
                const streaming = (['studio', 'aurax'] as const)[index % 2]!;
                what = `dropped-sse provider→proxy on ${streaming}`;
                inject = () => {
                  emulators.get(streaming)!.behave({ stream: 'drop' });
                  faultTimers.push(setTimeout(() => emulators.get(streaming)!.behave({ stream: 'ok' }), 800));
                };
              }
              break;
            case 'slow-body':
              if (variant === 0) {
                what = `slow-body provider→adapter on ${name}`;
                inject = () => {
                  upstreamFaults.get(name)!.slowBodies += 2;
                };
              } else {
                const shopper = Math.floor(random() * jobs);
                slowUploads.add(shopper);
                what = `slow-body shopper upload #${shopper}`;
                inject = () => undefined;
              }
              break;
            case 'provider-429':
              inject = () => emulator.behave({ rateLimit: 2, retryAfterS: 1 });
              break;
          }
          if (record) {
            report.faults.details.push(`${String(at).padStart(5)} ms ${what}`);
            count(report.faults.injected, kind);
          }
          faultTimers.push(setTimeout(inject, at));
        }
        try {
          return await Promise.all(
            photos.map(async (person, index) => {
              const name = EMULATED_PROVIDERS[index % EMULATED_PROVIDERS.length]!;
              await sleep(Math.round((index / jobs) * options.rampMs));
              return shop(endpoint(name), name, person, garmentUrl, { followTimeoutMs: options.followTimeoutMs, slowUpload: slowUploads.has(index) });
            }),
          );
        } finally {
          for (const timer of faultTimers) clearTimeout(timer);
        }
      };

      // Warm-up: a round of the same size, faults included, so the baseline already holds what
      // a first round builds once and keeps: compiled code of every path (error paths too), and
      // the connection pools of fetch (undici keeps one client object per connection it ever
      // opened to an origin, up to the peak concurrency). What grows after it grows with jobs.
      // Without gc (no --expose-gc) there is nothing to compare, so no warm-up either.
      if (report.memory.gc) {
        report.memory.start = snapshot();
        log(`warming up (${options.jobs} try-ons with faults)…`);
        const warm = tally(await round(options.jobs, report.faults.planned, 900_000, false));
        report.warmUp = { created: warm.created, terminal: warm.terminal, lost: warm.lost };
        await settle();
        report.memory.baseline = snapshot();
      }

      const planned = report.faults.planned;
      log(`${options.jobs} try-ons over ${EMULATED_PROVIDERS.length} providers, ${planned} faults…`);
      const runStarted = Date.now();
      const outcomes = await round(options.jobs, planned, 1, true);
      report.faultRun = { ...tally(outcomes), seconds: Math.round((Date.now() - runStarted) / 100) / 10 };
      log(
        `fault run: ${report.faultRun.terminal}/${report.faultRun.created} jobs ended (${JSON.stringify(report.faultRun.byStatus)}), ${report.faultRun.lost} lost, in ${report.faultRun.seconds} s`,
      );

      // Back to calm (settle resets every behaviour), nothing in flight; then the heap and handles.
      await settle();
      report.healthy = (await Promise.all([...instances.values()].map(async (instance) => (await originalFetch(`${instance.url}/healthz`)).ok))).every(Boolean);
      if (report.memory.gc && report.memory.baseline) {
        // Stragglers (timers of retries that were cut short) get a few seconds to end.
        let after = snapshot();
        const extra = (snap: ResourceSnapshot) =>
          Object.fromEntries(
            Object.entries(snap.resources).flatMap(([type, n]) =>
              n > (report.memory.baseline!.resources[type] ?? 0) ? [[type, n - (report.memory.baseline!.resources[type] ?? 0)]] : [],
            ),
          );
        for (let wait = 0; wait < 10 && Object.keys(extra(after)).length; wait++) {
          await sleep(500);
          after = snapshot();
        }
        const heapDelta = after.heapUsed - report.memory.baseline.heapUsed;
        report.memory.after = after;
        report.memory.heapDeltaBytes = heapDelta;
        report.memory.extraResources = extra(after);
        // What stays by design: rate-limit counters and idempotency keys, kept for the retention
        // time (a few hundred bytes a job). Allowed: 1 KB a job, and at least 1 MB of GC noise.
        report.memory.allowedHeapDeltaBytes = Math.max(2 ** 20, options.jobs * 1024);
        report.memory.returned = Object.keys(report.memory.extraResources).length === 0 && heapDelta <= report.memory.allowedHeapDeltaBytes;
        log(`memory: heap ${(heapDelta / 2 ** 20).toFixed(2)} MB over the baseline, extra handles ${JSON.stringify(report.memory.extraResources)}`);
      }
    } else report.healthy = true;

    // ---- 2. restart -----------------------------------------------------------------
    for (const routing of options.restartJobs > 0 ? options.restartRouting : []) {
      const restartErrors = { count: 0 };
      try {
        report.restarts.push(await restartRun(options, routing, baseEnv, garmentUrl, dataDir, logLine, random, restartErrors));
      } finally {
        report.internalErrors += restartErrors.count;
      }
    }
  } finally {
    for (const instance of instances.values()) {
      report.internalErrors += instance.internalErrors.count;
      await instance.proxy.close();
      await closeServer(instance.server);
    }
    for (const emulator of emulators.values()) await emulator.close();
    await closeServer(garmentHost);
    uninstallShopperFetch();
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    await rm(dataDir, { recursive: true, force: true });
  }
  report.seconds = Math.round((Date.now() - started) / 100) / 10;
  return report;
}

async function restartRun(
  options: SoakOptions,
  routing: Routing,
  baseEnv: Record<string, string>,
  garmentUrl: string,
  dataDir: string,
  logLine: (line: string) => void,
  random: () => number,
  internalErrors: { count: number },
): Promise<RestartTally> {
  const { log } = options;
  const redis = await startRedis();
  const shared = join(dataDir, `shared-${routing}`);
  // One provider, outside both instances, as in reality. Jobs long enough to span the restart.
  const { emulator, env } = await startEmulator('studio', { jobMs: Math.max(3_000, options.jobMs * 2) });
  const balancer = await startBalancer(routing);
  let adoptions = 0;
  // At info level to see takeovers; only warnings and errors go on to the tally.
  const restartLog = (line: string) => {
    if (line.includes('"event":"run.adopted"')) adoptions++;
    if (line.includes('"level":"warn"') || line.includes('"level":"error"')) logLine(line);
  };
  const instanceEnv = { ...baseEnv, ...env, REDIS_URL: redis.url, FITTING_ROOM_DATA_DIR: shared };
  const start = (name: string) => startInstance(name, instanceEnv, studio, fetch, restartLog, 'info');
  const live: Instance[] = [];
  try {
    const a = await start('A');
    const b = await start('B');
    live.push(a, b);
    balancer.add(a.url);
    balancer.add(b.url);
    const endpoint = `${balancer.url}/`;
    const photos = await Promise.all(Array.from({ length: options.restartJobs }, (_, index) => photo(500_000 + index)));
    log(`restart (${routing}): ${options.restartJobs} try-ons through 2 instances on Redis; A is replaced mid-run…`);
    let restarted = false;
    let restartAtMs = 0;
    let restartAt = Infinity;
    const runStarted = Date.now();
    let created = 0;
    let replaced: Promise<void> | undefined;
    const replaceA = async () => {
      restartAt = Date.now();
      restartAtMs = restartAt - runStarted;
      balancer.remove(a.url);
      await a.proxy.close();
      await closeServer(a.server);
      live.splice(live.indexOf(a), 1);
      restarted = true;
      log(`restart: A closed at ${restartAtMs} ms; starting A'…`);
      await sleep(300);
      const a2 = await start("A'");
      live.push(a2);
      balancer.add(a2.url);
    };
    const outcomes = await Promise.all(
      photos.map(async (person, index) => {
        await sleep(Math.round((index / options.restartJobs) * 1_000 + random() * 200));
        return shop(endpoint, 'studio', person, garmentUrl, { followTimeoutMs: options.restartFollowTimeoutMs }, (outcome) => {
          outcome.beforeRestart = !restarted;
          // Once most jobs exist and are running upstream, take A away.
          if (++created === Math.ceil(options.restartJobs * 0.8)) replaced = sleep(400).then(replaceA);
        });
      }),
    );
    await replaced;
    const result = tally(outcomes);
    const before = outcomes.filter((outcome) => outcome.created && outcome.beforeRestart);
    const resolvedAfter = before.filter((outcome) => outcome.final && (outcome.endedAt ?? 0) > restartAt);
    log(
      `restart (${routing}): ${result.terminal}/${result.created} ended (${JSON.stringify(result.byStatus)}); ${before.length} created before the restart, ${before.filter((outcome) => !outcome.final).length} of them lost; ${adoptions} runs adopted`,
    );
    return {
      ...result,
      routing,
      seconds: Math.round((Date.now() - runStarted) / 100) / 10,
      createdBeforeRestart: before.length,
      resolvedAfterRestart: resolvedAfter.length,
      lostBeforeRestart: before.filter((outcome) => !outcome.final).length,
      restartAtMs,
      sentPerInstance: Object.fromEntries(balancer.sent),
      adoptions,
    };
  } finally {
    for (const instance of live) {
      internalErrors.count += instance.internalErrors.count;
      await instance.proxy.close();
      await closeServer(instance.server);
    }
    await balancer.close();
    await emulator.close();
    await redis.stop();
  }
}
