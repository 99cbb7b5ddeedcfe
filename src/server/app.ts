import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { streamSSE } from 'hono/streaming';
import { CATEGORIES, TERMINAL_STATUSES, type Category, type JobCreated, type SessionGrant } from '../contract.js';
import type { ProxyConfig } from './config.js';
import { ApiError } from './errors.js';
import { fetchGarment, type GarmentFetchPolicy } from './garment-source.js';
import type { ImageCleaner } from './images.js';
import { JobService, type JobEvent, type JobInput, type JobRecord } from './jobs.js';
import type { Logger } from './log.js';
import { Metrics } from './metrics.js';
import { PublicMedia } from './public-media.js';
import type { ProviderAdapter } from './providers/types.js';
import { RateLimiter, clientAddress } from './rate-limit.js';
import { SessionSigner, randomId, type SessionClaims } from './session.js';
import { shopifyAppProxy } from './shopify-app-proxy.js';
import type { SharedState } from './state/types.js';
import type { BlobStore } from './store.js';

export interface ProxyDependencies {
  provider: ProviderAdapter;
  store: BlobStore;
  log: Logger;
  /** Validates and strips every image that enters or leaves the proxy (images.ts). */
  cleanImage: ImageCleaner;
  /** Job records, caches, counters and fan-out: memory for one instance, Redis for many. */
  state: SharedState;
  /** Used to fetch garment images; on Node, a fetch that checks the address it connects to. */
  fetch?: typeof fetch;
  /** The TCP peer's address of a request (the runtime knows it; the Request does not). */
  peerAddress?: (request: Request, env: unknown) => string | undefined;
  metrics?: Metrics;
}

export interface Proxy {
  /** The web-standard handler: `(request) => response`. */
  fetch: (request: Request, env?: unknown) => Response | Promise<Response>;
  jobs: JobService;
  metrics: Metrics;
  /** Retention: deletes what has expired. Call it on a timer (the Node entry does). */
  sweep(now?: number): Promise<void>;
  /** Stops watching jobs and hands them on (see JobService.close). */
  close(): Promise<void>;
}

type Env = { Variables: { session: SessionClaims; requestId: string; client: string } };

const HEARTBEAT_MS = 15_000;
/** How often a quiet event stream checks that someone still watches its job upstream. */
const ORPHAN_CHECK_MS = 3_000;
const MAX_ID_LENGTH = 200;

/**
 * The proxy as one web-standard fetch handler (Hono): the widget ↔ proxy contract of
 * README "The contract". Node, edge and serverless entries wrap this same app.
 */
