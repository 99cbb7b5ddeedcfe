import { createProxy, type Proxy } from './app.js';
import type { ProxyConfig } from './config.js';
import { createLogger, type Logger } from './log.js';
import { createProvider } from './providers/index.js';
import type { ProviderAdapter } from './providers/types.js';
import { FileStore, type BlobStore } from './store.js';

export interface NodeProxy {
  /** The Hono app's handler; `app.fetch(request)`. */
  app: Pick<Proxy, 'fetch'>;
  proxy: Proxy;
  close(): Promise<void>;
}

export interface NodeProxyOverrides {
  log?: Logger;
  provider?: ProviderAdapter;
  store?: BlobStore;
  fetch?: typeof fetch;
}

/**
 * The proxy as Node runs it: photos on the filesystem, the provider from
 * `FITTING_ROOM_PROVIDER`, and a retention sweeper on a timer that never keeps the
 * process alive by itself.
 */
export async function createNodeProxy(config: ProxyConfig, overrides: NodeProxyOverrides = {}): Promise<NodeProxy> {
  const log = overrides.log ?? createLogger({ secrets: secretsOf(config) });
  const fetchImpl = overrides.fetch ?? fetch;
  const provider = overrides.provider ?? createProvider(config.provider, config.env, { log: log.child({ provider: config.provider }), fetch: fetchImpl });
  const store = overrides.store ?? new FileStore(config.dataDir);
  const proxy = createProxy(config, { provider, store, log, fetch: fetchImpl });

  await proxy.sweep();
  const sweepEveryMs = Math.min(60_000, Math.max(1_000, (config.retentionSeconds * 1000) / 4));
  const sweeper = setInterval(() => void proxy.sweep().catch((error) => log.error('retention.sweep_failed', { error })), sweepEveryMs);
  sweeper.unref();

  return {
    app: { fetch: proxy.fetch },
    proxy,
    async close() {
      clearInterval(sweeper);
      proxy.close();
    },
  };
}

/** Every configured value that must never appear in a log line, whatever its name. */
function secretsOf(config: ProxyConfig): string[] {
  const secretNames = /(SECRET|TOKEN|API_KEY|KEY_ID|PASSWORD)$/;
  return [config.secret, ...Object.entries(config.env).flatMap(([name, value]) => (value && secretNames.test(name) ? [value] : []))];
}
