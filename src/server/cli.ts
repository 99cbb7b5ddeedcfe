#!/usr/bin/env node
import { ConfigError, readConfig } from './config.js';
import { createNodeProxy } from './node.js';
import { serveWithEnvelopes } from './node-errors.js';

/** `fitting-room-proxy`: the proxy alone on Node, configured by environment variables (README). */
async function main() {
  let config;
  try {
    config = readConfig(process.env, { dev: process.env.NODE_ENV === 'development' });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`fitting-room-proxy: ${error.message}`);
    process.exit(2);
  }
  const proxy = await createNodeProxy(config);
  const port = Number(process.env.PORT || 8787);
  const server = serveWithEnvelopes({ fetch: proxy.app.fetch, port, hostname: process.env.HOST }, (info) => {
    console.log(JSON.stringify({ time: new Date().toISOString(), level: 'info', event: 'listening', port: info.port, provider: config.provider, basePath: config.basePath || '/' }));
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
