/**
 * Shared bits of the provider emulators: a real `node:http` server on 127.0.0.1 port 0
 * with a small route table, a record of every call, the behaviours every emulator can be
 * told to show (slow, out of credits, rate limited, outage, malformed JSON, failed jobs),
 * job timing through intermediate statuses, result images made with sharp, Server-Sent
 * Events — and `startEmulator(name)` for the demo and the tests, plus test helpers.
 *
 * Emulators behave as their provider's document describes; where it is silent they follow
 * the adapter's documented assumption (src/server/providers/ARCHITECTURE-providers.md).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { createLogger, type Logger } from '../../src/server/log.js';
import { DOCUMENTED_PROVIDERS, type DocumentedProvider } from '../../src/server/providers/registry.js';
import { ProviderError, type PreparedImage, type ProviderUpdate } from '../../src/server/providers/types.js';
import { sleep } from '../../src/shared/sleep.js';

// ---------------------------------------------------------------------------------------
// Behaviours
// ---------------------------------------------------------------------------------------

export interface Behaviour {
  /** Every API answer is delayed this long (ms). */
  slow: number;
  /** How long a job takes, queued → running → done (ms). */
  jobMs: number;
  /** The next job fails: `true`, or a provider error code / message to fail with. */
  failNextJob: boolean | string;
  /** Submitting answers the provider's out-of-credits error. */
  outOfCredits: boolean;
  /** The next n API calls answer 429 with `Retry-After: retryAfterS`. */
  rateLimit: number;
  retryAfterS: number;
  /** Every API call answers 500 while set. */
  outage: boolean;
  /** The next n API calls answer 500. */
  serverErrors: number;
  /** The next n JSON answers (2xx) are cut off mid-body. */
  malformedJson: number;
  /** The event stream: served, refused with a 500, dropped mid-job, or silent after connecting. */
  stream: 'ok' | 'error' | 'drop' | 'silent';
}

export const DEFAULT_BEHAVIOUR: Behaviour = {
  slow: 0,
  jobMs: 300,
  failNextJob: false,
  outOfCredits: false,
  rateLimit: 0,
  retryAfterS: 1,
  outage: false,
  serverErrors: 0,
  malformedJson: 0,
  stream: 'ok',
};

export interface Call {
  method: string;
  path: string;
  /** The query string, for checking signed URLs (never printed). */
  search: string;
  headers: Record<string, string | undefined>;
  at: number;
}

// ---------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  text?: string;
  bytes?: Uint8Array;
  /** Server-Sent Events: written as they come; the response ends when the iterable does. */
  events?: AsyncIterable<SseFrame>;
}

export type SseFrame = { event?: string; data: string; id?: string } | { comment: string } | { drop: true };

export interface Context {
  method: string;
  url: URL;
  params: string[];
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** The request as a web Request (for `formData()`). */
  request(): Request;
  /** The JSON body, or undefined when it is not JSON. */
  json(): unknown;
  /** Ends when the client goes away. */
  closed: AbortSignal;
}

export interface Route {
  method: string;
  pattern: RegExp;
  /** API routes are subject to behaviours (rate limit, outage…); storage/CDN routes are not. */
  api: boolean;
  handle(context: Context): Reply | Promise<Reply>;
}

export interface Job {
  id: string;
  createdAt: number;
  /** When the job reaches its terminal status. */
  completeAt: number;
  /** Failure message / code, when this job fails. */
  fail?: string;
  person?: Uint8Array;
  garments: Uint8Array[];
  /** Anything the emulator wants to keep (owner key, request body…). */
  meta: Record<string, unknown>;
  result?: Promise<Uint8Array>;
}

export type Phase = { phase: 'queued'; progress: number } | { phase: 'running'; progress: number } | { phase: 'succeeded' } | { phase: 'failed'; reason: string };

/** The interface every emulator offers. */
export interface Emulator<B extends Behaviour = Behaviour> {
  readonly name: string;
  readonly url: string;
  readonly calls: Call[];
  readonly jobs: Map<string, Job>;
  behave(behaviour: Partial<B>): void;
  /** Forget calls and jobs, restore default behaviour. */
  reset(): void;
  /** Resolves once no request is in flight. */
  idle(timeoutMs?: number): Promise<void>;
  /** The environment variables that point a proxy (or an adapter factory) at this emulator. */
  env(): Record<string, string>;
  /** The secret values the env carries, for "never logged" checks. */
  secrets(): string[];
  close(): Promise<void>;
}

