/**
 * The failover soak: shoppers try on through one proxy in front of three provider emulators
 * (route `*:tryonapi+studio+aurax`) while providers go down at random — outages, bursts of
 * 500s, empty credit balances, long rate limits, failed jobs. Checks the two promises of
 * failover: no job is lost (every job the proxy accepted reaches a terminal state its shopper
 * sees), and none is billed twice (no run has more than one upstream job that succeeded,
 * counted from the emulators' own records of the jobs they ran).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import sharp from 'sharp';
import type { JobCreated, JobView } from '../../src/contract.js';
import { readConfig } from '../../src/server/config.js';
import { createLogger } from '../../src/server/log.js';
import { createNodeProxy } from '../../src/server/node.js';
import { DOCUMENTED_PROVIDERS } from '../../src/server/providers/registry.js';
import type { TimingOverrides } from '../../src/server/providers/upstream/timing.js';
import { type EmulatorServer, startEmulator } from '../emulators/harness.js';
import { freePort } from '../server/redis-server.js';
import { seededRandom } from '../../demo/seeded-random.js';

const ORIGIN = 'https://shop.example';
const PROVIDERS = ['tryonapi', 'studio', 'aurax'] as const;
type Name = (typeof PROVIDERS)[number];

/** Short adapter timing: a fault costs a second, not a minute. */
const TIMING: TimingOverrides = {
  requestTimeoutMs: 3_000,
  transferTimeoutMs: 5_000,
  pollMs: 50,
  pollMaxMs: 200,
  watchTimeoutMs: 20_000,
  streamIdleMs: 2_000,
  retries: 1,
  backoffMs: 50,
  backoffMaxMs: 200,
  maxRetryAfterMs: 500,
  maxPollFailures: 3,
};

export interface FailoverSoakOptions {
  /** Shoppers, started evenly over `rampMs`. */
  jobs: number;
  rampMs: number;
  /** How long an emulated job takes. */
  jobMs: number;
  /** A fault starts this often, on a random provider. */
  faultEveryMs: number;
  /** A shopper gives up following after this long: that job counts as lost. */
  followTimeoutMs: number;
  seed: number;
}

