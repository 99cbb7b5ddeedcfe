import { ConfigError, flag, limit, list, nonNegative, parseUrl, positive, wholeNumber } from './config-values.js';
import { DEFAULT_STREAM_LIMITS, type StreamLimits } from './event-stream-policy.js';
import type { MarkingSettings } from './marking/index.js';
import type { Limit } from './rate-limit.js';
import { readRouting, type RoutingConfig } from './routing/routing-config.js';
import { type ModelsSetting, readModelsSetting } from './models/gallery.js';

export { ConfigError };

/**
 * The proxy's whole configuration, read once from environment variables (see server/README.md,
 * "Run the proxy"). Everything else takes a `ProxyConfig`, so tests and embedders can
 * build one without touching `process.env`.
 */
export type Env = Record<string, string | undefined>;

export interface ProxyConfig {
  /** `FITTING_ROOM_MODELS`: the model gallery's folder or list (models/gallery.ts); undefined = no gallery. */
  models?: ModelsSetting;
  /** The first provider of `routing.providers` (the only one unless several are configured). */
  provider: string;
  /** Providers, routes by category, circuit breakers and daily quotas (routing/routing-config.ts). */
  routing: RoutingConfig;
  /** Signs session tokens (HS256). */
  secret: string;
  /** Exact origins (`https://shop.example`) allowed to open sessions. */
  allowedOrigins: string[];
  /** `host[:port]` values the proxy may fetch garment images from. */
  garmentHosts: string[];
  /** The proxy's own public base URL, for providers that fetch images by URL. */
  publicUrl?: string;
  /** Path prefix the contract is served under: `/` or `/fitting-room`. */
  basePath: string;
  retentionSeconds: number;
  tokenTtlSeconds: number;
  dataDir: string;
  /** Development mode: plain-http garment URLs allowed, a secret generated when unset. */
  dev: boolean;
  /** Garment images may come over plain http (`FITTING_ROOM_ALLOW_HTTP_GARMENTS`, or development): staging shops only. */
  allowHttpGarments: boolean;
  /** Per uploaded image. */
  maxImageBytes: number;
  /** Decoded pixels per image, checked from the header before any full decode. */
  maxImagePixels: number;
  /** Peer addresses whose `X-Forwarded-For` is believed (load balancers, CDNs). */
  trustedProxies: string[];
  limits: {
    jobsPerSession: Limit;
    jobsPerIp: Limit;
    jobsPerOrigin: Limit;
    sessionsPerIp: Limit;
    /** Analytics batches (`POST /events`) per client address. */
    eventsPerIp: Limit;
    /** Dashboard sign-in attempts per client address. */
    adminLoginsPerIp: Limit;
  };
  /** Open event streams per session and per address, and their lifetime (event-stream-policy.ts). */
  streams: StreamLimits;
  /** Days the analytics aggregates are kept after their day ends (enforced by expiry). */
  analyticsRetentionDays: number;
  /** Upstream try-on runs per UTC day across all instances; 0 = no cap. Cache hits are free. */
  dailyJobLimit: number;
  /** How long consent records are kept (apart from photos): proof of what each shopper agreed to. */
  consentRetentionSeconds: number;
  /** The shop's name, as the privacy notice and the result's marks say it. */
  shopName: string;
  /** Opens the merchant's dashboard (`GET /admin`) and the operator's endpoints (`GET /admin/consents`, `/admin/providers`); they are off when unset. */
  adminToken?: string;
  /** Bearer token for `GET /metrics`; open when unset. */
  metricsToken?: string;
  /** Shared state in Redis when set; in memory (one instance) otherwise. */
  redisUrl?: string;
  /** Shopify App Proxy mode: sessions only for requests Shopify signed with this secret. */
  shopifyAppProxySecret?: string;
  /** Photos and results in an S3-compatible bucket when set; on the filesystem (Node) otherwise. */
  s3?: S3Settings;
  /** How results are marked as AI-generated (marking/). */
  marking: MarkingSettings;
  /** The environment, from which the chosen provider reads its own settings (see providers/settings.ts). */
  env: Env;
}