export abstract class EmulatorServer<B extends Behaviour = Behaviour> implements Emulator<B> {
  abstract readonly name: string;
  url = '';
  readonly calls: Call[] = [];
  readonly jobs = new Map<string, Job>();
  protected behaviour: B;
  protected routes: Route[] = [];
  #server?: Server;

  constructor(protected readonly defaults: B) {
    this.behaviour = { ...defaults };
  }

  abstract env(): Record<string, string>;
  abstract secrets(): string[];

  /** The provider's error body for a behaviour-made failure (rate limit, outage, malformed). */
  protected abstract errorBody(status: number, code: string, message: string): unknown;

  behave(behaviour: Partial<B>): void {
    Object.assign(this.behaviour, behaviour);
  }

  reset(): void {
    this.behaviour = { ...this.defaults };
    this.calls.length = 0;
    this.jobs.clear();
    // Requests an aborted client already wrote must not reach the next test's behaviours.
    this.#server?.closeAllConnections();
  }

  /** Calls whose path matches. */
  callsTo(pattern: RegExp | string, method?: string): Call[] {
    return this.calls.filter((call) => (typeof pattern === 'string' ? call.path === pattern : pattern.test(call.path)) && (!method || call.method === method));
  }

  async start(): Promise<this> {
    const server = createServer((request, response) => void this.#handle(request, response));
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    server.unref();
    this.#server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    const server = this.#server;
    if (!server) return Promise.resolve();
    this.#server = undefined;
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** A new job starting now, lasting `jobMs`, failing if told to. */
  protected createJob(id: string, init: Partial<Pick<Job, 'person' | 'garments' | 'meta'>> = {}): Job {
    const now = Date.now();
    const fail = this.behaviour.failNextJob;
    this.behaviour.failNextJob = false;
    const job: Job = {
      id,
      createdAt: now,
      completeAt: now + this.behaviour.jobMs,
      fail: fail === true ? '' : fail || undefined,
      garments: init.garments ?? [],
      person: init.person,
      meta: init.meta ?? {},
    };
    this.jobs.set(id, job);
    return job;
  }

  /** Where a job stands now: queued for the first fifth, running with progress, then done. */
  protected phaseOf(job: Job, now = Date.now()): Phase {
    const total = Math.max(1, job.completeAt - job.createdAt);
    const elapsed = now - job.createdAt;
    if (elapsed >= total) return job.fail !== undefined ? { phase: 'failed', reason: job.fail } : { phase: 'succeeded' };
    const progress = Math.min(0.99, elapsed / total);
    return progress < 0.2 ? { phase: 'queued', progress } : { phase: 'running', progress };
  }

  /** The job's result image (the person with the garment on, as PNG or JPEG), made once. */
  protected resultOf(job: Job, format: 'png' | 'jpeg' = 'png'): Promise<Uint8Array> {
    job.result ??= renderResult(job.person, job.garments, format);
    return job.result;
  }

  /**
   * Job updates as SSE frames until the terminal one, following `stream`: 'drop' cuts the
   * connection part-way, 'silent' sends nothing after the first frame.
   */
  protected async *jobEvents(job: Job, frame: (phase: Phase) => SseFrame, closed: AbortSignal): AsyncGenerator<SseFrame> {
    const mode = this.behaviour.stream;
    let last = '';
    let sent = 0;
    const tick = Math.max(10, Math.min(100, (job.completeAt - job.createdAt) / 6));
    while (!closed.aborted) {
      const phase = this.phaseOf(job);
      const next = frame(phase);
      const key = JSON.stringify(next);
      if (key !== last) {
        last = key;
        if (mode === 'drop' && sent >= 1) {
          yield { drop: true };
          return;
        }
        if (mode === 'silent' && sent >= 1) {
          await waitFor(closed);
          return;
        }
        yield next;
        sent++;
      } else yield { comment: 'ping' };
      if (phase.phase === 'succeeded' || phase.phase === 'failed') return;
      await sleep(tick, closed);
    }
  }

  /** A URL on this emulator that looks presigned, and the check for it. */
  protected signedUrl(path: string): string {
    const expires = Math.floor(Date.now() / 1000) + 3600;
    return `${this.url}${path}?X-Amz-Expires=3600&X-Amz-Date=${expires}&X-Amz-Signature=${this.sign(path, expires)}`;
  }

  protected signatureValid(url: URL): boolean {
    const expires = Number(url.searchParams.get('X-Amz-Date'));
    return url.searchParams.get('X-Amz-Signature') === this.sign(url.pathname, expires) && expires * 1000 > Date.now();
  }

  readonly #signingKey = randomBytes(8).toString('hex');
  private sign(path: string, expires: number): string {
    let hash = 0;
    for (const char of `${this.#signingKey}:${path}:${expires}`) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
    return `${hash.toString(16)}${this.#signingKey}`;
  }

  #inFlight = 0;
  #idle: (() => void)[] = [];

  /** Resolves once no request is being handled (at most `timeoutMs` later), so a test's stragglers can't eat the next test's behaviours. */
  idle(timeoutMs = 2000): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.#idle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async #handle(request: IncomingMessage, response: ServerResponse) {
    this.#inFlight++;
    response.on('close', () => {
      if (--this.#inFlight === 0) for (const resolve of this.#idle.splice(0)) resolve();
    });
    await this.#serve(request, response);
  }

  async #serve(request: IncomingMessage, response: ServerResponse) {
    const closed = new AbortController();
    response.on('close', () => closed.abort());
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      const url = new URL(request.url ?? '/', this.url);
      const method = request.method ?? 'GET';
      this.calls.push({ method, path: url.pathname, search: url.search, headers: { ...request.headers } as Record<string, string | undefined>, at: Date.now() });
      const context: Context = {
        method,
        url,
        params: [],
        headers: request.headers,
        body,
        closed: closed.signal,
        request: () =>
          new Request(url, { method, headers: request.headers as Record<string, string>, body: method === 'GET' || method === 'HEAD' ? undefined : new Uint8Array(body) }),
        json: () => {
          try {
            return JSON.parse(body.toString('utf8')) as unknown;
          } catch {
            return undefined;
          }
        },
      };
      let route: Route | undefined;
      for (const candidate of this.routes) {
        const match = candidate.method === method ? candidate.pattern.exec(url.pathname) : null;
        if (match) {
          route = candidate;
          context.params = match.slice(1).map((part) => decodeURIComponent(part));
          break;
        }
      }
      if (!route) return this.#write(response, { status: 404, json: this.errorBody(404, 'NOT_FOUND', `No route for ${method} ${url.pathname}`) });
      if (route.api) {
        const b = this.behaviour;
        if (b.slow) await sleep(b.slow, closed.signal).catch(() => undefined);
        if (b.rateLimit > 0) {
          b.rateLimit--;
          return this.#write(response, {
            status: 429,
            headers: { 'retry-after': String(b.retryAfterS) },
            json: this.errorBody(429, 'RATE_LIMITED', 'Rate limit exceeded; try again shortly.'),
          });
        }
        if (b.outage || b.serverErrors > 0) {
          if (!b.outage) b.serverErrors--;
          return this.#write(response, { status: 500, json: this.errorBody(500, 'INTERNAL_ERROR', 'Internal server error') });
        }
      }
      await this.#write(response, await route.handle(context), route.api);
    } catch (error) {
      if (!response.headersSent) this.#write(response, { status: 500, text: `emulator error: ${String(error)}` });
      else response.destroy();
    }
  }

  async #write(response: ServerResponse, reply: Reply, api = false) {
    if (response.destroyed) return;
    const headers: Record<string, string> = { ...reply.headers };
    let payload: Uint8Array | string | undefined;
    if (reply.events) {
      response.writeHead(reply.status ?? 200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...headers });
      response.flushHeaders();
      for await (const frame of reply.events) {
        if (response.destroyed) return;
        if ('drop' in frame) return void response.destroy();
        if ('comment' in frame) response.write(`: ${frame.comment}\n\n`);
        else
          response.write(
            `${frame.id ? `id: ${frame.id}\n` : ''}${frame.event ? `event: ${frame.event}\n` : ''}${frame.data
              .split('\n')
              .map((line) => `data: ${line}\n`)
              .join('')}\n`,
          );
      }
      response.end();
      return;
    }
    if (reply.json !== undefined) {
      payload = JSON.stringify(reply.json);
      const status = reply.status ?? 200;
      if (api && status < 300 && this.behaviour.malformedJson > 0) {
        this.behaviour.malformedJson--;
        payload = payload.slice(0, Math.max(1, Math.floor(payload.length / 2)));
      }
      headers['content-type'] ??= 'application/json';
    } else if (reply.text !== undefined) {
      payload = reply.text;
      headers['content-type'] ??= 'text/plain';
    } else if (reply.bytes) payload = reply.bytes;
    response.writeHead(reply.status ?? 200, headers);
    response.end(payload);
  }
}

