import { createProxy, type Proxy as ProxyApp } from './app.js';
import { ConfigError, readConfig, secretsOf, type Env } from './config.js';
import { ApiError } from './errors.js';
import { cleanImagePortable } from './images-portable.js';
import { createLogger, type Logger } from './log.js';
import { createEdgeProvider } from './providers/edge.js';
import { createAll } from './providers/registry.js';
import type { ProviderAdapter } from './providers/types.js';
import { MemoryState } from './state/memory.js';
import type { SharedState } from './state/types.js';
import { MemoryStore, type BlobStore } from './store.js';
import { S3Store } from './store-s3.js';

/**
 * The proxy on runtimes without Node built-ins or sharp — Cloudflare Workers, Deno, Bun — as
 * one `fetch(request, platform?, ctx?)`. Nothing imported from here reaches `node:*` or
 * sharp (test/server/edge.test.ts checks the built bundle):
 *
 * - images: `cleanImagePortable` (plain TypeScript: checks headers, strips metadata losslessly);
 * - photos and results: S3Store when `S3_BUCKET` is set (aws4fetch over fetch), else in memory;
 * - shared state: in memory, per process or isolate. RedisState speaks TCP through node-redis,
 *   which Workers do not offer; several instances need the Node proxy (server/README.md, "Deploy");
 * - providers: the documented ones (plain fetch). The sandbox needs sharp: a clear ConfigError;
 * - garment URLs: the host allow-list and size cut-off of garment-source.ts, with the
 *   runtime's own fetch (the Node entry's DNS-pinning address guard needs node:dns).
 */

/** The part of a Workers `ExecutionContext` the proxy uses: keeps the isolate alive for background work. */
export interface WaitUntil {
  waitUntil(promise: Promise<unknown>): void;
}

export interface EdgeProxyOptions {
  /** The client's address as the runtime knows it, from the second `fetch` argument (deno.ts, bun.ts) or the request. */
  peerAddress?: (request: Request, platform: unknown) => string | undefined;
  /** Also sweep on a timer (long-running processes: Deno, Bun). Workers sweep per request and on a Cron Trigger instead. */
  sweepTimer?: boolean;
  log?: Logger;
  provider?: ProviderAdapter;
  store?: BlobStore;
  state?: SharedState;
  /** For garment URLs and provider calls; the global fetch by default. */
  fetch?: typeof fetch;
}

export interface EdgeProxy {
  fetch(request: Request, platform?: unknown, ctx?: WaitUntil): Promise<Response>;
  /** Retention: deletes what has expired (a Workers Cron Trigger calls it through `scheduled`). */
  sweep(): Promise<void>;
  proxy: ProxyApp;
  close(): Promise<void>;
}

/** How often a request may start a retention sweep in passing (it runs after the response). */
const SWEEP_EVERY_MS = 30_000;

export function createEdgeProxy(env: Env, options: EdgeProxyOptions = {}): EdgeProxy {
  const config = readConfig(env, { dev: env.NODE_ENV === 'development' });
  const log = options.log ?? createLogger({ secrets: secretsOf(config) });
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  const providers = options.provider
    ? [options.provider]
    : createAll(config.routing.providers, (name) => createEdgeProvider(name, config.env, { log: log.child({ provider: name }), fetch: fetchImpl }));
  const provider = providers[0]!;
  const store = options.store ?? (config.s3 ? new S3Store(config.s3) : new MemoryStore());
  const state = options.state ?? new MemoryState();
  // The peer is worked out per request by the entry and handed to the app by the Request
  // object itself, whatever the app does with the runtime's second `fetch` argument.
  const peers = new WeakMap<Request, string>();
  const proxy = createProxy(config, { provider, providers, store, log, cleanImage: cleanImagePortable, state, fetch: fetchImpl, peerAddress: (request) => peers.get(request) });

  let lastSweep = 0;
  const sweep = () => proxy.sweep().catch((error) => log.error('retention.sweep_failed', { error }));
  const timer = options.sweepTimer ? setInterval(() => void sweep(), Math.min(60_000, Math.max(1_000, (config.retentionSeconds * 1000) / 4))) : undefined;
  (timer as { unref?: () => void } | undefined)?.unref?.();

  return {
    proxy,
    async fetch(request, platform, ctx) {
      const peer = options.peerAddress?.(request, platform);
      if (peer) peers.set(request, peer);
      const response = await proxy.fetch(request);
      const now = Date.now();
      if (now - lastSweep >= SWEEP_EVERY_MS) {
        lastSweep = now;
        const sweeping = sweep();
        ctx?.waitUntil(sweeping);
      }
      // Workers stop the work a request started once its response is done unless told to
      // wait: keep the provider watchers (POST /jobs starts one) running. Without
      // this a Worker's jobs never finish (a check under workerd showed it). See server/README.md, "Cloudflare Workers".
      ctx?.waitUntil(proxy.jobs.settled());
      return response;
    },
    sweep: async () => void (await sweep()),
    async close() {
      clearInterval(timer);
      await proxy.close();
      if (!options.state) await state.close();
    },
  };
}

/** The Workers module shape: `fetch` and a Cron Trigger's `scheduled`, each given the bindings. */
export interface WorkerEntry {
  fetch(request: Request, env: Env, ctx: WaitUntil): Promise<Response>;
  scheduled(event: unknown, env: Env, ctx: WaitUntil): Promise<void>;
}

/**
 * Cloudflare Workers hand the variables and secrets (`env`) to each call, not to the module,
 * so the proxy is made on the first call and kept for the isolate's life. A configuration
 * error is logged (Workers Logs) and answered as a generic 500: its text is for the operator.
 */
export function createWorkerEntry(options: Omit<EdgeProxyOptions, 'peerAddress' | 'sweepTimer'> = {}): WorkerEntry {
  let edge: EdgeProxy | undefined;
  const proxyFor = (env: Env) =>
    (edge ??= createEdgeProxy(env, {
      ...options,
      // Cloudflare sets CF-Connecting-IP on every request to a Worker; a client cannot supply its own.
      peerAddress: (request) => request.headers.get('cf-connecting-ip') ?? undefined,
    }));
  return {
    async fetch(request, env, ctx) {
      try {
        return await proxyFor(env).fetch(request, env, ctx);
      } catch (error) {
        return notConfigured(error);
      }
    },
    async scheduled(_event, env, ctx) {
      try {
        ctx.waitUntil(proxyFor(env).sweep());
      } catch (error) {
        notConfigured(error);
      }
    },
  };
}

/**
 * For runtimes that start once and then serve (deno.ts, bun.ts): the proxy or, when the
 * configuration is wrong, one log line at start and the generic 500 for every request —
 * never a stack trace in place of the variable to set.
 */
export function createEdgeServer(env: Env, options: EdgeProxyOptions = {}): Pick<EdgeProxy, 'fetch'> {
  try {
    return createEdgeProxy(env, options);
  } catch (error) {
    const answer = notConfigured(error);
    return { fetch: async () => answer.clone() };
  }
}

/** Logs a configuration error in one line and answers the shopper generically; anything else is rethrown. */
function notConfigured(error: unknown): Response {
  if (!(error instanceof ConfigError)) throw error;
  console.error(
    error.message
      .split('\n')
      .map((line) => `fitting-room-proxy: ${line}`)
      .join('\n'),
  );
  return new ApiError('INTERNAL', 'The try-on proxy is not configured; its log says what is missing.').toResponse();
}
