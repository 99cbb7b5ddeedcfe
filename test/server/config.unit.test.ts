import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig, secretsOf, type Env } from '../../src/server/config.js';
import { aurax } from '../../src/server/providers/aurax/index.js';
import { PROVIDER_CATALOG } from '../../src/server/providers/catalog.js';
import { miraflow } from '../../src/server/providers/miraflow/index.js';
import { mirrago } from '../../src/server/providers/mirrago/index.js';
import { sandbox } from '../../src/server/providers/sandbox/index.js';
import { studio } from '../../src/server/providers/studio/index.js';
import { tryonapi } from '../../src/server/providers/tryonapi/index.js';

/** `readConfig` and the providers' settings, without a server: every default and every message an operator can get. */

const SECRET = 'a-secret-that-is-long-enough-0123456789';
const MINIMAL: Env = { FITTING_ROOM_SECRET: SECRET, FITTING_ROOM_ALLOWED_ORIGINS: 'https://shop.example' };

/** The ConfigError message `read` throws (failing the test when it throws anything else, or nothing). */
function configError(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('no ConfigError');
}

describe('readConfig', () => {
  it('fills in the defaults from two variables', () => {
    const config = readConfig(MINIMAL);
    expect(config).toMatchObject({
      provider: 'sandbox',
      allowedOrigins: ['https://shop.example'],
      garmentHosts: ['shop.example'],
      publicUrl: undefined,
      basePath: '',
      retentionSeconds: 3600,
      tokenTtlSeconds: 600,
      dev: false,
      trustedProxies: [],
      dailyJobLimit: 0,
      metricsToken: undefined,
      redisUrl: undefined,
      s3: undefined,
      limits: {
        jobsPerSession: { name: 'jobs-per-session', max: 20, windowSeconds: 600 },
        jobsPerIp: { name: 'jobs-per-ip', max: 60, windowSeconds: 600 },
        jobsPerOrigin: { name: 'jobs-per-origin', max: 2000, windowSeconds: 600 },
        sessionsPerIp: { name: 'sessions-per-ip', max: 60, windowSeconds: 600 },
      },
    });
    expect(config.dataDir).toMatch(/\/fitting-room$/);
  });

  it('reads lists, the base path, the provider name and URLs in their usual spellings', () => {
    const config = readConfig({
      ...MINIMAL,
      FITTING_ROOM_ALLOWED_ORIGINS: ' https://a.example/ , https://b.example ',
      FITTING_ROOM_GARMENT_HOSTS: 'CDN.Shopify.com, img.example:8443',
      FITTING_ROOM_BASE_PATH: '/fitting-room/',
      FITTING_ROOM_PROVIDER: 'Mirrago',
      FITTING_ROOM_PUBLIC_URL: 'https://proxy.example/',
      FITTING_ROOM_TRUSTED_PROXIES: '10.0.0.1,10.0.0.2',
    });
    expect(config).toMatchObject({
      allowedOrigins: ['https://a.example', 'https://b.example'],
      garmentHosts: ['cdn.shopify.com', 'img.example:8443'],
      basePath: '/fitting-room',
      provider: 'mirrago',
      publicUrl: 'https://proxy.example',
      trustedProxies: ['10.0.0.1', '10.0.0.2'],
    });
  });

  it('generates a secret in development only', () => {
    expect(readConfig({ ...MINIMAL, FITTING_ROOM_SECRET: undefined }, { dev: true }).secret).toMatch(/^[0-9a-f]{64}$/);
    expect(configError(() => readConfig({ ...MINIMAL, FITTING_ROOM_SECRET: 'short' }))).toBe(
      'FITTING_ROOM_SECRET must be set to at least 32 characters (e.g. `openssl rand -hex 32`).',
    );
  });

  it('names the variable and the expected form in every validation error', () => {
    const cases: [Env, string][] = [
      [{ FITTING_ROOM_ALLOWED_ORIGINS: '' }, 'FITTING_ROOM_ALLOWED_ORIGINS must list the shop origins, e.g. https://shop.example.'],
      [{ FITTING_ROOM_ALLOWED_ORIGINS: 'shop.example' }, 'FITTING_ROOM_ALLOWED_ORIGINS: "shop.example" is not a URL.'],
      [
        { FITTING_ROOM_ALLOWED_ORIGINS: 'https://shop.example/products' },
        'FITTING_ROOM_ALLOWED_ORIGINS: "https://shop.example/products" is not a bare origin like https://shop.example.',
      ],
      [{ FITTING_ROOM_PUBLIC_URL: 'proxy.example' }, 'FITTING_ROOM_PUBLIC_URL: "proxy.example" is not a URL.'],
      [{ FITTING_ROOM_TOKEN_TTL_S: '3600' }, 'FITTING_ROOM_TOKEN_TTL_S must be at most 900 (15 minutes).'],
      [{ FITTING_ROOM_TOKEN_TTL_S: '-1' }, 'FITTING_ROOM_TOKEN_TTL_S must be a non-negative number, got "-1".'],
      [{ FITTING_ROOM_RETENTION_S: 'an hour' }, 'FITTING_ROOM_RETENTION_S must be a non-negative number, got "an hour".'],
      [{ FITTING_ROOM_DAILY_JOB_LIMIT: 'lots' }, 'FITTING_ROOM_DAILY_JOB_LIMIT must be a non-negative number, got "lots".'],
      [{ S3_ENDPOINT: 'https://minio.example' }, 'S3_ENDPOINT is set but S3_BUCKET is not; set S3_BUCKET to store photos in the bucket, or unset S3_ENDPOINT.'],
      [{ S3_BUCKET: 'photos', S3_ACCESS_KEY_ID: 'id' }, 'S3_BUCKET is set: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set too.'],
      [
        { S3_BUCKET: 'photos', S3_ACCESS_KEY_ID: 'id', S3_SECRET_ACCESS_KEY: 'key', S3_ENDPOINT: 'ftp://minio.example' },
        'S3_ENDPOINT must be an http(s) URL, got "ftp://minio.example".',
      ],
      [{ S3_BUCKET: 'photos', S3_ACCESS_KEY_ID: 'id', S3_SECRET_ACCESS_KEY: 'key', S3_PREFIX: 'a b' }, 'S3_PREFIX may hold letters, digits and . _ - / only, got "a b".'],
      [{ S3_BUCKET: 'photos', S3_ACCESS_KEY_ID: 'id', S3_SECRET_ACCESS_KEY: 'key', S3_FORCE_PATH_STYLE: 'maybe' }, 'S3_FORCE_PATH_STYLE must be true or false, got "maybe".'],
    ];
    expect(cases.map(([env]) => configError(() => readConfig({ ...MINIMAL, ...env })))).toEqual(cases.map(([, message]) => message));
  });

  it('reads rate limits as a count or a count per seconds, 0 turning one off', () => {
    const { limits } = readConfig({
      ...MINIMAL,
      FITTING_ROOM_JOBS_PER_SESSION: '5',
      FITTING_ROOM_JOBS_PER_IP: '30/60',
      FITTING_ROOM_JOBS_PER_ORIGIN: '0',
      FITTING_ROOM_SESSIONS_PER_IP: ' 10/3600 ',
    });
    expect(limits).toEqual({
      jobsPerSession: { name: 'jobs-per-session', max: 5, windowSeconds: 600 },
      jobsPerIp: { name: 'jobs-per-ip', max: 30, windowSeconds: 60 },
      jobsPerOrigin: { name: 'jobs-per-origin', max: 0, windowSeconds: 600 },
      sessionsPerIp: { name: 'sessions-per-ip', max: 10, windowSeconds: 3600 },
      eventsPerIp: { name: 'events-per-ip', max: 600, windowSeconds: 600 },
      adminLoginsPerIp: { name: 'admin-logins-per-ip', max: 10, windowSeconds: 600 },
    });
    for (const wrong of ['20 per 600', '20/', '-5', '1.5']) {
      expect(configError(() => readConfig({ ...MINIMAL, FITTING_ROOM_JOBS_PER_IP: wrong }))).toBe(
        `Rate limit for jobs-per-ip must look like 20 or 20/600 (count per seconds), got "${wrong}".`,
      );
    }
  });

  it('reads the dashboard token (long enough, or off) and the analytics retention', () => {
    expect(readConfig(MINIMAL)).toMatchObject({ adminToken: undefined, analyticsRetentionDays: 90 });
    expect(readConfig({ ...MINIMAL, FITTING_ROOM_ADMIN_TOKEN: 'a'.repeat(32), FITTING_ROOM_ANALYTICS_RETENTION_DAYS: '400' })).toMatchObject({
      adminToken: 'a'.repeat(32),
      analyticsRetentionDays: 400,
    });
    expect(configError(() => readConfig({ ...MINIMAL, FITTING_ROOM_ADMIN_TOKEN: 'short' }))).toMatch(/^FITTING_ROOM_ADMIN_TOKEN must be at least 32 characters/);
    expect(secretsOf(readConfig({ ...MINIMAL, FITTING_ROOM_ADMIN_TOKEN: 'b'.repeat(32) }))).toContain('b'.repeat(32));
  });

  it('reads an S3 bucket with its defaults: path style for a custom endpoint, a shared prefix', () => {
    const s3 = { S3_BUCKET: 'photos', S3_ACCESS_KEY_ID: 'id', S3_SECRET_ACCESS_KEY: 'key' };
    expect(readConfig({ ...MINIMAL, ...s3 }).s3).toEqual({
      bucket: 'photos',
      endpoint: undefined,
      region: 'us-east-1',
      accessKeyId: 'id',
      secretAccessKey: 'key',
      forcePathStyle: false,
      prefix: 'fitting-room/',
    });
    expect(readConfig({ ...MINIMAL, ...s3, S3_ENDPOINT: 'http://127.0.0.1:9000/', S3_PREFIX: '/shop' }).s3).toMatchObject({
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
      prefix: 'shop/',
    });
  });

  it('knows which values must never be logged, whatever provider they belong to', () => {
    const config = readConfig({
      ...MINIMAL,
      TRYONAPI_API_KEY: 'tk',
      AURAX_KEY_ID: 'kid',
      STUDIO_API_TOKEN: 'st',
      MIRRAGO_CLIENT_SECRET: 'ms',
      TRYONAPI_BASE_URL: 'https://api.example',
    });
    expect(new Set(secretsOf(config))).toEqual(new Set([SECRET, 'kid', 'ms', 'st', 'tk']));
  });
});

