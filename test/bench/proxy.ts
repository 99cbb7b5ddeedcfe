/**
 * Proxy: `GET /jobs/{id}` under load (autocannon) against a bare node:http server answering
 * the same JSON, rounds interleaved; memory per open SSE stream with 1,000 streams open;
 * `POST /jobs` throughput on the sandbox provider with a distinct photo per request (a
 * repeated photo would be answered from the result cache). The servers run in processes of
 * their own (proxy-server.ts); the load comes from this one.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import sharp from 'sharp';
import type { JobCreated, JobView, SessionGrant } from '../../src/contract.js';
import { note, round, sleep } from './lib.js';

export const ORIGIN = 'https://shop.example';
const SECRET = 'bench-secret-that-is-long-enough-0123456789abcdef';

export interface Child {
  process: ChildProcess;
  url: string;
  garmentUrl?: string;
  memory(): Promise<{ memory: NodeJS.MemoryUsage; resources: Record<string, number> }>;
  stop(): Promise<void>;
}

/** Starts proxy-server.ts in a process of its own; `execArgv` adds Node options (profile-status.ts: --cpu-prof). */
export async function startChild(mode: 'proxy' | 'bare' | 'hono', env: Record<string, string>, execArgv: string[] = []): Promise<Child> {
  const child = fork(new URL('./proxy-server.ts', import.meta.url).pathname, [mode], {
    execArgv: ['--expose-gc', '--import', 'tsx', ...execArgv],
    env: { ...process.env, ...env },
    // The proxy logs a JSON line per request to stdout, as in production; here to /dev/null.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const waiters: ((message: Record<string, unknown>) => void)[] = [];
  child.on('message', (message: Record<string, unknown>) => waiters.shift()?.(message));
  const next = () =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      waiters.push(resolve);
      child.once('exit', (code) => reject(new Error(`bench ${mode} server exited (${code})`)));
    });
  const ready = (await next()) as { url: string; garmentUrl?: string };
  return {
    process: child,
    url: ready.url,
    garmentUrl: ready.garmentUrl,
    async memory() {
      const reply = next();
      child.send({ cmd: 'memory' });
      return (await reply) as unknown as { memory: NodeJS.MemoryUsage; resources: Record<string, number> };
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export const baseEnv = (dataDir: string, sandboxMs: number): Record<string, string> => ({
  FITTING_ROOM_SECRET: SECRET,
  FITTING_ROOM_ALLOWED_ORIGINS: ORIGIN,
  FITTING_ROOM_DATA_DIR: dataDir,
  FITTING_ROOM_SANDBOX_DURATION_MS: String(sandboxMs),
  // Far above what the bench sends, so no request is turned away by a limit.
  FITTING_ROOM_JOBS_PER_SESSION: '100000',
  FITTING_ROOM_JOBS_PER_IP: '100000',
  FITTING_ROOM_JOBS_PER_ORIGIN: '100000',
  FITTING_ROOM_SESSIONS_PER_IP: '100000',
  // The SSE measurement holds 1,000 streams of one session open on purpose.
  FITTING_ROOM_STREAMS_PER_SESSION: '0',
  FITTING_ROOM_STREAMS_PER_IP: '0',
});

export async function session(url: string): Promise<string> {
  const response = await fetch(`${url}/session`, { method: 'POST', headers: { origin: ORIGIN } });
  if (!response.ok) throw new Error(`session: ${response.status} ${await response.text()}`);
  return ((await response.json()) as SessionGrant).token;
}

/** A distinct 768×1024 JPEG of about the weight the widget uploads (texture, not flat colour). */
async function photo(seed: number): Promise<Buffer> {
  return sharp({ create: { width: 192, height: 256, channels: 3, background: { r: 120 + (seed % 100), g: 110, b: 100 }, noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    .resize(768, 1024, { kernel: 'cubic' })
    .jpeg({ quality: 85 })
    .toBuffer();
}

function multipart(person: Buffer, garmentUrl: string): { body: Buffer; type: string } {
  const boundary = `----bench${Math.random().toString(16).slice(2)}`;
  const field = (name: string, value: string) => `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="person"; filename="photo.jpg"\r\ncontent-type: image/jpeg\r\n\r\n`),
    person,
    Buffer.from(`\r\n${field('garment', garmentUrl)}${field('category', 'top')}--${boundary}--\r\n`),
  ]);
  return { body, type: `multipart/form-data; boundary=${boundary}` };
}

export async function createJob(url: string, token: string, garmentUrl: string, seed: number): Promise<JobCreated> {
  const { body, type } = multipart(await photo(seed), garmentUrl);
  const response = await fetch(`${url}/jobs`, { method: 'POST', headers: { origin: ORIGIN, authorization: `Bearer ${token}`, 'content-type': type }, body: new Uint8Array(body) });
  if (response.status !== 202) throw new Error(`POST /jobs: ${response.status} ${await response.text()}`);
  return (await response.json()) as JobCreated;
}

export interface LoadFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
}

const figures = (result: autocannon.Result): LoadFigures => ({
  requestsPerSecond: round(result.requests.average, 0),
  p50Ms: result.latency.p50,
  p99Ms: result.latency.p99,
  requests: result.requests.total,
  non2xx: result.non2xx,
  errors: result.errors + result.timeouts,
});

export interface ProxyResults {
  status: {
    connections: number;
    durationS: number;
    rounds: number;
    body: string;
    proxy: LoadFigures[];
    bare: LoadFigures[];
    /** A one-route Hono app on @hono/node-server answering the same JSON: the framework's share. */
    hono: LoadFigures[];
    /** Mean over the rounds. */
    proxyRps: number;
    bareRps: number;
    honoRps: number;
    /** hono ÷ bare: the ceiling any Hono-on-Node handler has here. */
    honoRatio: number;
    /** proxy ÷ bare requests per second. */
    ratio: number;
  };
  sse: {
    streams: number;
    jobs: number;
    openMs: number;
    heapDeltaBytes: number;
    rssDeltaBytes: number;
    externalDeltaBytes: number;
    perStreamHeapBytes: number;
    perStreamRssBytes: number;
    /** The larger of the two, per stream: the figure judged. */
    perStreamBytes: number;
    /** After the streams are closed (GC'd): what is still held compared with before. */
    afterCloseHeapDeltaBytes: number;
    socketsBefore: number;
    socketsOpen: number;
    socketsAfterClose: number;
  };
  create: LoadFigures & { connections: number; photoBytes: number; jobs: number };
  /** `POST /events`: batches of the analytics contract, half of them a try-on's (with the session token). */
  collector: LoadFigures & { connections: number; durationS: number; eventsPerBatch: number; eventsPerSecond: number };
}

export function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

async function statusLoad(durationS: number, rounds: number, connections: number): Promise<ProxyResults['status']> {
  const dataDir = await mkdtemp(join(tmpdir(), 'fitting-room-bench-'));
  const proxy = await startChild('proxy', baseEnv(dataDir, 200));
  let bare: Child | undefined;
  let hono: Child | undefined;
  try {
    const token = await session(proxy.url);
    const job = await createJob(proxy.url, token, proxy.garmentUrl!, 1);
    let view: JobView;
    for (;;) {
      view = (await (await fetch(`${proxy.url}/jobs/${job.id}`, { headers: { origin: ORIGIN, authorization: `Bearer ${token}` } })).json()) as JobView;
      if (view.status === 'succeeded' || view.status === 'failed') break;
      await sleep(100);
    }
    const body = JSON.stringify(view);
    bare = await startChild('bare', { BENCH_BODY: body });
    hono = await startChild('hono', { BENCH_BODY: body });
    const headers = { origin: ORIGIN, authorization: `Bearer ${token}` };
    const load = (url: string, duration: number) => run({ url, connections, duration, headers });
    // Warm them up (JIT, connection setup), then alternate rounds.
    await load(`${proxy.url}/jobs/${job.id}`, 2);
    await load(`${bare.url}/jobs/${job.id}`, 1);
    await load(`${hono.url}/jobs/${job.id}`, 1);
    const results = { proxy: [] as LoadFigures[], bare: [] as LoadFigures[], hono: [] as LoadFigures[] };
    for (let round = 0; round < rounds; round++) {
      results.bare.push(figures(await load(`${bare.url}/jobs/${job.id}`, durationS)));
      results.proxy.push(figures(await load(`${proxy.url}/jobs/${job.id}`, durationS)));
      results.hono.push(figures(await load(`${hono.url}/jobs/${job.id}`, durationS)));
      note(
        `proxy: GET /jobs/{id} round ${round + 1}/${rounds}: proxy ${results.proxy.at(-1)!.requestsPerSecond} req/s, bare ${results.bare.at(-1)!.requestsPerSecond}, hono ${results.hono.at(-1)!.requestsPerSecond}`,
      );
    }
    const mean = (list: LoadFigures[]) => list.reduce((total, item) => total + item.requestsPerSecond, 0) / list.length;
    return {
      connections,
      durationS,
      rounds,
      body,
      ...results,
      proxyRps: round(mean(results.proxy), 0),
      bareRps: round(mean(results.bare), 0),
      honoRps: round(mean(results.hono), 0),
      ratio: round(mean(results.proxy) / mean(results.bare), 3),
      honoRatio: round(mean(results.hono) / mean(results.bare), 3),
    };
  } finally {
    await bare?.stop();
    await hono?.stop();
    await proxy.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Opens one SSE stream on a raw socket and resolves once its first event has arrived. */
function openStream(url: URL, path: string, token: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let seen = '';
    const timer = setTimeout(() => reject(new Error('SSE stream did not start within 20 s')), 20_000);
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nOrigin: ${ORIGIN}\r\nAuthorization: Bearer ${token}\r\nAccept: text/event-stream\r\n\r\n`);
    });
    const onData = (chunk: string) => {
      seen += chunk;
      if (!seen.startsWith('HTTP/1.1 200')) {
        if (seen.includes('\r\n')) reject(new Error(`SSE: ${seen.split('\r\n')[0]}`));
        return;
      }
      if (/\ndata:/.test(seen)) {
        clearTimeout(timer);
        socket.off('data', onData);
        // Keep reading (heartbeats) so nothing backs up, as a browser would.
        socket.on('data', () => undefined);
        resolve(socket);
      }
    };
    socket.on('data', onData);
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

async function sseMemory(streams: number, jobs: number): Promise<ProxyResults['sse']> {
  const dataDir = await mkdtemp(join(tmpdir(), 'fitting-room-bench-'));
  // Jobs that stay running for the whole measurement.
  const proxy = await startChild('proxy', baseEnv(dataDir, 600_000));
  const sockets: Socket[] = [];
  try {
    const token = await session(proxy.url);
    const ids: string[] = [];
    for (let index = 0; index < jobs; index++) ids.push((await createJob(proxy.url, token, proxy.garmentUrl!, 100 + index)).id);
    // One stream per job first, so what every stream shares (compiled code, the job's subscription) is in the baseline.
    const base = new URL(proxy.url);
    for (const id of ids) sockets.push(await openStream(base, `/jobs/${id}/events`, token));
    await sleep(500);
    const before = await proxy.memory();
    const started = Date.now();
    const batch = 50;
    for (let opened = jobs; opened < streams; opened += batch) {
      const count = Math.min(batch, streams - opened);
      sockets.push(...(await Promise.all(Array.from({ length: count }, (_, index) => openStream(base, `/jobs/${ids[(opened + index) % jobs]}/events`, token)))));
    }
    const openMs = Date.now() - started;
    await sleep(1000);
    const open = await proxy.memory();
    const added = streams - jobs;
    for (const socket of sockets) socket.destroy();
    await sleep(1500);
    const after = await proxy.memory();
    const heap = open.memory.heapUsed - before.memory.heapUsed;
    const rss = open.memory.rss - before.memory.rss;
    return {
      streams,
      jobs,
      openMs,
      heapDeltaBytes: heap,
      rssDeltaBytes: rss,
      externalDeltaBytes: open.memory.external + open.memory.arrayBuffers - before.memory.external - before.memory.arrayBuffers,
      perStreamHeapBytes: Math.round(heap / added),
      perStreamRssBytes: Math.round(rss / added),
      perStreamBytes: Math.round(Math.max(heap, rss) / added),
      afterCloseHeapDeltaBytes: after.memory.heapUsed - before.memory.heapUsed,
      socketsBefore: before.resources.TCPSocketWrap ?? 0,
      socketsOpen: open.resources.TCPSocketWrap ?? 0,
      socketsAfterClose: after.resources.TCPSocketWrap ?? 0,
    };
  } finally {
    for (const socket of sockets) socket.destroy();
    await proxy.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function createLoad(jobs: number, connections: number): Promise<ProxyResults['create']> {
  const dataDir = await mkdtemp(join(tmpdir(), 'fitting-room-bench-'));
  // Sandbox jobs that outlast the run: the figure is the create path (validate, re-encode,
  // fetch and clean the garment, store), not the sandbox's own compositing afterwards.
  const proxy = await startChild('proxy', baseEnv(dataDir, 600_000));
  try {
    const token = await session(proxy.url);
    const warm = 8;
    const bodies = await Promise.all(Array.from({ length: jobs + warm }, async (_, index) => multipart(await photo(1000 + index), proxy.garmentUrl!)));
    const photoBytes = Math.round(bodies.reduce((total, body) => total + body.body.length, 0) / bodies.length);
    let next = 0;
    const request = (): autocannon.Request => ({
      method: 'POST',
      path: '/jobs',
      setupRequest: (req: autocannon.Request) => {
        const body = bodies[next++ % bodies.length]!;
        return { ...req, body: body.body, headers: { ...req.headers, 'content-type': body.type, 'idempotency-key': `bench-${next}` } };
      },
    });
    const headers = { origin: ORIGIN, authorization: `Bearer ${token}` };
    await run({ url: proxy.url, connections: 2, amount: warm, headers, requests: [request()] });
    const result = await run({ url: proxy.url, connections, amount: jobs, headers, requests: [request()], timeout: 30 });
    return { ...figures(result), connections, photoBytes, jobs };
  } finally {
    await proxy.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * The analytics collector under load: text/plain batches as sendBeacon sends them, from an
 * allowed origin, alternating a product page's (exposure, impression, add-to-cart; no token)
 * and a try-on's (open … result, with the session token). Counters in memory, limits off.
 */
export async function collectorLoad(durationS: number, connections: number): Promise<ProxyResults['collector']> {
  const dataDir = await mkdtemp(join(tmpdir(), 'fitting-room-bench-'));
  const proxy = await startChild('proxy', { ...baseEnv(dataDir, 200), FITTING_ROOM_EVENTS_PER_IP: '0' });
  try {
    const token = await session(proxy.url);
    const eventsPerBatch = 10;
    const product = (i: number) => ({ arm: 'treatment', experiment: 'bench-h10', productId: `gid://shopify/Product/${1000 + (i % 50)}` });
    const page = Array.from({ length: eventsPerBatch }, (_, i) => ({
      name: ['exposure', 'impression', 'add_to_cart'][i % 3],
      ...product(i),
      ...(i % 3 === 2 && { value: 25, currency: 'EUR' }),
    }));
    const tryOn = Array.from({ length: eventsPerBatch }, (_, i) => ({
      name: ['open', 'consent', 'photo', 'submit', 'result'][i % 5],
      ...product(i),
      ...(i % 5 === 4 && { latencyMs: 3000 + i }),
    }));
    const request = (events: unknown[], withToken: boolean): autocannon.Request => ({
      method: 'POST',
      path: '/events',
      body: JSON.stringify({ v: 1, ...(withToken && { token }), events }),
    });
    const options = {
      url: proxy.url,
      connections,
      headers: { origin: ORIGIN, 'content-type': 'text/plain;charset=UTF-8' },
      requests: [request(page, false), request(tryOn, true)],
    };
    await run({ ...options, duration: 2 });
    const result = figures(await run({ ...options, duration: durationS }));
    if (result.non2xx) throw new Error(`POST /events: ${result.non2xx} answers were not 204`);
    return { ...result, connections, durationS, eventsPerBatch, eventsPerSecond: result.requestsPerSecond * eventsPerBatch };
  } finally {
    await proxy.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export async function measureProxy({ durationS = 6, rounds = 2, connections = 16, streams = 1000, createJobs = 200 } = {}): Promise<ProxyResults> {
  const status = await statusLoad(durationS, rounds, connections);
  note(`proxy: ${streams} SSE streams…`);
  const sse = await sseMemory(streams, 10);
  note(`proxy: POST /jobs × ${createJobs}…`);
  const create = await createLoad(createJobs, 8);
  note('proxy: POST /events…');
  const collector = await collectorLoad(durationS, connections);
  return { status, sse, create, collector };
}
