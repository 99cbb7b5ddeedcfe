import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerType } from '@hono/node-server';
import sharp from 'sharp';
import { readConfig, type Env } from '../../src/server/config.js';
import { createLogger } from '../../src/server/log.js';
import { createNodeProxy, type NodeProxyOverrides } from '../../src/server/node.js';
import { serveWithEnvelopes } from '../../src/server/node-errors.js';
import { freePort } from './redis-server.js';
import { expect } from 'vitest';
import type { ErrorEnvelope, JobView, SessionGrant } from '../../src/contract.js';
import { parseEventStream } from '../../src/client/proxy-client.js';

export const SHOP_ORIGIN = 'https://shop.example';
export const SECRET = 'test-secret-that-is-long-enough-0123456789';

/** Listens on a random loopback port and resolves with the base URL. */
export function listen(fetchHandler: (request: Request) => Response | Promise<Response>, port = 0): Promise<{ url: string; server: ServerType }> {
  return new Promise((resolve) => {
    const server = serveWithEnvelopes({ fetch: fetchHandler, port, hostname: '127.0.0.1' }, (info) => resolve({ url: `http://127.0.0.1:${info.port}`, server }));
  });
}

export const closeServer = (server: ServerType) =>
  new Promise<void>((resolve) => {
    (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    server.close(() => resolve());
  });

/** A garment product photo: a navy shirt shape on white, as shops shoot them. */
/** Node Buffers are typed over ArrayBufferLike; fetch and Blob want a plain ArrayBuffer view. */
export const bytesOf = (buffer: Buffer): Uint8Array<ArrayBuffer> => new Uint8Array(buffer);

export async function garmentPng(): Promise<Uint8Array<ArrayBuffer>> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400"><rect width="400" height="400" fill="#fff"/><path d="M120 60 L280 60 L360 130 L320 170 L290 150 L290 360 L110 360 L110 150 L80 170 L40 130 Z" fill="#1f2a44"/></svg>`;
  return bytesOf(await sharp(Buffer.from(svg)).png().toBuffer());
}

let photoCount = 0;

/**
 * A phone-like JPEG: stored sideways with EXIF orientation 6 and GPS, like a camera writes it.
 * Each call draws a different photo (the proxy caches results by photo), unless `seed` repeats.
 */
export async function phoneJpeg(width = 1200, height = 900, seed = ++photoCount): Promise<Uint8Array<ArrayBuffer>> {
  const shade = (seed * 37) % 200;
  const jpeg = await sharp({ create: { width, height, channels: 3, background: { r: 201, g: 184, b: shade } } })
    .composite([
      {
        input: Buffer.from(
          `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect x="${width * 0.1}" y="${height * 0.3}" width="${width * 0.6}" height="${height * 0.4}" fill="#345"/></svg>`,
        ),
      },
    ])
    .jpeg({ quality: 85 })
    .withMetadata({ orientation: 6 })
    .withExif({
      IFD0: { Make: 'PhoneCo', Model: 'Phone 15' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2400/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 700/100' },
    })
    .toBuffer();
  return bytesOf(jpeg);
}

export interface TestProxy {
  url: string;
  dataDir: string;
  logs: string[];
  garmentUrl: string;
  proxy: Awaited<ReturnType<typeof createNodeProxy>>;
  close(): Promise<void>;
  session(origin?: string): Promise<SessionGrant>;
  /** Files currently in the data directory (bytes of photos, garments and results). */
  storedFiles(): Promise<string[]>;
}

/**
 * A real proxy on loopback (sandbox provider unless overridden), plus a real garment
 * host on another port that the proxy is allowed to fetch from.
 */
export async function startProxy(env: Env = {}, overrides: NodeProxyOverrides = {}, { dev = true }: { dev?: boolean } = {}): Promise<TestProxy> {
  const dataDir = await mkdtemp(join(tmpdir(), 'fitting-room-test-'));
  const garment = await garmentPng();
  const garments = await listen((request) => {
    const path = new URL(request.url).pathname;
    if (path === '/tee.png') return new Response(garment, { headers: { 'content-type': 'image/png' } });
    if (path === '/redirect-out') return new Response(null, { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } });
    return new Response('not found', { status: 404 });
  });
  const logs: string[] = [];
  // The port is chosen first so the proxy knows its own public URL (providers that fetch photos by URL).
  const port = await freePort();
  const config = readConfig(
    {
      FITTING_ROOM_PUBLIC_URL: `http://127.0.0.1:${port}`,
      FITTING_ROOM_SECRET: SECRET,
      FITTING_ROOM_ALLOWED_ORIGINS: SHOP_ORIGIN,
      FITTING_ROOM_GARMENT_HOSTS: new URL(garments.url).host,
      FITTING_ROOM_SANDBOX_DURATION_MS: '400',
      FITTING_ROOM_DATA_DIR: dataDir,
      ...env,
    },
    { dev },
  );
  const proxy = await createNodeProxy(config, { log: createLogger({ level: 'debug', secrets: [SECRET], write: (line) => logs.push(line) }), ...overrides });
  const { url, server } = await listen(proxy.app.fetch, port);
  return {
    url: `${url}${config.basePath}`,
    dataDir,
    logs,
    garmentUrl: `${garments.url}/tee.png`,
    proxy,
    async close() {
      await proxy.close();
      await Promise.all([closeServer(server), closeServer(garments.server)]);
      await rm(dataDir, { recursive: true, force: true });
    },
    async session(origin = SHOP_ORIGIN) {
      const response = await fetch(`${url}${config.basePath}/session`, { method: 'POST', headers: { origin } });
      if (!response.ok) throw new Error(`session: ${response.status} ${await response.text()}`);
      return response.json() as Promise<SessionGrant>;
    },
    storedFiles: () => readdir(dataDir),
  };
}