// ---------------------------------------------------------------------------------------
// Helpers for emulators
// ---------------------------------------------------------------------------------------

export const bearer = (headers: IncomingMessage['headers']): string | undefined => /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1];

export const newId = (): string => randomUUID();

/** A 26-character ULID-looking id (Crockford base32), as Studio uses. */
export function ulid(): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  return Array.from(randomBytes(26), (byte) => alphabet[byte % 32]).join('');
}

/** A cuid-looking id, as Miraflow uses. */
export const cuid = (): string => `cm${randomBytes(12).toString('hex').slice(0, 23)}`;

const waitFor = (signal: AbortSignal) => new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));

/** Is this an image sharp can read? Returns its format, or undefined. */
export async function imageFormat(bytes: Uint8Array): Promise<string | undefined> {
  try {
    return (await sharp(bytes).metadata()).format;
  } catch {
    return undefined;
  }
}

/** The try-on "render": the person photo with the garment(s) pasted over the torso. */
export async function renderResult(person: Uint8Array | undefined, garments: Uint8Array[], format: 'png' | 'jpeg'): Promise<Uint8Array> {
  const width = 240;
  const height = 320;
  let base: Buffer;
  try {
    base = await sharp(person).resize(width, height, { fit: 'cover' }).png().toBuffer();
  } catch {
    base = await sharp({ create: { width, height, channels: 3, background: '#d8cfc4' } })
      .png()
      .toBuffer();
  }
  const layers: { input: Buffer; top: number; left: number }[] = [];
  for (const [index, garment] of garments.entries()) {
    try {
      const input = await sharp(garment)
        .resize(Math.round(width * 0.5), Math.round(height * 0.35), { fit: 'inside' })
        .png()
        .toBuffer();
      layers.push({ input, top: Math.round(height * (0.25 + index * 0.1)), left: Math.round(width * 0.25) });
    } catch {
      // An unreadable garment leaves the photo as it is.
    }
  }
  const image = sharp(base).composite(layers);
  return new Uint8Array(format === 'png' ? await image.png().toBuffer() : await image.jpeg({ quality: 85 }).toBuffer());
}

