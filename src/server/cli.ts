#!/usr/bin/env node
import { ConfigError, readConfig, type ProxyConfig } from './config.js';
import { serveWithEnvelopes } from './node-errors.js';
import { createNodeProxy, type NodeProxy } from './node.js';

/** `fitting-room-proxy`: the proxy alone on Node, configured by environment variables (server/README.md). */
async function main() {
  let config: ProxyConfig;
  let proxy: NodeProxy;
  try {
    config = readConfig(process.env, { dev: process.env.NODE_ENV === 'development' });
    // The provider reads its own settings here: a missing key is a configuration error too.
    proxy = await createNodeProxy(config);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // One line for the operator; a stack trace would only bury the variable to set.
    console.error(
      error.message
        .split('\n')
        .map((line) => `fitting-room-proxy: ${line}`)
        .join('\n'),
    );
    process.exit(1);
  }
  const port = Number(process.env.PORT || 8787);
  const server = serveWithEnvelopes({ fetch: proxy.app.fetch, port, hostname: process.env.HOST }, (info) => {
    console.log(
      JSON.stringify({ time: new Date().toISOString(), level: 'info', event: 'listening', port: info.port, provider: config.provider, basePath: config.basePath || '/' }),
    );
  });
  const stop = async () => {
    // Hand running jobs on first: their leases are released so another instance continues them.
    await proxy.close();
    server.close(() => process.exit(0));
    // SSE streams hold connections open; don't wait on them forever.
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

await main();
