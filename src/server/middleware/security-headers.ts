import type { MiddlewareHandler } from 'hono';
import { responseHeaders } from './response-headers.js';

export interface SecurityHeadersOptions {
  /** HSTS: on in production; off in development, where the proxy runs on plain http://localhost. */
  strictTransportSecurity: boolean;
}

/**
 * The headers every answer carries: the proxy serves JSON, images and an event stream to
 * scripts, never pages, so nothing it sends may be sniffed, framed, or leak a referrer.
 *
 * They are prepared before the route runs (response-headers.ts), so they are part of the
 * response the route builds: no second Response is made afterwards. `cache-control: no-store`
 * is a default: a route that answers with a cache policy of its own replaces it.
 */
export function securityHeaders({ strictTransportSecurity }: SecurityHeadersOptions): MiddlewareHandler {
  const headers: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'cross-origin-opener-policy': 'same-origin',
    ...(strictTransportSecurity && { 'strict-transport-security': 'max-age=31536000; includeSubDomains' }),
    // Photos and results are personal: nothing is stored by a browser or a shared cache unless a route says so.
    'cache-control': 'no-store',
  };
  return (c, next) => {
    Object.assign(responseHeaders(c), headers);
    return next();
  };
}
