import { Hono } from 'hono';
import type { ProxyConfig } from './config.js';
import { ApiError } from './errors.js';
import { OpenStreams } from './event-stream-policy.js';
import { JobEventStreams, STREAM_TIMING } from './event-streams.js';
import type { GarmentFetchPolicy } from './garment-source.js';
import type { ImageCleaner } from './images.js';
import { JobService } from './jobs.js';
import type { Logger } from './log.js';
import { Metrics } from './metrics.js';
import { accessLog } from './middleware/access-log.js';
import { authenticate } from './middleware/authenticate.js';
import { cors } from './middleware/cors.js';
import { requestContext, type RequestContextEnv } from './middleware/request-context.js';
import { securityHeaders } from './middleware/security-headers.js';
import { sequence } from './middleware/sequence.js';
import type { ProviderAdapter } from './providers/types.js';
import { PublicMedia } from './public-media.js';
import { RateLimiter } from './rate-limit.js';
import { errorResponse, handleErrors } from './routes/errors.js';
import { type DirectResponses, eventRoutes } from './routes/events.js';
import { jobRoutes } from './routes/jobs.js';
import { opsRoutes } from './routes/ops.js';
import { resultRoutes } from './routes/results.js';
import { sessionRoutes } from './routes/session.js';
import { SessionSigner } from './session.js';
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
  /** Response objects of the runtime that event streams write to directly (the Node entry passes Node's). */
  directResponses?: DirectResponses;
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

/**
 * The proxy as one web-standard fetch handler (Hono): the widget ↔ proxy contract of
 * README "The contract". Node, edge and serverless entries wrap this same app.
 *
 * Here the parts are made and wired: the services, the middleware every request passes
 * (middleware/), and the routes (routes/), each a small Hono app of its own.
 */
export function createProxy(config: ProxyConfig, deps: ProxyDependencies): Proxy {
  const { provider, store, log, cleanImage, state } = deps;
  const metrics = deps.metrics ?? new Metrics();
  const limiter = new RateLimiter(state, metrics);
  const signer = new SessionSigner(config.secret, config.tokenTtlSeconds, config.retentionSeconds);
  const media = config.publicUrl ? new PublicMedia(config.publicUrl) : undefined;
  const imageLimits = { maxBytes: config.maxImageBytes, maxPixels: config.maxImagePixels };
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
    cleanResult: (image) => cleanImage(image.bytes, { ...imageLimits, maxBytes: 4 * imageLimits.maxBytes }, 'result'),
  });
  const garmentPolicy: GarmentFetchPolicy = { allowedHosts: config.garmentHosts, allowHttp: config.dev, maxBytes: config.maxImageBytes, fetch: deps.fetch };
  const streams = new JobEventStreams(jobs, log, { ...STREAM_TIMING, lifetimeMs: config.streams.lifetimeMs });
  const openStreams = new OpenStreams(config.streams, metrics);
  const requireSession = authenticate({ signer, allowedOrigins: config.allowedOrigins });

  const api = new Hono()
    // Outside the sequence below: it logs the answer to every request, errors included.
    .use(accessLog(log))
    // One Hono layer for the middleware that prepare every request (see sequence.ts for why).
    .use(
      sequence<RequestContextEnv>(
        requestContext({ trustedProxies: config.trustedProxies, peerAddress: deps.peerAddress }),
        securityHeaders({ strictTransportSecurity: !config.dev }),
        cors({
          allowedOrigins: config.allowedOrigins,
          allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
          allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'last-event-id'],
          exposeHeaders: ['retry-after', 'x-request-id'],
          maxAge: 600,
        }),
      ),
    )
    // Everything under /jobs and /results needs a session, unknown paths there included ('/jobs/*' matches '/jobs' too).
    .use('/jobs/*', requireSession)
    .use('/results/*', requireSession);

  const appProxy = config.shopifyAppProxySecret
    ? shopifyAppProxy({ secret: config.shopifyAppProxySecret, onReject: (reason) => log.info('app_proxy.rejected', { reason }) })
    : undefined;
  api.route(
    '/',
    sessionRoutes({ signer, limiter, limit: config.limits.sessionsPerIp, allowedOrigins: config.allowedOrigins, retentionSeconds: config.retentionSeconds, guard: appProxy }),
  );
  api.route('/', opsRoutes({ provider, state, metrics, metricsToken: config.metricsToken, store, media }));
  api.route('/', jobRoutes({ jobs, limiter, limits: config.limits, provider, cleanImage, imageLimits, garmentPolicy, log }));
  api.route('/', eventRoutes({ jobs, streams, openStreams, direct: deps.directResponses }));
  api.route('/', resultRoutes({ jobs }));

  const root = new Hono<RequestContextEnv>();
  root.route(config.basePath || '/', api);
  root.notFound((c) => errorResponse(c, new ApiError('NOT_FOUND', 'No such endpoint.', { retryable: false })));
  // On the root, not on `api`: a sub-app's own error handler would wrap each of its handlers in one more compose.
  root.onError(handleErrors(log));

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