/** An S3-compatible bucket (AWS S3, Cloudflare R2, MinIO, …), from the `S3_*` variables. */
export interface S3Settings {
  bucket: string;
  /** The service's base URL (`https://<account>.r2.cloudflarestorage.com`); AWS's regional endpoint when unset. */
  endpoint?: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key` (MinIO and most self-hosted servers). */
  forcePathStyle: boolean;
  /** Every object key starts with this (`fitting-room/`), so the bucket can be shared. */
  prefix: string;
}

export const MAX_TOKEN_TTL_S = 900;
const MIN_SECRET_LENGTH = 32;
const MAX_SHOP_NAME = 60;

/**
 * Reads and validates the proxy's own variables; a mistake is a `ConfigError` naming the
 * variable. The chosen provider's settings are read, with the same readers, when it is
 * created (providers/settings.ts): this module imports no provider, so the edge bundle can
 * never reach the sandbox's sharp through it.
 */
export function readConfig(env: Env, { dev = false }: { dev?: boolean } = {}): ProxyConfig {
  const secret = env.FITTING_ROOM_SECRET || (dev ? randomSecret() : '');
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(`FITTING_ROOM_SECRET must be set to at least ${MIN_SECRET_LENGTH} characters (e.g. \`openssl rand -hex 32\`).`);
  }

  const allowedOrigins = list(env.FITTING_ROOM_ALLOWED_ORIGINS).map((value) => {
    const url = parseUrl(value, 'FITTING_ROOM_ALLOWED_ORIGINS');
    if (url.origin !== value.replace(/\/$/, '')) throw new ConfigError(`FITTING_ROOM_ALLOWED_ORIGINS: "${value}" is not a bare origin like https://shop.example.`);
    return url.origin;
  });
  if (!allowedOrigins.length) throw new ConfigError('FITTING_ROOM_ALLOWED_ORIGINS must list the shop origins, e.g. https://shop.example.');

  const garmentHosts = env.FITTING_ROOM_GARMENT_HOSTS
    ? list(env.FITTING_ROOM_GARMENT_HOSTS).map((host) => host.toLowerCase())
    : allowedOrigins.map((origin) => new URL(origin).host);

  const publicUrl = env.FITTING_ROOM_PUBLIC_URL ? parseUrl(env.FITTING_ROOM_PUBLIC_URL, 'FITTING_ROOM_PUBLIC_URL').href.replace(/\/$/, '') : undefined;

  const basePath = `/${(env.FITTING_ROOM_BASE_PATH ?? '').replace(/^\/+|\/+$/g, '')}`;
  const tokenTtlSeconds = nonNegative(env.FITTING_ROOM_TOKEN_TTL_S, 600, 'FITTING_ROOM_TOKEN_TTL_S');
  if (tokenTtlSeconds > MAX_TOKEN_TTL_S) throw new ConfigError(`FITTING_ROOM_TOKEN_TTL_S must be at most ${MAX_TOKEN_TTL_S} (15 minutes).`);

  const shopName = readShopName(env, allowedOrigins);

  const routing = readRouting(env);
  return {
    provider: routing.providers[0]!,
    routing,
    secret,
    allowedOrigins,
    garmentHosts,
    publicUrl,
    basePath: basePath === '/' ? '' : basePath,
    retentionSeconds: nonNegative(env.FITTING_ROOM_RETENTION_S, 3600, 'FITTING_ROOM_RETENTION_S'),
    tokenTtlSeconds,
    models: readModelsSetting(env.FITTING_ROOM_MODELS),
    dataDir: env.FITTING_ROOM_DATA_DIR || `${env.TMPDIR || '/tmp'}/fitting-room`,
    dev,
    allowHttpGarments: flag(env.FITTING_ROOM_ALLOW_HTTP_GARMENTS, 'FITTING_ROOM_ALLOW_HTTP_GARMENTS') ?? dev,
    maxImageBytes: 10 * 1024 * 1024,
    maxImagePixels: 50_000_000,
    trustedProxies: list(env.FITTING_ROOM_TRUSTED_PROXIES),
    limits: {
      jobsPerSession: limit('jobs-per-session', env.FITTING_ROOM_JOBS_PER_SESSION, 20, 600),
      jobsPerIp: limit('jobs-per-ip', env.FITTING_ROOM_JOBS_PER_IP, 60, 600),
      jobsPerOrigin: limit('jobs-per-origin', env.FITTING_ROOM_JOBS_PER_ORIGIN, 2000, 600),
      sessionsPerIp: limit('sessions-per-ip', env.FITTING_ROOM_SESSIONS_PER_IP, 60, 600),
      eventsPerIp: limit('events-per-ip', env.FITTING_ROOM_EVENTS_PER_IP, 600, 600),
      adminLoginsPerIp: limit('admin-logins-per-ip', env.FITTING_ROOM_ADMIN_LOGINS_PER_IP, 10, 600),
    },
    streams: {
      perSession: wholeNumber(env.FITTING_ROOM_STREAMS_PER_SESSION, DEFAULT_STREAM_LIMITS.perSession, 'FITTING_ROOM_STREAMS_PER_SESSION'),
      perAddress: wholeNumber(env.FITTING_ROOM_STREAMS_PER_IP, DEFAULT_STREAM_LIMITS.perAddress, 'FITTING_ROOM_STREAMS_PER_IP'),
      lifetimeMs: 1000 * positive(env.FITTING_ROOM_STREAM_LIFETIME_S, DEFAULT_STREAM_LIMITS.lifetimeMs / 1000, 'FITTING_ROOM_STREAM_LIFETIME_S'),
    },
    analyticsRetentionDays: nonNegative(env.FITTING_ROOM_ANALYTICS_RETENTION_DAYS, 90, 'FITTING_ROOM_ANALYTICS_RETENTION_DAYS'),
    dailyJobLimit: nonNegative(env.FITTING_ROOM_DAILY_JOB_LIMIT, 0, 'FITTING_ROOM_DAILY_JOB_LIMIT'),
    consentRetentionSeconds: nonNegative(env.FITTING_ROOM_CONSENT_RETENTION_S, 365 * 86_400, 'FITTING_ROOM_CONSENT_RETENTION_S'),
    shopName,
    adminToken: readAdminToken(env.FITTING_ROOM_ADMIN_TOKEN),
    metricsToken: env.FITTING_ROOM_METRICS_TOKEN || undefined,
    redisUrl: env.REDIS_URL || undefined,
    shopifyAppProxySecret: env.SHOPIFY_APP_PROXY_SECRET || undefined,
    s3: readS3(env),
    marking: readMarking(env, shopName),
    env,
  };
}