describe('provider settings', () => {
  it('reads typed settings, defaults filled in and base URLs normalized', () => {
    expect(mirrago.readSettings({ MIRRAGO_CLIENT_ID: ' id ', MIRRAGO_CLIENT_SECRET: 'secret', FITTING_ROOM_PUBLIC_URL: 'https://proxy.example' })).toEqual({
      baseUrl: new URL('https://api.mirrago.com'),
      clientId: 'id',
      clientSecret: 'secret',
      publicUrl: 'https://proxy.example',
    });
    expect(miraflow.readSettings({ MIRAFLOW_API_KEY: 'key', MIRAFLOW_BASE_URL: 'https://miraflow.example/api///' }).baseUrl.href).toBe('https://miraflow.example/api');
    expect(studio.readSettings({ STUDIO_BASE_URL: 'https://studio.example', STUDIO_API_TOKEN: 't', STUDIO_USER_CATEGORY: 'female' }).userCategory).toBe('FEMALE');
    expect(studio.readSettings({ STUDIO_BASE_URL: 'https://studio.example', STUDIO_API_TOKEN: 't' }).userCategory).toBeUndefined();
    const auraxEnv = { AURAX_BASE_URL: 'https://aurax.example', AURAX_API_KEY: 'k', AURAX_KEY_ID: 'i' };
    expect([aurax.readSettings(auraxEnv).strength, aurax.readSettings({ ...auraxEnv, AURAX_GARMENT_STRENGTH: '3' }).strength]).toEqual([2, 3]);
    expect([sandbox.readSettings({}).durationMs, sandbox.readSettings({ FITTING_ROOM_SANDBOX_DURATION_MS: '400' }).durationMs]).toEqual([undefined, 400]);
  });

  it('names the missing or malformed variable and the provider in a ConfigError', () => {
    const cases: [() => unknown, string][] = [
      [
        () => mirrago.readSettings({ MIRRAGO_CLIENT_SECRET: 's', FITTING_ROOM_PUBLIC_URL: 'https://p.example' }),
        "MIRRAGO_CLIENT_ID is required for the Mirrago provider. Set it in the proxy's environment.",
      ],
      [
        () => mirrago.readSettings({ MIRRAGO_CLIENT_ID: 'i', MIRRAGO_CLIENT_SECRET: 's' }),
        'Mirrago needs FITTING_ROOM_PUBLIC_URL: it only accepts images by URL, so the proxy must be reachable from the internet at that address to serve the photo and garment to Mirrago.',
      ],
      [
        () => tryonapi.readSettings({ TRYONAPI_API_KEY: 'k' }),
        'TRYONAPI_BASE_URL is required for the TryonAPI provider: TryonAPI’s documentation names no API host (its examples use https://your-domain.com); set it to the host your TryonAPI dashboard gives.',
      ],
      [
        () => tryonapi.readSettings({ TRYONAPI_BASE_URL: 'https://t.example', TRYONAPI_API_KEY: '  ' }),
        "TRYONAPI_API_KEY is required for the TryonAPI provider. Set it in the proxy's environment.",
      ],
      [
        () => tryonapi.readSettings({ TRYONAPI_BASE_URL: 'api.example', TRYONAPI_API_KEY: 'k' }),
        'TRYONAPI_BASE_URL must be a URL like https://api.example.com, got "api.example".',
      ],
      [() => tryonapi.readSettings({ TRYONAPI_BASE_URL: 'ftp://api.example', TRYONAPI_API_KEY: 'k' }), 'TRYONAPI_BASE_URL must be an http(s) URL.'],
      [
        () => tryonapi.readSettings({ TRYONAPI_BASE_URL: 'https://api.example?key=1', TRYONAPI_API_KEY: 'k' }),
        "TRYONAPI_BASE_URL must not carry credentials or a query string; use the provider's key variables.",
      ],
      [
        () => studio.readSettings({ STUDIO_BASE_URL: 'https://s.example', STUDIO_API_TOKEN: 't', STUDIO_USER_CATEGORY: 'women & men' }),
        'STUDIO_USER_CATEGORY must be one of Studio’s user categories, e.g. FEMALE.',
      ],
      [
        () => aurax.readSettings({ AURAX_BASE_URL: 'https://a.example', AURAX_API_KEY: 'k', AURAX_KEY_ID: 'i', AURAX_GARMENT_STRENGTH: '5' }),
        'AURAX_GARMENT_STRENGTH must be 1, 2 or 3.',
      ],
      [() => sandbox.readSettings({ FITTING_ROOM_SANDBOX_DURATION_MS: 'slow' }), 'FITTING_ROOM_SANDBOX_DURATION_MS must be a non-negative number, got "slow".'],
    ];
    expect(cases.map(([read]) => configError(read))).toEqual(cases.map(([, message]) => message));
  });

  it('lists every provider with its settings for the docs, the sandbox as Node only', () => {
    expect(PROVIDER_CATALOG.map(({ name, edge }) => [name, edge])).toEqual([
      ['mirrago', true],
      ['tryonapi', true],
      ['studio', true],
      ['miraflow', true],
      ['aurax', true],
      ['sandbox', false],
    ]);
    const tryonapiEntry = PROVIDER_CATALOG.find((entry) => entry.name === 'tryonapi')!;
    expect(tryonapiEntry.settings.map(({ variable, required }) => [variable, required])).toEqual([
      ['TRYONAPI_BASE_URL', true],
      ['TRYONAPI_API_KEY', true],
    ]);
    expect(PROVIDER_CATALOG.find((entry) => entry.name === 'mirrago')!.settings[0]).toMatchObject({
      variable: 'MIRRAGO_BASE_URL',
      required: false,
      default: 'https://api.mirrago.com',
    });
    for (const entry of PROVIDER_CATALOG) for (const setting of entry.settings) expect(setting.description, setting.variable).toMatch(/\S/);
  });
});

