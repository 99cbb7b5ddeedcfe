import { Hono } from 'hono';
import { type AdminRouteOptions, adminRoutes } from './admin/routes.js';
import { AnalyticsAggregates } from './analytics/aggregates.js';
import type { ProxyConfig } from './config.js';
import { ApiError } from './errors.js';
import { OpenStreams } from './event-stream-policy.js';
import { JobEventStreams, STREAM_TIMING } from './event-streams.js';
import type { GarmentFetchPolicy } from './garment-source.js';
import type { ImageCleaner, ImageLimits } from './images.js';
import { JobService } from './jobs.js';
import type { Logger } from './log.js';
import { createResultMarker, type MarkingTools, type ResultMarker } from './marking/index.js';
import { Metrics } from './metrics.js';
import { ConsentLedger } from './consent-records.js';
import { accessLog } from './middleware/access-log.js';
import { adminAuth } from './middleware/admin-auth.js';
import { authenticate } from './middleware/authenticate.js';
import { cors } from './middleware/cors.js';
import { requestContext, type RequestContextEnv } from './middleware/request-context.js';
import { securityHeaders } from './middleware/security-headers.js';
import { sequence } from './middleware/sequence.js';
import type { ProviderAdapter } from './providers/types.js';
import { ProviderPool } from './routing/pool.js';
import { adminProviderRoutes } from './routes/admin-providers.js';
import { PublicMedia } from './public-media.js';
import { RateLimiter } from './rate-limit.js';
import { adminConsentRoutes } from './routes/admin-consents.js';
import { errorResponse, handleErrors } from './routes/errors.js';
import { type DirectResponses, eventRoutes } from './routes/events.js';
import { collectorRoutes } from './routes/events-collector.js';
import { jobRoutes } from './routes/jobs.js';
import { modelRoutes } from './routes/models.js';
import { ModelGallery } from './models/gallery.js';
import { fetchGarment } from './garment-source.js';
import { opsRoutes } from './routes/ops.js';
import { privacyRoutes } from './routes/privacy.js';
import { resultRoutes } from './routes/results.js';
import { sessionRoutes } from './routes/session.js';
import { randomId, SessionSigner } from './session.js';
import { shopifyAppProxy } from './shopify-app-proxy.js';
import type { SharedState } from './state/types.js';
import type { BlobStore } from './store.js';

export interface ProxyDependencies {
  /** The first provider; with several (`FITTING_ROOM_PROVIDERS`), `providers` holds them all. */
  provider: ProviderAdapter;
  /** Every provider of `config.routing.providers`; `[provider]` when unset. */
  providers?: ProviderAdapter[];
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
  /** What this runtime adds to the XMP mark on results: the visible mark (its cleaner draws) and C2PA signing (node.ts gives both). */
  markingTools?: MarkingTools;
  /** Response objects of the runtime that event streams write to directly (the Node entry passes Node's). */
  directResponses?: DirectResponses;
  /** uPlot for the dashboard (Node reads it from node_modules); without it, and without FITTING_ROOM_ADMIN_TOKEN, there is no `/admin`. */
  chartLibrary?: AdminRouteOptions['chartLibrary'];
  /** Reads a file of the `FITTING_ROOM_MODELS` folder (Node); without it only a JSON list of URLs works. */
  readFile?: (path: string) => Promise<Uint8Array>;
}

export interface Proxy {
  /** The web-standard handler: `(request) => response`. */
  fetch: (request: Request, env?: unknown) => Response | Promise<Response>;
  jobs: JobService;
  metrics: Metrics;
  /** The analytics counters the collector adds to and the dashboard reads. */
  analytics: AnalyticsAggregates;
  /** Retention: deletes what has expired. Call it on a timer (the Node entry does). */
  sweep(now?: number): Promise<void>;
  /** Stops watching jobs and hands them on (see JobService.close). */
  close(): Promise<void>;
}

/** Tries at the operator's endpoints per client address: plenty for a tool, too few to guess a token. */
const ADMIN_ATTEMPTS_PER_IP = { name: 'admin-per-ip', max: 30, windowSeconds: 600 };

/**
 * The proxy as one web-standard fetch handler (Hono): the widget ↔ proxy contract of
 * server/README.md, "The contract". Node, edge and serverless entries wrap this same app.
 *
 * Here the parts are made and wired: the services, the middleware every request passes
 * (middleware/), and the routes (routes/), each a small Hono app of its own.
 */
