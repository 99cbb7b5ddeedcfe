import type { Limit } from './rate-limit.js';

/**
 * The proxy's whole configuration, read once from environment variables (see README,
 * "Run the proxy"). Everything else takes a `ProxyConfig`, so tests and embedders can
 * build one without touching `process.env`.
 */
export type Env = Record<string, string | undefined>;

export interface ProxyConfig {
  provider: string;
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
  /** Fixed sandbox job duration; random 3–6 s when unset. */
  sandboxDurationMs?: number;
  /** Development mode: plain-http garment URLs allowed, a secret generated when unset. */
  dev: boolean;
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
  };
  /** Upstream try-on runs per UTC day across all instances; 0 = no cap. Cache hits are free. */
  dailyJobLimit: number;
  /** Bearer token for `GET /metrics`; open when unset. */
  metricsToken?: string;
  /** Shared state in Redis when set; in memory (one instance) otherwise. */
  redisUrl?: string;
  /** The environment, for provider adapters that read their own variables. */
  env: Env;
}

export const MAX_TOKEN_TTL_S = 900;
const MIN_SECRET_LENGTH = 32;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

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

  const garmentHosts = env.FITTING_ROOM_GARMENT_HOSTS ? list(env.FITTING_ROOM_GARMENT_HOSTS).map((host) => host.toLowerCase()) : allowedOrigins.map((origin) => new URL(origin).host);

  const publicUrl = env.FITTING_ROOM_PUBLIC_URL ? parseUrl(env.FITTING_ROOM_PUBLIC_URL, 'FITTING_ROOM_PUBLIC_URL').href.replace(/\/$/, '') : undefined;

  const basePath = `/${(env.FITTING_ROOM_BASE_PATH ?? '').replace(/^\/+|\/+$/g, '')}`;
  const tokenTtlSeconds = seconds(env.FITTING_ROOM_TOKEN_TTL_S, 600, 'FITTING_ROOM_TOKEN_TTL_S');
  if (tokenTtlSeconds > MAX_TOKEN_TTL_S) throw new ConfigError(`FITTING_ROOM_TOKEN_TTL_S must be at most ${MAX_TOKEN_TTL_S} (15 minutes).`);

  return {
    provider: (env.FITTING_ROOM_PROVIDER || 'sandbox').toLowerCase(),
    secret,
    allowedOrigins,
    garmentHosts,
    publicUrl,
    basePath: basePath === '/' ? '' : basePath,
    retentionSeconds: seconds(env.FITTING_ROOM_RETENTION_S, 3600, 'FITTING_ROOM_RETENTION_S'),
    tokenTtlSeconds,
    dataDir: env.FITTING_ROOM_DATA_DIR || `${env.TMPDIR || '/tmp'}/fitting-room`,
    sandboxDurationMs: env.FITTING_ROOM_SANDBOX_DURATION_MS ? seconds(env.FITTING_ROOM_SANDBOX_DURATION_MS, 0, 'FITTING_ROOM_SANDBOX_DURATION_MS') : undefined,
    dev,
    maxImageBytes: 10 * 1024 * 1024,
    maxImagePixels: 50_000_000,
    trustedProxies: list(env.FITTING_ROOM_TRUSTED_PROXIES),
    limits: {
      jobsPerSession: limit('jobs-per-session', env.FITTING_ROOM_JOBS_PER_SESSION, 20, 600),
      jobsPerIp: limit('jobs-per-ip', env.FITTING_ROOM_JOBS_PER_IP, 60, 600),
      jobsPerOrigin: limit('jobs-per-origin', env.FITTING_ROOM_JOBS_PER_ORIGIN, 2000, 600),
      sessionsPerIp: limit('sessions-per-ip', env.FITTING_ROOM_SESSIONS_PER_IP, 60, 600),
    },
    dailyJobLimit: seconds(env.FITTING_ROOM_DAILY_JOB_LIMIT, 0, 'FITTING_ROOM_DAILY_JOB_LIMIT'),
    metricsToken: env.FITTING_ROOM_METRICS_TOKEN || undefined,
    redisUrl: env.REDIS_URL || undefined,
    env,
  };
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

function parseUrl(value: string, name: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new ConfigError(`${name}: "${value}" is not a URL.`);
  }
}

function seconds(value: string | undefined, fallback: number, name: string): number {
  if (value == null || value === '') return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new ConfigError(`${name} must be a non-negative number, got "${value}".`);
  return number;
}

/** `N` or `N/SECONDS` (e.g. `20/600`: 20 per 10 minutes); 0 turns the limit off. */
function limit(name: string, value: string | undefined, max: number, windowSeconds: number): Limit {
  if (!value) return { name, max, windowSeconds };
  const match = /^(\d+)(?:\/(\d+))?$/.exec(value.trim());
  if (!match) throw new ConfigError(`Rate limit for ${name} must look like 20 or 20/600 (count per seconds), got "${value}".`);
  return { name, max: Number(match[1]), windowSeconds: match[2] ? Number(match[2]) : windowSeconds };
}

function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