describe('routing (several providers)', () => {
  it('keeps FITTING_ROOM_PROVIDER as a list of one, and routes every category to the list by default', () => {
    const config = readConfig({ ...MINIMAL, FITTING_ROOM_PROVIDER: 'Studio' });
    expect(config.provider).toBe('studio');
    expect(config.routing).toMatchObject({
      providers: ['studio'],
      routes: { '*': ['studio'] },
      breakerFailures: 5,
      breakerCooldownMs: 30_000,
      creditsPauseMs: 300_000,
      sessionDailyLimit: 0,
      browserDailyLimit: 0,
    });
  });

  it('reads ordered providers, routes per category, caps and breaker settings', () => {
    const config = readConfig({
      ...MINIMAL,
      FITTING_ROOM_PROVIDERS: 'studio, tryonapi,aurax',
      FITTING_ROOM_ROUTES: 'shoes:aurax, bag:aurax+studio',
      FITTING_ROOM_PROVIDER_DAILY_LIMITS: 'studio:500,aurax:20',
      FITTING_ROOM_BREAKER_FAILURES: '3',
      FITTING_ROOM_BREAKER_COOLDOWN_S: '60',
      FITTING_ROOM_SESSION_DAILY_LIMIT: '10',
      FITTING_ROOM_BROWSER_DAILY_LIMIT: '30',
    });
    expect(config.provider).toBe('studio');
    expect(config.routing).toMatchObject({
      providers: ['studio', 'tryonapi', 'aurax'],
      routes: { shoes: ['aurax'], bag: ['aurax', 'studio'], '*': ['studio', 'tryonapi', 'aurax'] },
      providerDailyLimits: { studio: 500, aurax: 20 },
      breakerFailures: 3,
      breakerCooldownMs: 60_000,
      sessionDailyLimit: 10,
      browserDailyLimit: 30,
    });
  });

  it('refuses both provider variables at once, a provider named twice, and caps of providers not in the list', () => {
    expect(configError(() => readConfig({ ...MINIMAL, FITTING_ROOM_PROVIDER: 'studio', FITTING_ROOM_PROVIDERS: 'studio,aurax' }))).toContain(
      'FITTING_ROOM_PROVIDER and FITTING_ROOM_PROVIDERS are both set',
    );
    expect(configError(() => readConfig({ ...MINIMAL, FITTING_ROOM_PROVIDERS: 'studio,studio' }))).toContain('names a provider twice');
    expect(configError(() => readConfig({ ...MINIMAL, FITTING_ROOM_ADMIN_TOKEN: 'short' }))).toMatch(/^FITTING_ROOM_ADMIN_TOKEN must be at least 32 characters/);
    expect(configError(() => readConfig({ ...MINIMAL, FITTING_ROOM_PROVIDERS: 'studio', FITTING_ROOM_PROVIDER_DAILY_LIMITS: 'aurax:5,studio:x' })).split('\n')).toEqual([
      'FITTING_ROOM_PROVIDER_DAILY_LIMITS: "aurax" is not in FITTING_ROOM_PROVIDERS (studio).',
      'FITTING_ROOM_PROVIDER_DAILY_LIMITS: "studio:x" is not provider:count (e.g. studio:500).',
    ]);
  });
});
