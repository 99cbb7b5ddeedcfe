/**
 * Shopify App Proxy mode: the storefront calls `/apps/fitting-room/…` on the shop's own
 * domain and Shopify forwards the request to the proxy with `shop`, `path_prefix`,
 * `logged_in_customer_id`, `timestamp` and `signature` added to the query. Verifying the
 * signature proves the request came through the shop's storefront, so sessions are only
 * issued to shoppers of that shop.
 *
 * The algorithm is Shopify's ("Authenticate app proxies"): drop `signature`, write every
 * other parameter as `key=value` (several values of one key joined with `,`), sort those
 * strings, concatenate them with no separator, and take the hex HMAC-SHA256 with the app's
 * shared secret as the key.
 *
 * Stricter than the algorithm alone: the timestamp must be within ±90 s of now, the
 * parameters Shopify adds may appear only once (a second `shop=` could otherwise ride along
 * under a valid signature as `shop=a,b`), and the comparison is constant-time.
 *
 * Config: `SHOPIFY_APP_PROXY_SECRET` (the app's API secret key); when set, App Proxy mode is on.
 */
import type { MiddlewareHandler } from 'hono';
import { ApiError } from './errors.js';

/** How far Shopify's `timestamp` may be from the proxy's clock, either way. */
export const APP_PROXY_MAX_SKEW_MS = 90_000;

/** Parameters Shopify adds to every proxied request; each must appear exactly once (`logged_in_customer_id` at most once). */
const SHOPIFY_PARAMETERS = ['signature', 'timestamp', 'shop', 'path_prefix', 'logged_in_customer_id'] as const;

export type AppProxyFailure =
  | 'signature-missing'
  | 'signature-malformed'
  | 'signature-mismatch'
  | 'timestamp-missing'
  | 'timestamp-invalid'
  | 'timestamp-skewed'
  | 'shop-missing'
  | 'parameter-duplicated';

export type AppProxyVerdict = { ok: true; shop: string; pathPrefix?: string; loggedInCustomerId?: string } | { ok: false; reason: AppProxyFailure };

const encoder = new TextEncoder();
/** Byte order of the UTF-8 strings, as Shopify's (Ruby's) `sort` compares them. */
function byBytes(a: string, b: string): number {
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  for (let i = 0; i < Math.min(left.length, right.length); i++) if (left[i] !== right[i]) return left[i]! - right[i]!;
  return left.length - right.length;
}

/** WebCrypto (not node:crypto) so the same check runs on edge runtimes. */
const hmacKey = (secret: string, usage: 'sign' | 'verify') => crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
const hex = (bytes: ArrayBuffer) => Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, '0')).join('');
const fromHex = (text: string) => Uint8Array.from(text.match(/../g) ?? [], (pair) => parseInt(pair, 16));

/** The string Shopify signs: every parameter but `signature` as `key=v1,v2`, sorted, concatenated. */
export function appProxyMessage(params: URLSearchParams): string {
  const values = new Map<string, string[]>();
  for (const [key, value] of params) {
    if (key === 'signature') continue;
    values.set(key, [...(values.get(key) ?? []), value]);
  }
  return [...values]
    .map(([key, list]) => `${key}=${list.join(',')}`)
    .sort(byBytes)
    .join('');
}

/** The hex signature Shopify would send for these parameters. Exported for tests and local tooling. */
export async function signAppProxyParams(params: URLSearchParams, secret: string): Promise<string> {
  return hex(await crypto.subtle.sign('HMAC', await hmacKey(secret, 'sign'), encoder.encode(appProxyMessage(params))));
}

/**
 * Checks that `url` is a request Shopify's App Proxy forwarded for the app with `secret`.
 * No I/O; `now` (ms since the epoch) is the clock to check `timestamp` against.
 */
export async function verifyAppProxySignature(url: URL, secret: string, now: number = Date.now()): Promise<AppProxyVerdict> {
  if (!secret) throw new Error('verifyAppProxySignature: the App Proxy secret is empty.');
  const params = url.searchParams;
  for (const name of SHOPIFY_PARAMETERS) {
    if (params.getAll(name).length > 1) return { ok: false, reason: 'parameter-duplicated' };
  }

  const signature = params.get('signature');
  if (!signature) return { ok: false, reason: 'signature-missing' };
  if (!/^[0-9a-f]{64}$/i.test(signature)) return { ok: false, reason: 'signature-malformed' };

  const timestamp = params.get('timestamp');
  if (!timestamp) return { ok: false, reason: 'timestamp-missing' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'timestamp-invalid' };

  // crypto.subtle.verify compares in constant time.
  const authentic = await crypto.subtle.verify('HMAC', await hmacKey(secret, 'verify'), fromHex(signature), encoder.encode(appProxyMessage(params)));
  if (!authentic) return { ok: false, reason: 'signature-mismatch' };

  // Checked after the signature so a forged request learns nothing about the clock.
  if (Math.abs(now - Number(timestamp) * 1000) > APP_PROXY_MAX_SKEW_MS) return { ok: false, reason: 'timestamp-skewed' };

  const shop = params.get('shop');
  if (!shop) return { ok: false, reason: 'shop-missing' };
  return {
    ok: true,
    shop,
    pathPrefix: params.get('path_prefix') ?? undefined,
    loggedInCustomerId: params.get('logged_in_customer_id') || undefined,
  };
}

export interface AppProxyOptions {
  /** The app's shared secret (Shopify's "API secret key"). */
  secret: string;
  /** Only these `*.myshopify.com` domains are served; any shop when unset. */
  shops?: string[];
  /** The clock, in ms; for tests. */
  now?: () => number;
  /** Called with the reason of each refused request, e.g. to log it. */
  onReject?: (reason: AppProxyFailure | 'shop-not-allowed', request: Request) => void;
}

/**
 * Hono middleware that serves only requests Shopify's App Proxy signed; anything else gets
 * 403 `ORIGIN_NOT_ALLOWED` in the contract's error envelope. CORS preflights pass through.
 */
export function shopifyAppProxy(options: AppProxyOptions): MiddlewareHandler {
  if (!options.secret) throw new Error('shopifyAppProxy: the App Proxy secret is empty.');
  const shops = options.shops?.map((shop) => shop.toLowerCase());
  return async (c, next) => {
    if (c.req.method === 'OPTIONS') return next();
    const verdict = await verifyAppProxySignature(new URL(c.req.url), options.secret, options.now?.() ?? Date.now());
    const reason = !verdict.ok ? verdict.reason : shops && !shops.includes(verdict.shop.toLowerCase()) ? 'shop-not-allowed' : undefined;
    if (reason) {
      options.onReject?.(reason, c.req.raw);
      return new ApiError('ORIGIN_NOT_ALLOWED', 'Try-on sessions are only issued through the shop’s App Proxy.', { retryable: false }).toResponse();
    }
    await next();
  };
}