// ---------------------------------------------------------------------------------------
// Starting emulators by name
// ---------------------------------------------------------------------------------------

/** Every documented provider has an emulator: the registry's list is this one (a new provider without one fails the typecheck below). */
export const EMULATED_PROVIDERS: readonly DocumentedProvider[] = DOCUMENTED_PROVIDERS.map((provider) => provider.name);
export type EmulatedProvider = DocumentedProvider;

/**
 * Starts the emulator of `name` and returns it with the env that points the proxy at it
 * (`FITTING_ROOM_PROVIDER` included). Mirrago fetches images by URL: the proxy also needs
 * `FITTING_ROOM_PUBLIC_URL` set to an address the emulator can reach (the demo's own URL).
 */
export async function startEmulator(name: EmulatedProvider, behaviour: Partial<Behaviour> = {}): Promise<{ emulator: Emulator; env: Record<string, string> }> {
  // Imported here, not at the top: the emulators extend EmulatorServer from this module.
  const modules = {
    mirrago: () => import('./mirrago.js').then((module) => module.startMirrago(behaviour)),
    tryonapi: () => import('./tryonapi.js').then((module) => module.startTryonApi(behaviour)),
    studio: () => import('./studio.js').then((module) => module.startStudio(behaviour)),
    miraflow: () => import('./miraflow.js').then((module) => module.startMiraflow(behaviour)),
    aurax: () => import('./aurax.js').then((module) => module.startAurax(behaviour)),
  } satisfies Record<EmulatedProvider, () => Promise<Emulator>>;
  const start = modules[name];
  if (!start) throw new Error(`No emulator for "${name}"; one of ${EMULATED_PROVIDERS.join(', ')}.`);
  const emulator = await start();
  return { emulator, env: { FITTING_ROOM_PROVIDER: name, ...emulator.env() } };
}

// ---------------------------------------------------------------------------------------
// Test helpers
// ---------------------------------------------------------------------------------------

/** A logger that keeps its lines (debug and up), for "no secret in any log line" checks. */
export function captureLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: createLogger({ level: 'debug', write: (line) => lines.push(line) }), lines };
}

