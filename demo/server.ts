/**
 * The demo store's server: the product page, its images, the built widget, and the
 * Fitting Room proxy (sandbox provider) under /fitting-room, all on one origin.
 *
 *   npm run demo                    builds the widget, then serves http://localhost:5173
 *   npm run demo -- --simulate      the same, plus simulated shoppers for the dashboard (/fitting-room/admin)
 *   PORT=8080 tsx demo/server.ts    another port (the widget must be built: npm run build)
 *
 * Tests call `startDemo({ port: 0 })` and get a random free port.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ServerType } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type Context } from 'hono';
import type { ErrorEnvelope } from '../src/contract.js';
import { readConfig } from '../src/server/config.js';
import { createNodeProxy } from '../src/server/node.js';
import { serveWithEnvelopes } from '../src/server/node-errors.js';
import { parseArgs } from 'node:util';
import { EMULATED_PROVIDERS, startEmulator, type EmulatedProvider, type Emulator } from '../test/emulators/harness.js';
import { ensureDemoAssets } from './assets.js';
import { LOOK_PRODUCTS, renderLookProduct } from './look-products.js';
import { simulateShoppers } from './simulate.js';

export interface DemoOptions {
  /** 0 picks a free port. Default 5173. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1: the demo is for this machine only. */
  host?: string;
  /** Environment for the proxy (FITTING_ROOM_*). Default `process.env`. */
  env?: Record<string, string | undefined>;
  /**
   * Run against a local emulator of a documented provider (`--provider studio`) instead of
   * the sandbox: the same browser flow, through that provider's adapter.
   */
  provider?: EmulatedProvider;
  /** How long an emulated job takes (default 4 s). */
  jobMs?: number;
}

export interface Demo {
  /** `http://localhost:<port>`. */
  url: string;
  /** The merchant's dashboard, and the token that opens it (`FITTING_ROOM_ADMIN_TOKEN`, or one made for this run). */
  adminUrl: string;
  adminToken: string;
  /** Sends simulated shoppers through the collector and writes earlier days' counters (demo/simulate.ts). */
  simulate(): ReturnType<typeof simulateShoppers>;
  /** `sandbox`, or the emulated provider. */
  provider: string;
  /** The emulated provider, to make it misbehave (tests). */
  emulator?: Emulator;
  close(): Promise<void>;
}

type RunningProxy = Awaited<ReturnType<typeof createNodeProxy>>;

const DEMO_DIR = fileURLToPath(new URL('.', import.meta.url));
const WIDGET_DIR = fileURLToPath(new URL('../dist/widget/', import.meta.url));
const PROXY_PATH = '/fitting-room';

/**
 * A strict policy, as a careful shop sets it, to show the widget needs no exceptions: it
 * uses constructed stylesheets, blob: images and same-origin fetches. The store's own
 * pages keep to it too (no inline scripts or styles).
 */
const CSP = "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; connect-src 'self'";

function createStoreApp(imagesDir: string, proxy: () => RunningProxy | undefined): Hono {
  const app = new Hono();

  // The proxy is created once the port is known (its allowed origin depends on it).
  const toProxy = (request: Request) => {
    const ready = proxy();
    if (ready) return ready.app.fetch(request);
    const body: ErrorEnvelope = { error: { code: 'PROVIDER_UNAVAILABLE', message: 'The try-on service is starting.', retryable: true } };
    return Response.json(body, { status: 503, headers: { 'retry-after': '1' } });
  };
  app.all(PROXY_PATH, (c) => toProxy(c.req.raw));
  app.all(`${PROXY_PATH}/*`, (c) => toProxy(c.req.raw));

  const page =
    (file: string, fill: (html: string) => string = (html) => html) =>
    async () => {
      const html = fill(await readFile(`${DEMO_DIR}${file}`, 'utf8'));
      return new Response(html, {
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': CSP,
          'referrer-policy': 'strict-origin-when-cross-origin',
          'x-content-type-options': 'nosniff',
          'cache-control': 'no-cache',
        },
      });
    };
  app.get('/', page('index.html'));
  app.get('/privacy', page('privacy.html'));
  // The other products of a look, each on its own page.
  for (const [handle, product] of Object.entries(LOOK_PRODUCTS))
    app.get(
      `/products/${handle}`,
      page('look-product.html', (html) => renderLookProduct(html, product)),
    );

  const cached = (cacheControl: string) => ({
    onFound: (_path: string, c: Context) => {
      c.header('cache-control', cacheControl);
      c.header('x-content-type-options', 'nosniff');
    },
  });
  // no-cache (revalidate) for what changes while the demo is worked on; the loader's
  // file name has no content hash.
  app.get('/store.css', serveStatic({ path: `${DEMO_DIR}store.css`, ...cached('no-cache') }));
  app.get('/store.js', serveStatic({ path: `${DEMO_DIR}store.js`, ...cached('no-cache') }));
  app.get('/look-product.js', serveStatic({ path: `${DEMO_DIR}look-product.js`, ...cached('no-cache') }));
  app.get('/widget/*', serveStatic({ root: WIDGET_DIR, rewriteRequestPath: stripPrefix('/widget'), ...cached('no-cache') }));
  app.get('/images/*', serveStatic({ root: imagesDir, rewriteRequestPath: stripPrefix('/images'), ...cached('public, max-age=3600') }));

  app.notFound((c) => c.text('Not found', 404));
  return app;
}