export function createProxy(config: ProxyConfig, deps: ProxyDependencies): Proxy {
  const services = createServices(config, deps);
  const api = apiMiddleware(config, deps, services);
  mountRoutes(api, config, deps, services);

  const root = new Hono<RequestContextEnv>();
  root.route(config.basePath || '/', api);
  root.notFound((c) => errorResponse(c, new ApiError('NOT_FOUND', 'No such endpoint.', { retryable: false })));
  // On the root, not on `api`: a sub-app's own error handler would wrap each of its handlers in one more compose.
  root.onError(handleErrors(deps.log));

  const { jobs, metrics, aggregates, media } = services;
  return {
    // The second argument is the runtime's own (Node's incoming request, a Worker's env): peerAddress reads it.
    fetch: (request, env) => root.fetch(request, env),
    jobs,
    metrics,
    analytics: aggregates,
    async sweep(now = Date.now()) {
      media?.sweep(now);
      await jobs.sweep(now);
    },
    close: () => jobs.close(),
  };
}

/** The services of one proxy, made once by `createServices`; the routes share them. */
interface ProxyServices {
  metrics: Metrics;
  limiter: RateLimiter;
  aggregates: AnalyticsAggregates;
  signer: SessionSigner;
  media?: PublicMedia;
  imageLimits: ImageLimits;
  marker: ResultMarker;
  garmentPolicy: GarmentFetchPolicy;
  gallery: ModelGallery;
  pool: ProviderPool;
  jobs: JobService;
  streams: JobEventStreams;
  openStreams: OpenStreams;
  consents: ConsentLedger;
}

/** A run that has not ended by then fails; a breaker's probe is leased for as long. */
const JOB_TIMEOUT_MS = 180_000;

/** Makes the services from the configuration and the runtime's parts, and logs what the operator should know about them. */
function createServices(config: ProxyConfig, deps: ProxyDependencies): ProxyServices {
  const { provider, store, log, cleanImage, state } = deps;
  const metrics = deps.metrics ?? new Metrics();
  const imageLimits = { maxBytes: config.maxImageBytes, maxPixels: config.maxImagePixels };
  const marker = createResultMarker({ settings: config.marking, tools: deps.markingTools ?? {}, provider: provider.name, log, metrics });
  log.info('result.marking', {
    ...marker.status,
    ...(!marker.status.c2pa && {
      note: config.marking.c2pa
        ? 'this runtime cannot sign C2PA: results carry XMP only'
        : 'no C2PA certificate (FITTING_ROOM_C2PA_CERT, FITTING_ROOM_C2PA_KEY): results carry XMP only',
    }),
  });
  const garmentPolicy: GarmentFetchPolicy = { allowedHosts: config.garmentHosts, allowHttp: config.allowHttpGarments, maxBytes: config.maxImageBytes, fetch: deps.fetch };
  const gallery = new ModelGallery(config.models, { readFile: deps.readFile, fetchImage: (url) => fetchGarment(url, garmentPolicy), cleanImage, imageLimits, store, log });
  const pool = new ProviderPool(deps.providers ?? [provider], config.routing, state, log, { instance: randomId(8), probeLeaseMs: JOB_TIMEOUT_MS });
  const media = config.publicUrl ? new PublicMedia(config.publicUrl) : undefined;
  const aggregates = new AnalyticsAggregates(state, config.analyticsRetentionDays);
  const jobs = createJobService(config, deps, { pool, metrics, aggregates, gallery, media, marker, imageLimits });
  if (config.allowHttpGarments && !config.dev) {
    log.warn('http-garments-allowed', { detail: 'FITTING_ROOM_ALLOW_HTTP_GARMENTS is on: garment images may come over plain http. For staging shops only.' });
  }
  return {
    metrics,
    limiter: new RateLimiter(state, metrics),
    aggregates,
    signer: new SessionSigner(config.secret, config.tokenTtlSeconds, config.retentionSeconds),
    media,
    imageLimits,
    marker,
    garmentPolicy,
    gallery,
    pool,
    jobs,
    streams: new JobEventStreams(jobs, log, { ...STREAM_TIMING, lifetimeMs: config.streams.lifetimeMs }),
    openStreams: new OpenStreams(config.streams, metrics),
    consents: new ConsentLedger({ state, secret: config.secret, retentionSeconds: config.consentRetentionSeconds }),
  };
}

