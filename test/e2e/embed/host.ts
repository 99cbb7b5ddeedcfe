/**
 * A shop for embedding tests: serves host pages the tests register (with the headers they
 * choose, e.g. a strict CSP), the built widget, garment images, and the real proxy on the
 * sandbox provider at /fitting-room, all on one origin, as a merchant would run it.
 *
 * `/apps/fitting-room/*` behaves like Shopify's App Proxy: it adds Shopify's parameters and
 * signature and forwards to the proxy, in front of which `shopifyAppProxy` refuses anything
 * unsigned; so the Shopify test goes through signature verification as on a real shop.
 */
import { mkdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import sharp from 'sharp';
import { readConfig } from '../../../src/server/config.js';
import { createLogger } from '../../../src/server/log.js';
import { createNodeProxy } from '../../../src/server/node.js';
import { shopifyAppProxy, signAppProxyParams } from '../../../src/server/shopify-app-proxy.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const APP_PROXY_SECRET = 'shpss_test_app_proxy_secret_0123456789';
export const SHOP_DOMAIN = 'fitting-room-test.myshopify.com';

export interface HostPage {
  html: string;
  headers?: Record<string, string>;
  type?: string;
}

export interface Host {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Serves `body` at `path` (a page, or a page's script or stylesheet). */
  page(path: string, page: HostPage | string): void;
  /** Answers POST requests to `path` (a platform's endpoint: a cart, an AJAX handler) with `handler`. */
  post(path: string, handler: (request: Request) => Response | Promise<Response>): void;
  /** Serves the garment image `name` (one of GARMENTS) at `path` too. */
  image(path: string, name: string): void;
  /** The text fields of every POST …/jobs the proxy received, in order (garment, category, productId, variantId). */
  jobs: Record<string, string>[];
  /** The proxy behind the emulated App Proxy, to call without a signature. */
  appProxyBackend: Hono;
  close(): Promise<void>;
}

/** A light garment on a near-white background, the kind of image the sandbox composites. */
async function garment(colour: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="700"><rect width="600" height="700" fill="#fbfbfb"/>
    <path d="M180 80 L260 60 Q300 110 340 60 L420 80 L540 200 L470 270 L430 230 L430 640 L170 640 L170 230 L130 270 L60 200 Z" fill="${colour}"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** A shopper photo: a figure on a plain background, portrait. */
export async function shopperPhoto(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="768" height="1024"><rect width="768" height="1024" fill="#e4ddd2"/>
    <circle cx="384" cy="170" r="70" fill="#8a5a3c"/><rect x="270" y="250" width="228" height="330" rx="30" fill="#dcdcdc"/>
    <rect x="290" y="580" width="188" height="400" fill="#34495e"/></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 88 }).toBuffer();
}

export const GARMENTS: Record<string, string> = {
  'tee-navy.png': '#1f2f5a',
  'tee-red.png': '#b3261e',
  'tee-green.png': '#2e7d32',
  'dress-ochre.png': '#c9962b',
};

/** `mounts`: URL prefix → directory served as static files (the integrations' copies of the widget). */
export async function startHost({ widgetDir = `${ROOT}dist/widget/`, mounts = {} }: { widgetDir?: string; mounts?: Record<string, string> } = {}): Promise<Host> {
  const pages = new Map<string, HostPage>();
  const images = new Map<string, Buffer>();
  const aliases = new Map<string, string>();
  const posts = new Map<string, (request: Request) => Response | Promise<Response>>();
  for (const [name, colour] of Object.entries(GARMENTS)) images.set(name, await garment(colour));

  let proxy: Awaited<ReturnType<typeof createNodeProxy>> | undefined;
  const jobs: Record<string, string>[] = [];
  const toProxy = async (request: Request) => {
    if (!proxy) return new Response('starting', { status: 503 });
    if (request.method === 'POST' && new URL(request.url).pathname.endsWith('/jobs')) {
      const form = await request.clone().formData();
      jobs.push(Object.fromEntries([...form].filter((entry): entry is [string, string] => typeof entry[1] === 'string')));
    }
    const response = await proxy.app.fetch(request);
    // The storefront half of issue 13 lands before the collector: until the proxy answers
    // POST /events itself, the shop accepts the beacons, as the collector will (remove then).
    if (response.status === 404 && request.method === 'POST' && new URL(request.url).pathname.endsWith('/events')) return new Response(null, { status: 204 });
    return response;
  };

  // What runs behind Shopify: the proxy, serving /session only to requests Shopify signed.
  const appProxyBackend = new Hono();
  appProxyBackend.use('/fitting-room/session', shopifyAppProxy({ secret: APP_PROXY_SECRET, shops: [SHOP_DOMAIN] }));
  appProxyBackend.all('*', (c) => toProxy(c.req.raw));

  const app = new Hono();
  app.all('/fitting-room/*', (c) => toProxy(c.req.raw));
  // Shopify's side of the App Proxy: the storefront path, forwarded with signed parameters.
  app.all('/apps/fitting-room/*', async (c) => {
    const incoming = new URL(c.req.url);
    const params = new URLSearchParams(incoming.search);
    params.append('shop', SHOP_DOMAIN);
    params.append('logged_in_customer_id', '');
    params.append('path_prefix', '/apps/fitting-room');
    params.append('timestamp', String(Math.floor(Date.now() / 1000)));
    params.append('signature', await signAppProxyParams(params, APP_PROXY_SECRET));
    const target = new URL(`${incoming.pathname.replace(/^\/apps\/fitting-room/, '/fitting-room')}?${params}`, incoming.origin);
    const raw = c.req.raw;
    const body = raw.method === 'GET' || raw.method === 'HEAD' ? undefined : await raw.arrayBuffer();
    return appProxyBackend.fetch(new Request(target, { method: raw.method, headers: raw.headers, body, signal: raw.signal }));
  });
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get('/widget/*', serveStatic({ root: widgetDir, rewriteRequestPath: (path) => path.slice('/widget'.length) }));
  // Served like a CDN: with CORS, so the widget works loaded from another origin (Shopify's asset CDN).
  for (const [prefix, dir] of Object.entries(mounts)) {
    app.get(
      `${prefix}*`,
      serveStatic({ root: dir, rewriteRequestPath: (path) => path.slice(prefix.length - 1), onFound: (_path, c) => c.header('access-control-allow-origin', '*') }),
    );
  }
  app.get('/images/:name', (c) => {
    const image = images.get(c.req.param('name'));
    return image ? c.body(new Uint8Array(image), 200, { 'content-type': 'image/png', 'cache-control': 'public, max-age=600' }) : c.notFound();
  });
  app.post('*', (c) => posts.get(new URL(c.req.url).pathname)?.(c.req.raw) ?? c.text('Not found', 404));
  app.get('*', (c) => {
    const path = new URL(c.req.url).pathname;
    const image = images.get(aliases.get(path) ?? '');
    if (image) return c.body(new Uint8Array(image), 200, { 'content-type': 'image/png' });
    const page = pages.get(path);
    if (!page) return c.text('Not found', 404);
    return c.body(page.html, 200, { 'content-type': page.type ?? 'text/html; charset=utf-8', 'cache-control': 'no-store', ...page.headers });
  });

  const server = await new Promise<ServerType>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
    started.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const dataDir = `${ROOT}test/.artifacts/embed-data-${port}`;
  mkdirSync(dataDir, { recursive: true });
  proxy = await createNodeProxy(
    readConfig(
      {
        FITTING_ROOM_BASE_PATH: '/fitting-room',
        FITTING_ROOM_ALLOWED_ORIGINS: `http://127.0.0.1:${port},http://localhost:${port}`,
        FITTING_ROOM_GARMENT_HOSTS: `127.0.0.1:${port},localhost:${port}`,
        FITTING_ROOM_SANDBOX_DURATION_MS: '300',
        FITTING_ROOM_DATA_DIR: dataDir,
      },
      { dev: true },
    ),
    { log: createLogger({ level: 'error' }) },
  );

  return {
    url: `http://127.0.0.1:${port}`,
    page(path, page) {
      pages.set(path, typeof page === 'string' ? { html: page } : page);
    },
    post(path, handler) {
      posts.set(path, handler);
    },
    image(path, name) {
      aliases.set(path, name);
    },
    jobs,
    appProxyBackend,
    async close() {
      await proxy?.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