export interface JobFormFields {
  /** A photo; `null` sends none; by default a fresh phone-like JPEG. */
  person?: Blob | null;
  personRef?: string;
  /** A URL or a file; by default the garment host's tee. */
  garment?: string | Blob;
  category?: string;
  productId?: string;
  /** More text fields, sent as they are (the consent receipt). */
  extra?: Record<string, string>;
}

/** Speaks the contract to a test proxy the way the widget does, with one session token. */
export class ContractClient {
  constructor(
    readonly proxy: TestProxy,
    public token: string,
  ) {}

  static async open(proxy: TestProxy): Promise<ContractClient> {
    return new ContractClient(proxy, (await proxy.session()).token);
  }

  call(path: string, init: RequestInit & { token?: string; origin?: string } = {}) {
    const headers = new Headers(init.headers);
    headers.set('origin', init.origin ?? SHOP_ORIGIN);
    const token = init.token ?? this.token;
    if (token !== '') headers.set('authorization', `Bearer ${token}`);
    return fetch(`${this.proxy.url}/${path}`, { ...init, headers });
  }

  form(fields: JobFormFields) {
    const form = new FormData();
    if (fields.person) form.append('person', fields.person, 'photo.jpg');
    if (fields.personRef) form.append('personRef', fields.personRef);
    const garment = fields.garment ?? this.proxy.garmentUrl;
    if (typeof garment === 'string') form.append('garment', garment);
    else form.append('garment', garment, 'garment.png');
    form.append('category', fields.category ?? 'top');
    if (fields.productId) form.append('productId', fields.productId);
    for (const [name, value] of Object.entries(fields.extra ?? {})) form.append(name, value);
    return form;
  }

  async createJob(fields: JobFormFields = {}, init: { token?: string; idempotencyKey?: string } = {}) {
    const person = fields.person === undefined ? new Blob([await phoneJpeg()], { type: 'image/jpeg' }) : fields.person;
    const headers: Record<string, string> = init.idempotencyKey ? { 'idempotency-key': init.idempotencyKey } : {};
    return this.call('jobs', { method: 'POST', body: this.form({ ...fields, person }), token: init.token, headers });
  }

  /** Reads a job's event stream to its end. */
  async events(id: string, init: { token?: string; lastEventId?: string } = {}) {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (init.lastEventId) headers['last-event-id'] = init.lastEventId;
    const response = await this.call(`jobs/${id}/events`, { token: init.token, headers });
    if (!response.headers.get('content-type')?.startsWith('text/event-stream')) throw new Error(`not an event stream: ${response.status} ${await response.text()}`);
    const seen: { id?: string; view: JobView }[] = [];
    for await (const event of parseEventStream(response.body!)) seen.push({ id: event.id, view: JSON.parse(event.data) as JobView });
    return seen;
  }
}

/** Asserts the contract's error envelope with its status and code. */
export async function expectError(response: Response, status: number, code: string): Promise<ErrorEnvelope> {
  const body = (await response.json()) as ErrorEnvelope;
  expect({ status: response.status, code: body.error?.code }).toEqual({ status, code });
  expect(body.error.message.length).toBeGreaterThan(10);
  expect(typeof body.error.retryable).toBe('boolean');
  return body;
}