/** A shopper photo and garment product shots, as the proxy would hand them over (prepared, no publicUrl). */
export async function testImages(): Promise<{ person: PreparedImage; garment: PreparedImage; garment2: PreparedImage }> {
  const person = await sharp({ create: { width: 300, height: 400, channels: 3, background: '#c9b8a6' } })
    .composite([
      {
        input: Buffer.from(
          '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="400"><circle cx="150" cy="70" r="40" fill="#8a6a52"/><rect x="90" y="120" width="120" height="200" fill="#5a4636"/></svg>',
        ),
      },
    ])
    .jpeg()
    .toBuffer();
  const shirt = await sharp(
    Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200"><rect width="200" height="200" fill="#fff"/><path d="M60 30 L140 30 L180 65 L160 85 L145 75 L145 180 L55 180 L55 75 L40 85 L20 65 Z" fill="#1f2a44"/></svg>',
    ),
  )
    .png()
    .toBuffer();
  const trousers = await sharp(
    Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200"><rect width="200" height="200" fill="#fff"/><path d="M60 20 L140 20 L150 190 L110 190 L100 80 L90 190 L50 190 Z" fill="#6b4f2a"/></svg>',
    ),
  )
    .png()
    .toBuffer();
  return {
    person: { bytes: new Uint8Array(person), contentType: 'image/jpeg' },
    garment: { bytes: new Uint8Array(shirt), contentType: 'image/png' },
    garment2: { bytes: new Uint8Array(trousers), contentType: 'image/png' },
  };
}

/** All updates of a watch, until it ends. */
export async function collect(updates: AsyncIterable<ProviderUpdate>): Promise<ProviderUpdate[]> {
  const all: ProviderUpdate[] = [];
  for await (const update of updates) all.push(update);
  return all;
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** A loopback port nothing listens on (for "connection refused"). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/**
 * A tiny public image host, standing in for the proxy's FITTING_ROOM_PUBLIC_URL links
 * (`/media/{token}`) in adapter tests of URL-only providers.
 */
export async function startImageHost(): Promise<{ url: string; publish(image: PreparedImage): PreparedImage; close(): Promise<void> }> {
  const images = new Map<string, PreparedImage>();
  const server = createServer((request, response) => {
    const image = images.get(new URL(request.url ?? '/', 'http://host').pathname);
    if (!image) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': image.contentType }).end(image.bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    publish(image) {
      const path = `/media/${randomBytes(12).toString('hex')}`;
      images.set(path, image);
      return { ...image, publicUrl: `${url}${path}` };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Every line and message that must not contain a secret, checked against every secret. */
export function leakedSecrets(texts: string[], secrets: string[]): string[] {
  return secrets.filter((secret) => texts.some((text) => text.includes(secret)));
}

/**
 * What an adapter test observes: a capturing logger, and every error message and detail the
 * test saw, so one check at the end can say no secret (nor a presigned signature) leaked.
 */
export class Probe {
  readonly lines: string[] = [];
  readonly log: Logger = createLogger({ level: 'debug', write: (line) => this.lines.push(line) });
  readonly seen: string[] = [];

  /** The ProviderError a promise rejects with (recorded). */
  async error(promise: Promise<unknown>): Promise<ProviderError> {
    const error = await rejection(promise);
    if (!(error instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(error)}`);
    this.seen.push(error.message, error.detail ?? '');
    return error;
  }

  /** The one terminal update, which must be the last (recorded). */
  terminal(updates: ProviderUpdate[]): ProviderUpdate {
    const terminals = updates.filter((update) => update.status === 'succeeded' || update.status === 'failed');
    if (terminals.length !== 1 || terminals[0] !== updates.at(-1))
      throw new Error(`expected exactly one terminal update, last: ${JSON.stringify(updates.map((update) => update.status))}`);
    const last = updates.at(-1)!;
    if (last.status === 'failed') this.seen.push(last.error.message ?? '', last.error.detail ?? '');
    return last;
  }

  /** Secrets found in any log line or recorded error text; plus any unmasked presigned signature. */
  leaks(secrets: string[]): string[] {
    const texts = [...this.lines, ...this.seen];
    const signatures = texts.filter((text) => /(X-Amz-Signature|Signature|sig|token)=(?!\*)/i.test(text)).map((text) => `signed URL in: ${text.slice(0, 120)}`);
    return [...leakedSecrets(texts, secrets), ...signatures];
  }

  logged(event: string): string[] {
    return this.lines.filter((line) => line.includes(`"event":"${event}"`));
  }
}

/** Decoded image facts, via sharp (fails the test if the bytes are not an image). */
export async function decode(bytes: Uint8Array): Promise<{ format?: string; width?: number; height?: number }> {
  const { format, width, height } = await sharp(bytes).metadata();
  return { format, width, height };
}