export interface FailoverSoakReport {
  jobs: number;
  created: number;
  notCreated: Record<string, number>;
  byStatus: Record<string, number>;
  lost: number;
  failovers: Record<string, number>;
  /** Runs with more than one succeeded upstream job (billed twice or more). */
  doubleSuccesses: number;
  /** Upstream jobs started, and how many of them succeeded, per provider. */
  upstream: Record<string, { started: number; succeeded: number }>;
  /** Submitted upstream ids the emulators do not know (0, or the billing check is blind). */
  unmatched: number;
  faults: Record<string, number>;
  seconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const count = (record: Record<string, number>, key: string) => {
  record[key] = (record[key] ?? 0) + 1;
};

async function photo(seed: number): Promise<Blob> {
  const shade = (n: number) => 40 + ((seed * n) % 180);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="320"><rect width="240" height="320" fill="rgb(${shade(37)},${shade(53)},${shade(71)})"/><rect x="60" y="${80 + (seed % 40)}" width="120" height="160" fill="#345"/></svg>`;
  return new Blob([new Uint8Array(await sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer())], { type: 'image/jpeg' });
}

/** Random provider trouble, each kind undone after a while, so the run sees every state of a breaker. */
function injectFault(emulator: EmulatorServer, random: () => number, faults: Record<string, number>) {
  const kind = Math.floor(random() * 5);
  if (kind === 0) {
    emulator.behave({ outage: true });
    setTimeout(() => emulator.behave({ outage: false }), 300 + random() * 1_200).unref();
  } else if (kind === 1) emulator.behave({ serverErrors: 2 });
  else if (kind === 2) {
    emulator.behave({ outOfCredits: true });
    setTimeout(() => emulator.behave({ outOfCredits: false }), 1_000).unref();
  } else if (kind === 3) emulator.behave({ rateLimit: 3, retryAfterS: 30 });
  else emulator.behave({ failNextJob: true });
  count(faults, `${emulator.name}: ${['outage', 'server-errors', 'out-of-credits', 'rate-limit', 'failed-job'][kind]}`);
}

export async function runFailoverSoak(options: FailoverSoakOptions): Promise<FailoverSoakReport> {
  const started = Date.now();
  const random = seededRandom(options.seed);
  const emulators = new Map<Name, EmulatorServer>();
  for (const name of PROVIDERS) emulators.set(name, (await startEmulator(name, { jobMs: options.jobMs })).emulator as EmulatorServer);
  const garment = await sharp(
    Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300"><rect width="300" height="300" fill="#fff"/><rect x="80" y="60" width="140" height="200" fill="#1f2a44"/></svg>',
    ),
  )
    .png()
    .toBuffer();
  const garmentHost: Server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'image/png' }).end(garment));
  await new Promise<void>((resolve) => garmentHost.listen(0, '127.0.0.1', resolve));
  const garmentUrl = `http://127.0.0.1:${(garmentHost.address() as AddressInfo).port}/tee.png`;
  const dataDir = await mkdtemp(join(tmpdir(), 'fitting-room-failover-soak-'));

  const lines: string[] = [];
  const log = createLogger({ level: 'info', write: (line) => lines.push(line) });
  const port = await freePort();
  const env = Object.assign(
    {
      FITTING_ROOM_SECRET: 'failover-soak-secret-that-is-long-enough-0123',
      FITTING_ROOM_ALLOWED_ORIGINS: ORIGIN,
      FITTING_ROOM_GARMENT_HOSTS: new URL(garmentUrl).host,
      FITTING_ROOM_PUBLIC_URL: `http://127.0.0.1:${port}`,
      FITTING_ROOM_DATA_DIR: dataDir,
      FITTING_ROOM_PROVIDERS: PROVIDERS.join(','),
      FITTING_ROOM_BREAKER_FAILURES: '3',
      FITTING_ROOM_BREAKER_COOLDOWN_S: '1',
      FITTING_ROOM_CREDITS_PAUSE_S: '1',
      FITTING_ROOM_JOBS_PER_SESSION: '0',
      FITTING_ROOM_JOBS_PER_IP: '0',
      FITTING_ROOM_JOBS_PER_ORIGIN: '0',
      FITTING_ROOM_SESSIONS_PER_IP: '0',
    },
    ...[...emulators.values()].map((emulator) => emulator.env()),
  );
  const config = readConfig(env, { dev: true });
  const providers = PROVIDERS.map((name) =>
    DOCUMENTED_PROVIDERS.find((definition) => definition.name === name)!.fromEnv(config.env, { log: log.child({ provider: name }), fetch, timing: TIMING }),
  );
  const node = await createNodeProxy(config, { log, providers });
  const server = serve({ fetch: node.app.fetch, port, hostname: '127.0.0.1' });
  const base = `http://127.0.0.1:${port}`;

  const notCreated: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  const faults: Record<string, number> = {};
  let created = 0;
  let lost = 0;
  let shopping = true;
  const injector = (async () => {
    while (shopping) {
      injectFault([...emulators.values()][Math.floor(random() * PROVIDERS.length)]!, random, faults);
      await sleep(options.faultEveryMs);
    }
  })();

  const shopper = async (index: number) => {
    await sleep((options.rampMs * index) / Math.max(1, options.jobs));
    const { token } = (await (await fetch(`${base}/session`, { method: 'POST', headers: { origin: ORIGIN } })).json()) as { token: string };
    const headers = { origin: ORIGIN, authorization: `Bearer ${token}` };
    const form = new FormData();
    form.append('person', await photo(options.seed * 1000 + index), 'photo.jpg');
    form.append('garment', garmentUrl);
    form.append('category', 'top');
    const response = await fetch(`${base}/jobs`, { method: 'POST', headers, body: form });
    if (response.status !== 202) return count(notCreated, ((await response.json()) as { error?: { code?: string } }).error?.code ?? String(response.status));
    created++;
    const { id } = (await response.json()) as JobCreated;
    const deadline = Date.now() + options.followTimeoutMs;
    for (;;) {
      const view = (await (await fetch(`${base}/jobs/${id}`, { headers })).json()) as JobView;
      if (['succeeded', 'failed', 'canceled'].includes(view.status)) return count(byStatus, view.status === 'failed' ? `failed ${view.error?.code}` : view.status);
      if (Date.now() > deadline) return void lost++;
      await sleep(100);
    }
  };
  await Promise.all(Array.from({ length: options.jobs }, (_, index) => shopper(index)));
  shopping = false;
  await injector;

  // Let every upstream job the emulators accepted run to its end before reading their records.
  await sleep(options.jobMs + 200);
  const submitted = lines
    .map((line) => JSON.parse(line) as { event: string; run?: string; provider?: Name; upstreamId?: string; from?: string; to?: string; reason?: string })
    .filter((record) => record.event === 'run.submitted' || record.event === 'run.failover');
  const upstream: FailoverSoakReport['upstream'] = Object.fromEntries(PROVIDERS.map((name) => [name, { started: emulators.get(name)!.jobs.size, succeeded: 0 }]));
  const successesPerRun: Record<string, number> = {};
  const failovers: Record<string, number> = {};
  let unmatched = 0;
  for (const record of submitted) {
    if (record.event === 'run.failover') {
      count(failovers, `${record.from}→${record.to} ${record.reason}`);
      continue;
    }
    const job = emulators.get(record.provider!)!.jobs.get(record.upstreamId!);
    if (!job) {
      unmatched++;
      continue;
    }
    if (job.fail === undefined && job.completeAt <= Date.now()) {
      upstream[record.provider!]!.succeeded++;
      count(successesPerRun, record.run!);
    }
  }

  server.close();
  await node.close();
  await Promise.all([...emulators.values()].map((emulator) => emulator.close()));
  garmentHost.close();
  await rm(dataDir, { recursive: true, force: true });
  return {
    jobs: options.jobs,
    created,
    notCreated,
    byStatus,
    lost,
    failovers,
    doubleSuccesses: Object.values(successesPerRun).filter((successes) => successes > 1).length,
    upstream,
    unmatched,
    faults,
    seconds: (Date.now() - started) / 1000,
  };
}