const stripPrefix = (prefix: string) => (path: string) => path.slice(prefix.length);

function listen(app: Hono, port: number, host: string): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serveWithEnvelopes({ fetch: app.fetch, port, hostname: host }, () => resolve(server));
    server.once('error', reject);
  });
}

/** Starts the demo store with the proxy on the sandbox provider. */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  if (!existsSync(`${WIDGET_DIR}fitting-room.js`)) {
    throw new Error('The widget is not built: dist/widget/fitting-room.js is missing. Run `npm run build` first (or `npm run demo`, which builds it).');
  }
  const imagesDir = await ensureDemoAssets();

  // Emulated jobs take a few seconds, like the real services, so the progress is visible.
  const emulated = options.provider ? await startEmulator(options.provider, { jobMs: options.jobMs ?? 4000 }) : undefined;
  let proxy: RunningProxy | undefined;
  const env = options.env ?? process.env;
  const adminToken = env.FITTING_ROOM_ADMIN_TOKEN || Array.from(crypto.getRandomValues(new Uint8Array(24)), (byte) => byte.toString(16).padStart(2, '0')).join('');
  const server = await listen(
    createStoreApp(imagesDir, () => proxy),
    options.port ?? 5173,
    options.host ?? '127.0.0.1',
  );
  const { port } = server.address() as AddressInfo;

  try {
    proxy = await createNodeProxy(
      readConfig(
        {
          ...env,
          ...emulated?.env,
          FITTING_ROOM_ADMIN_TOKEN: adminToken,
          FITTING_ROOM_BASE_PATH: PROXY_PATH,
          // The page may be opened as localhost or 127.0.0.1; both are the shop.
          FITTING_ROOM_ALLOWED_ORIGINS: `http://localhost:${port},http://127.0.0.1:${port}`,
          FITTING_ROOM_GARMENT_HOSTS: `localhost:${port},127.0.0.1:${port}`,
          FITTING_ROOM_PUBLIC_URL: `http://localhost:${port}${PROXY_PATH}`,
          // The generated model gallery (look-assets.ts), unless the environment names another.
          FITTING_ROOM_MODELS: env.FITTING_ROOM_MODELS || imagesDir,
        },
        // Development mode: plain-http garment URLs, and a generated secret if none is set.
        { dev: true },
      ),
    );
  } catch (error) {
    server.close();
    await emulated?.emulator.close();
    throw error;
  }

  const url = `http://localhost:${port}`;
  const running = proxy;
  return {
    url,
    adminUrl: `${url}${PROXY_PATH}/admin`,
    adminToken,
    simulate: () => simulateShoppers({ origin: url, proxyUrl: `${url}${PROXY_PATH}`, analytics: running.proxy.analytics, provider: options.provider ?? 'sandbox', imagesDir }),
    provider: options.provider ?? 'sandbox',
    emulator: emulated?.emulator,
    async close() {
      await proxy?.close();
      await emulated?.emulator.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Open SSE streams and keep-alive sockets would hold close() up; end them.
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.PORT || 5173);
  const { values } = parseArgs({ options: { provider: { type: 'string' }, simulate: { type: 'boolean' } } });
  const provider = values.provider as EmulatedProvider | undefined;
  if (provider && !EMULATED_PROVIDERS.includes(provider)) {
    console.error(`--provider must be one of: ${EMULATED_PROVIDERS.join(', ')} (or leave it out for the sandbox).`);
    process.exit(2);
  }
  let demo: Demo;
  try {
    demo = await startDemo({ port, provider });
  } catch (error) {
    const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
    console.error(inUse ? `Port ${port} is in use; try PORT=8080 npm run demo` : (error as Error).message);
    process.exit(1);
  }
  const providerNote = provider ? `${provider} provider, emulated locally` : 'sandbox provider';
  console.log(`Fitting Room demo: ${demo.url}  (${providerNote}; press Ctrl+C to stop)`);
  console.log(`Dashboard: ${demo.adminUrl}  (admin token: ${demo.adminToken})`);
  if (values.simulate) {
    const done = await demo.simulate();
    console.log(`Simulated ${done.today} shoppers today through the collector, ${done.history} on earlier days, and ${done.tryOns} sandbox try-ons.`);
  }
  const stop = () => void demo.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