/** The job service, wired to the providers, the analytics counters, the model gallery and the result marks. */
function createJobService(
  config: ProxyConfig,
  { store, state, log, cleanImage }: ProxyDependencies,
  { pool, metrics, aggregates, gallery, media, marker, imageLimits }: Pick<ProxyServices, 'pool' | 'metrics' | 'aggregates' | 'gallery' | 'media' | 'marker' | 'imageLimits'>,
): JobService {
  return new JobService({
    providers: pool,
    jobTimeoutMs: JOB_TIMEOUT_MS,
    store,
    state,
    log,
    metrics,
    secret: config.secret,
    retentionSeconds: config.retentionSeconds,
    onRun: (kind) => void aggregates.recordRun(kind).catch((error) => log.warn('analytics.count_failed', { error })),
    modelPhoto: async (id) => {
      await gallery.ready;
      return gallery.photo(id);
    },
    quotas: { daily: config.dailyJobLimit, session: config.routing.sessionDailyLimit, browser: config.routing.browserDailyLimit },
    onQuotaRefused: (scope) => metrics.quotaRefusals.inc({ scope }),
    publicUrl: media && ((key, expiresAt) => media.link(key, expiresAt)),
    // Providers' images may carry metadata of their own; they leave the proxy as pixels plus our AI-generated marks only.
    cleanResult: async (image) => marker.mark(image, await cleanImage(image.bytes, { ...imageLimits, maxBytes: 4 * imageLimits.maxBytes }, 'result', { overlay: marker.overlay })),
  });
}

/** The API's app with the middleware every request passes, and the guards of the paths that need a session or the admin token. */
function apiMiddleware(config: ProxyConfig, deps: ProxyDependencies, { signer, limiter }: ProxyServices) {
  const { log } = deps;
  const requireSession = authenticate({ signer, allowedOrigins: config.allowedOrigins });
  const requireAdmin = adminAuth({
    token: config.adminToken,
    limiter,
    limit: ADMIN_ATTEMPTS_PER_IP,
    onReject: (reason) => log.warn('admin.rejected', { reason }),
  });
  return (
    new Hono()
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
      .use('/results/*', requireSession)
      // The operator's export, for tools only (the dashboard under /admin signs in a browser: admin/auth.ts).
      .use('/admin/consents', requireAdmin)
      .use('/admin/providers', requireAdmin)
      .use('/admin/providers/*', requireAdmin)
  );
}

/** Mounts the route modules (routes/, admin/) on the API's app. */
function mountRoutes(api: ReturnType<typeof apiMiddleware>, config: ProxyConfig, deps: ProxyDependencies, services: ProxyServices) {
  const { provider, log, cleanImage, state, store } = deps;
  const { signer, limiter, pool, metrics, media, marker, jobs, streams, openStreams, gallery, consents, aggregates, imageLimits, garmentPolicy } = services;
  const appProxy = config.shopifyAppProxySecret
    ? shopifyAppProxy({ secret: config.shopifyAppProxySecret, onReject: (reason) => log.info('app_proxy.rejected', { reason }) })
    : undefined;
  api.route(
    '/',
    sessionRoutes({ signer, limiter, limit: config.limits.sessionsPerIp, allowedOrigins: config.allowedOrigins, retentionSeconds: config.retentionSeconds, guard: appProxy }),
  );
  api.route('/', opsRoutes({ pool, dailyJobLimit: config.dailyJobLimit, state, metrics, metricsToken: config.metricsToken, store, media, marking: marker.status }));
  api.route('/', adminProviderRoutes({ pool, log }));
  api.route(
    '/',
    jobRoutes({
      jobs,
      limiter,
      limits: config.limits,
      provider: { name: provider.name },
      cleanImage,
      imageLimits,
      garmentPolicy,
      log,
      consents,
      hasModel: (id) => gallery.ready.then(() => gallery.has(id)),
    }),
  );
  api.route('/', eventRoutes({ jobs, streams, openStreams, direct: deps.directResponses }));
  api.route('/', resultRoutes({ jobs }));
  api.route('/', modelRoutes({ gallery }));
  api.route('/', adminConsentRoutes({ consents }));
  api.route(
    '/',
    privacyRoutes({
      shopName: config.shopName,
      providerLabel: provider.label ?? provider.name,
      sandbox: provider.name === 'sandbox',
      retentionSeconds: config.retentionSeconds,
      consentRetentionSeconds: config.consentRetentionSeconds,
    }),
  );
  api.route('/', collectorRoutes({ aggregates, signer, limiter, limit: config.limits.eventsPerIp, allowedOrigins: config.allowedOrigins, provider: provider.name }));
  if (config.adminToken && deps.chartLibrary) {
    const { adminToken, secret, basePath, dev, analyticsRetentionDays } = config;
    const maxDays = Math.max(1, Math.min(366, analyticsRetentionDays + 1));
    api.route(
      '/',
      adminRoutes({ adminToken, secret, base: basePath, dev, limiter, loginLimit: config.limits.adminLoginsPerIp, aggregates, maxDays, chartLibrary: deps.chartLibrary }),
    );
  }
}