function readS3(env: Env): S3Settings | undefined {
  const bucket = env.S3_BUCKET?.trim();
  if (!bucket) {
    // A half-configured bucket must not silently fall back to the filesystem of one instance.
    const stray = ['S3_ENDPOINT', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'].find((name) => env[name]);
    if (stray) throw new ConfigError(`${stray} is set but S3_BUCKET is not; set S3_BUCKET to store photos in the bucket, or unset ${stray}.`);
    return undefined;
  }
  const accessKeyId = env.S3_ACCESS_KEY_ID?.trim();
  const secretAccessKey = env.S3_SECRET_ACCESS_KEY?.trim();
  if (!accessKeyId || !secretAccessKey) throw new ConfigError('S3_BUCKET is set: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set too.');
  let endpoint: string | undefined;
  if (env.S3_ENDPOINT) {
    const url = parseUrl(env.S3_ENDPOINT, 'S3_ENDPOINT');
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`S3_ENDPOINT must be an http(s) URL, got "${env.S3_ENDPOINT}".`);
    endpoint = url.href.replace(/\/$/, '');
  }
  const prefix = (env.S3_PREFIX ?? 'fitting-room/').replace(/^\/+/, '');
  if (!/^[A-Za-z0-9._/-]*$/.test(prefix)) throw new ConfigError(`S3_PREFIX may hold letters, digits and . _ - / only, got "${prefix}".`);
  return {
    bucket,
    endpoint,
    region: env.S3_REGION?.trim() || 'us-east-1',
    accessKeyId,
    secretAccessKey,
    // Self-hosted endpoints rarely have a wildcard DNS name per bucket; AWS prefers virtual hosts.
    forcePathStyle: flag(env.S3_FORCE_PATH_STYLE, 'S3_FORCE_PATH_STYLE') ?? endpoint !== undefined,
    prefix: prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix,
  };
}

/** The admin token opens the dashboard and an export of every consent record: as long as the secret, so it cannot be guessed. */
function readAdminToken(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (value.length < MIN_SECRET_LENGTH) throw new ConfigError(`FITTING_ROOM_ADMIN_TOKEN must be at least ${MIN_SECRET_LENGTH} characters (e.g. \`openssl rand -hex 32\`).`);
  return value;
}

/** The shop's name for the privacy notice and the results' marks: the first allowed origin's host unless named. */
function readShopName(env: Env, allowedOrigins: string[]): string {
  const shopName = env.FITTING_ROOM_SHOP_NAME?.trim() || new URL(allowedOrigins[0]!).hostname;
  // It goes into every result's corner mark, which must stay small.
  if ([...shopName].length > MAX_SHOP_NAME) throw new ConfigError(`FITTING_ROOM_SHOP_NAME must be at most ${MAX_SHOP_NAME} characters.`);
  return shopName;
}

function readMarking(env: Env, shopName: string): MarkingSettings {
  const certificate = env.FITTING_ROOM_C2PA_CERT?.trim();
  const privateKey = env.FITTING_ROOM_C2PA_KEY?.trim();
  if (Boolean(certificate) !== Boolean(privateKey)) throw new ConfigError('FITTING_ROOM_C2PA_CERT and FITTING_ROOM_C2PA_KEY go together: set both to sign results, or neither.');
  return {
    shopName,
    visibleMark: flag(env.FITTING_ROOM_VISIBLE_MARK, 'FITTING_ROOM_VISIBLE_MARK') ?? true,
    c2pa: certificate && privateKey ? { certificate, privateKey } : undefined,
  };
}

/** Every configured value that must never appear in a log line, whatever its name. */
export function secretsOf(config: ProxyConfig): string[] {
  const secretNames = /(SECRET|TOKEN|API_KEY|ACCESS_KEY|KEY_ID|PASSWORD|C2PA_KEY)$/;
  return [config.secret, ...Object.entries(config.env).flatMap(([name, value]) => (value && secretNames.test(name) ? [value] : []))];
}

function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