export function createProxy(config: ProxyConfig, deps: ProxyDependencies): Proxy {
  const { provider, store, log, cleanImage, state } = deps;
  const metrics = deps.metrics ?? new Metrics();
  const limiter = new RateLimiter(state, metrics);
  const signer = new SessionSigner(config.secret, config.tokenTtlSeconds, config.retentionSeconds);
  const media = config.publicUrl ? new PublicMedia(config.publicUrl) : undefined;
  const limits = { maxBytes: config.maxImageBytes, maxPixels: config.maxImagePixels };
  const jobs = new JobService({
    provider,
    store,
    state,
    log,
    metrics,
    secret: config.secret,
    retentionSeconds: config.retentionSeconds,
    dailyJobLimit: config.dailyJobLimit,
    publicUrl: media && ((key, expiresAt) => media.link(key, expiresAt)),
    // Providers' images may carry metadata of their own; they leave the proxy as pixels only.
    cleanResult: (image) => cleanImage(image.bytes, { ...limits, maxBytes: 4 * limits.maxBytes }, 'result'),
  });
  const garmentPolicy: GarmentFetchPolicy = { allowedHosts: config.garmentHosts, allowHttp: config.allowHttpGarments, maxBytes: config.maxImageBytes, fetch: deps.fetch };
  if (config.allowHttpGarments && !config.dev) {
    log.warn('http-garments-allowed', { detail: 'FITTING_ROOM_ALLOW_HTTP_GARMENTS is on: garment images may come over plain http. For staging shops only.' });
  }

  const api = new Hono<Env>();

  api.use('*', async (c, next) => {
    const requestId = randomId(8);
    const started = Date.now();
    c.set('requestId', requestId);
    c.set('client', clientAddress(deps.peerAddress?.(c.req.raw, c.env), c.req.header('x-forwarded-for'), config.trustedProxies));
    await next();
    c.header('x-request-id', requestId);
    c.header('x-content-type-options', 'nosniff');
    c.header('referrer-policy', 'no-referrer');
    c.header('x-frame-options', 'DENY');
    c.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
    c.header('cross-origin-opener-policy', 'same-origin');
    if (!config.dev) c.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    if (!c.res.headers.has('cache-control')) c.header('cache-control', 'no-store');
    // Successful reads (a polling tab asks every second) are debug; writes and failures are info.
    const level = c.req.method === 'GET' && c.res.status < 400 ? 'debug' : 'info';
    log[level]('request', { requestId, method: c.req.method, path: new URL(c.req.url).pathname, status: c.res.status, ms: Date.now() - started });
  });

  api.use(
    '*',
    cors({
      origin: (origin) => (config.allowedOrigins.includes(origin) ? origin : null),
      allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
      allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'last-event-id'],
      exposeHeaders: ['retry-after', 'x-request-id'],
      maxAge: 600,
    }),
  );

  // Hono runs middleware in registration order: the signature check goes before the handler.
  if (config.shopifyAppProxySecret) {
    api.use('/session', shopifyAppProxy({ secret: config.shopifyAppProxySecret, onReject: (reason) => log.info('app_proxy.rejected', { reason }) }));
  }

  api.post('/session', async (c) => {
    const origin = c.req.header('origin');
    if (!origin || !config.allowedOrigins.includes(origin)) {
      throw new ApiError('ORIGIN_NOT_ALLOWED', origin ? `Try-on is not enabled for ${origin}.` : 'Sessions are only issued to pages of an allowed origin.', { retryable: false });
    }
    // A page renewing its token keeps its session (and so its jobs and photo) while the session is young.
    await limiter.take(config.limits.sessionsPerIp, c.get('client'));
    const renewing = bearer(c.req.header('authorization'));
    const previous = renewing ? await signer.verify(renewing, { allowExpired: true }).catch(() => undefined) : undefined;
    const { token, claims } = await signer.issue(origin, previous && previous.origin === origin ? previous : undefined);
    const grant: SessionGrant = { token, expiresAt: new Date(claims.exp * 1000).toISOString(), retentionSeconds: config.retentionSeconds };
    return c.json(grant);
  });

  api.get('/healthz', async (c) => {
    try {
      await state.ping();
      return c.json({ ok: true, provider: provider.name });
    } catch {
      return c.json({ ok: false, provider: provider.name, problem: 'shared state unreachable' }, 503);
    }
  });

  api.get('/metrics', (c) => {
    if (config.metricsToken && bearer(c.req.header('authorization')) !== config.metricsToken) throw new ApiError('TOKEN_INVALID', 'Metrics need the metrics token.', { retryable: false });
    return c.text(metrics.render(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  });

  api.get('/media/:token', async (c) => {
    const key = media?.resolve(c.req.param('token'));
    const blob = key && (await store.get(key));
    if (!blob) throw new ApiError('NOT_FOUND', 'Not found.', { retryable: false });
    return new Response(blob.bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': blob.contentType, 'cache-control': 'private, no-store' } });
  });

  api.use('/jobs/*', authenticate);
  api.use('/jobs', authenticate);
  api.use('/results/*', authenticate);

  api.post(
    '/jobs',
    bodyLimit({
      maxSize: config.maxImageBytes * (1 + provider.maxGarments) + 64 * 1024,
      onError: () => new ApiError('IMAGE_TOO_LARGE', `The upload is larger than ${config.maxImageBytes / 1024 / 1024} MB per image.`).toResponse(),
    }),
    async (c) => {
      const session = c.get('session');
      await limiter.take(config.limits.jobsPerSession, session.sid);
      await limiter.take(config.limits.jobsPerIp, c.get('client'));
      await limiter.take(config.limits.jobsPerOrigin, session.origin);
      await jobs.assertAvailable();
      if (!/^multipart\/form-data\b/i.test(c.req.header('content-type') ?? '')) throw new ApiError('BAD_REQUEST', 'The request must be multipart/form-data.');
      const form = await c.req.parseBody({ all: true }).catch(() => {
        throw new ApiError('BAD_REQUEST', 'The request must be multipart/form-data.');
      });
      const fields = readJobFields(form, provider.maxGarments);
      const idempotencyKey = c.req.header('idempotency-key')?.slice(0, 200);
      const fingerprint = await fingerprintOf(fields);
      const existing = await jobs.findIdempotent(session.sid, idempotencyKey, fingerprint);
      if (existing) return c.json(created(existing), 202);

      let personRef: string;
      if (fields.person) {
        const photo = await cleanImage(new Uint8Array(await fields.person.arrayBuffer()), limits, 'person');
        personRef = await jobs.keepPerson(session.sid, photo);
      } else {
        personRef = fields.personRef!;
        if (!(await jobs.hasPerson(session.sid, personRef))) throw new ApiError('PERSON_REF_NOT_FOUND', 'That photo is no longer stored; upload it again.', { retryable: false });
      }
      const garments: JobInput['garments'] = [];
      for (const garment of fields.garments) {
        const bytes = typeof garment === 'string' ? await fetchGarment(garment, garmentPolicy, c.req.raw.signal) : new Uint8Array(await garment.arrayBuffer());
        garments.push(await cleanImage(bytes, limits, 'garment'));
      }
      const job = await jobs.create(session.sid, { personRef, garments, category: fields.category, productId: fields.productId, variantId: fields.variantId }, idempotencyKey ? { key: idempotencyKey, fingerprint } : undefined);
      log.info('job.created', { requestId: c.get('requestId'), job: job.id, provider: provider.name, category: fields.category, garments: garments.length });
      return c.json(created(job), 202);
    },
  );

  api.get('/jobs/:id', async (c) => c.json(jobs.view(await jobs.get(c.get('session').sid, c.req.param('id')))));

  api.delete('/jobs/:id', async (c) => {
    await jobs.delete(c.get('session').sid, c.req.param('id'));
    return c.body(null, 204);
  });

  api.get('/results/:id', async (c) => {
    const blob = await jobs.result(c.get('session').sid, c.req.param('id'));
    return new Response(blob.bytes as Uint8Array<ArrayBuffer>, {
      headers: { 'content-type': blob.contentType, 'cache-control': 'private, no-store', 'content-disposition': 'inline' },
    });
  });

  api.get('/jobs/:id/events', async (c) => {
    const job = await jobs.get(c.get('session').sid, c.req.param('id'));
    const lastEventId = Number.parseInt(c.req.header('last-event-id') ?? '', 10);
    c.header('x-accel-buffering', 'no');
    return streamSSE(c, async (stream) => {
      // Subscribe before replaying, so nothing published in between is missed; ids drop duplicates.
      const live: JobEvent[] = [];
      let wake: (() => void) | undefined;
      const unsubscribe = await jobs.listen(job, (event) => {
        live.push(event);
        wake?.();
      });
      stream.onAbort(() => wake?.());
      try {
        const history = await jobs.eventsAfter(job, 0);
        // A new stream starts from the current state; a resumed one after the last event it saw.
        let sent = Number.isInteger(lastEventId) && lastEventId >= 0 ? lastEventId : Math.max(0, history.length - 1);
        const pending = history.filter((event) => event.id > sent);
        let lastWrite = Date.now();
        for (;;) {
          for (const event of pending.splice(0).concat(live.splice(0))) {
            if (event.id <= sent) continue;
            await stream.writeSSE({ id: String(event.id), data: JSON.stringify(event.view) });
            lastWrite = Date.now();
            sent = event.id;
            if (TERMINAL_STATUSES.includes(event.view.status)) return;
          }
          if (stream.aborted) return;
          let timer: ReturnType<typeof setTimeout> | undefined;
          const woken = await new Promise<boolean>((resolve) => {
            wake = () => resolve(true);
            timer = setTimeout(() => resolve(false), ORPHAN_CHECK_MS);
            if (live.length) resolve(true);
          });
          clearTimeout(timer);
          wake = undefined;
          if (!woken) {
            // A quiet stream may be waiting on a watcher whose instance has gone: take the job over.
            await jobs.get(c.get('session').sid, job.id).catch(() => undefined);
            if (Date.now() - lastWrite >= HEARTBEAT_MS) {
              await stream.write(': heartbeat\n\n');
              lastWrite = Date.now();
            }
          }
        }
      } finally {
        await unsubscribe();
      }
    });
  });

  api.notFound(() => new ApiError('NOT_FOUND', 'No such endpoint.', { retryable: false }).toResponse());
  api.onError((error, c) => {
    if (error instanceof ApiError) return error.toResponse();
    log.error('request.failed', { requestId: c.get('requestId'), error });
    return new ApiError('INTERNAL', 'Something went wrong in the try-on proxy.').toResponse();
  });

  async function authenticate(c: Context<Env>, next: () => Promise<void>) {
    if (c.req.method === 'OPTIONS') return next();
    const token = bearer(c.req.header('authorization'));
    if (!token) throw new ApiError('TOKEN_MISSING', 'A session token is required (Authorization: Bearer …).', { retryable: true });
    const claims = await signer.verify(token);
    // Browsers always send Origin on cross-origin requests; a token from another site's page is refused.
    const origin = c.req.header('origin');
    if ((origin && origin !== claims.origin) || !config.allowedOrigins.includes(claims.origin)) {
      throw new ApiError('ORIGIN_MISMATCH', 'This session token belongs to another site.', { retryable: false });
    }
    c.set('session', claims);
    await next();
  }

  const root = new Hono();
  root.route(config.basePath || '/', api);
  root.notFound(() => new ApiError('NOT_FOUND', 'No such endpoint.', { retryable: false }).toResponse());

  return {
    // The second argument is the runtime's own (Node's incoming request, a Worker's env): peerAddress reads it.
    fetch: (request, env) => root.fetch(request, env),
    jobs,
    metrics,
    async sweep(now = Date.now()) {
      media?.sweep(now);
      await jobs.sweep(now);
    },
    close: () => jobs.close(),
  };
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

interface JobFields {
  person?: File;
  personRef?: string;
  garments: (string | File)[];
  category: Category;
  productId?: string;
  variantId?: string;
}

function readJobFields(form: Record<string, string | File | (string | File)[]>, maxGarments: number): JobFields {
  const all = (name: string) => ([] as (string | File)[]).concat(form[name] ?? []);
  const one = (name: string) => {
    const values = all(name);
    if (values.length > 1) throw new ApiError('BAD_REQUEST', `"${name}" may be given once.`);
    return values[0];
  };
  const text = (name: string) => {
    const value = one(name);
    if (value instanceof File) throw new ApiError('BAD_REQUEST', `"${name}" must be text.`);
    if (value != null && value.length > MAX_ID_LENGTH) throw new ApiError('BAD_REQUEST', `"${name}" is too long.`);
    return value || undefined;
  };

  const person = one('person');
  const personRef = text('personRef');
  if (person != null && !(person instanceof File)) throw new ApiError('BAD_REQUEST', '"person" must be an image file.');
  if (!person && !personRef) throw new ApiError('PERSON_MISSING', 'Send a photo as "person" or a stored one as "personRef".');
  if (person && personRef) throw new ApiError('BAD_REQUEST', 'Send either "person" or "personRef", not both.');

  const garments = all('garment').filter((garment) => garment !== '');
  if (!garments.length) throw new ApiError('GARMENT_MISSING', 'Send the garment as an image URL or file in "garment".');
  if (garments.length > maxGarments) throw new ApiError('BAD_REQUEST', `This provider takes at most ${maxGarments} garment${maxGarments === 1 ? '' : 's'} per job.`);

  const category = text('category') ?? 'top';
  if (!(CATEGORIES as readonly string[]).includes(category)) throw new ApiError('INVALID_CATEGORY', `"category" must be one of ${CATEGORIES.join(', ')}.`);

  return { person: person as File | undefined, personRef, garments, category: category as Category, productId: text('productId'), variantId: text('variantId') };
}

/** Identifies a request's content, so a reused Idempotency-Key with other content is caught. */
async function fingerprintOf(fields: JobFields): Promise<string> {
  const parts: (string | ArrayBuffer)[] = [fields.category, fields.productId ?? '', fields.variantId ?? '', fields.personRef ?? ''];
  if (fields.person) parts.push(await fields.person.arrayBuffer());
  for (const garment of fields.garments) parts.push(typeof garment === 'string' ? garment : await garment.arrayBuffer());
  const bytes = await new Blob(parts.flatMap((part) => [part, '\u0000'])).arrayBuffer();
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function created(job: JobRecord): JobCreated {
  return { id: job.id, status: job.status, personRef: job.personRef };
}
