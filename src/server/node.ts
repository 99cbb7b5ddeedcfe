import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { readChartLibrary } from './admin/chart-library.js';
import { createProxy, type Proxy as ProxyApp } from './app.js';
import { secretsOf, type ProxyConfig } from './config.js';
import { createGuardedFetch } from './guarded-fetch.js';
import { cleanImage } from './images.js';
import { createLogger, type Logger } from './log.js';
import { createProvider } from './providers/index.js';
import { createAll } from './providers/registry.js';
import type { ProviderAdapter } from './providers/types.js';
import type { SharedState } from './state/types.js';
import { MemoryState } from './state/memory.js';
import type { BlobStore } from './store.js';
import { FileStore } from './store-file.js';
import { S3Store } from './store-s3.js';

export interface NodeProxy {
  /** The Hono app's handler; `app.fetch(request)`. */
  app: Pick<ProxyApp, 'fetch'>;
  proxy: ProxyApp;
  close(): Promise<void>;
}

export interface NodeProxyOverrides {
  log?: Logger;
  provider?: ProviderAdapter;
  /** Every provider (the first is `provider`); by default built from `config.routing.providers`. */
  providers?: ProviderAdapter[];
  store?: BlobStore;
  state?: SharedState;
  fetch?: typeof fetch;
}

/**
 * The proxy as Node runs it: photos on the filesystem (or in S3 when `S3_BUCKET` is set), the provider from
 * `FITTING_ROOM_PROVIDER`, and a retention sweeper on a timer that never keeps the
 * process alive by itself.
 */
export async function createNodeProxy(config: ProxyConfig, overrides: NodeProxyOverrides = {}): Promise<NodeProxy> {
  const log = overrides.log ?? createLogger({ secrets: secretsOf(config) });
  const fetchImpl = overrides.fetch ?? fetch;
  // Browser-supplied URLs (garments) go through the address guard; provider calls use plain fetch.
  const garmentFetch = overrides.fetch ?? createGuardedFetch({ allowPrivate: config.dev });
  const providers =
    overrides.providers ??
    (overrides.provider
      ? [overrides.provider]
      : createAll(config.routing.providers, (name) => createProvider(name, config.env, { log: log.child({ provider: name }), fetch: fetchImpl })));
  const provider = providers[0]!;
  const store = overrides.store ?? (config.s3 ? new S3Store(config.s3) : new FileStore(config.dataDir));
  const c2pa = config.marking.c2pa;
  const state = overrides.state ?? (config.redisUrl ? await connectRedis(config.redisUrl, log) : new MemoryState());
  const proxy = createProxy(config, {
    provider,
    providers,
    store,
    log,
    cleanImage,
    state,
    fetch: garmentFetch,
    readFile: async (path) => new Uint8Array(await readFile(path)),
    // The C2PA library loads only when a certificate is configured.
    markingTools: { draws: true, sign: c2pa && (await import('./marking/c2pa.js')).createC2paSigner(c2pa.certificate, c2pa.privateKey) },
    // @hono/node-server passes the Node request as env.incoming; its socket knows the peer.
    peerAddress: (_request, env) => (env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket.remoteAddress,
    // Event streams go straight to env.outgoing. The marker is made when this module loads, before
    // @hono/node-server replaces the global Response with its own (which would not be recognised).
    directResponses: { of: (env) => (env as { outgoing?: ServerResponse } | undefined)?.outgoing, sent: RESPONSE_ALREADY_SENT },
    chartLibrary: config.adminToken ? readChartLibrary() : undefined,
  });

  await proxy.sweep();
  const sweepEveryMs = Math.min(60_000, Math.max(1_000, (config.retentionSeconds * 1000) / 4));
  const sweeper = setInterval(() => void proxy.sweep().catch((error) => log.error('retention.sweep_failed', { error })), sweepEveryMs);
  sweeper.unref();

  return {
    app: { fetch: proxy.fetch },
    proxy,
    async close() {
      clearInterval(sweeper);
      await proxy.close();
      if (!overrides.state) await state.close();
    },
  };
}

async function connectRedis(url: string, log: Logger): Promise<SharedState> {
  const { RedisState } = await import('./state/redis.js');
  return RedisState.connect(url, log);
}
