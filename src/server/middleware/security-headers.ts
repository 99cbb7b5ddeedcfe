import type { MiddlewareHandler } from 'hono';

export interface SecurityHeadersOptions {
  /** HSTS: on in production; off in development, where the proxy runs on plain http://localhost. */
  strictTransportSecurity: boolean;
}

/**
 * The headers every answer carries: the proxy serves JSON, images and an event stream to
 * scripts, never pages, so nothing it sends may be sniffed, framed, or leak a referrer.
 *
 * They are set before the route runs, so they are part of the response the route builds
 * (no second Response is made afterwards). `cache-control: no-store` is a default: a route
 * that answers with a cache policy of its own (results, media, the event stream) replaces it.
 */
export function securityHeaders({ strictTransportSecurity }: SecurityHeadersOptions): MiddlewareHandler {
  const headers: [string, string][] = [
    ['x-content-type-options', 'nosniff'],
    ['referrer-policy', 'no-referrer'],
    ['x-frame-options', 'DENY'],
    ['content-security-policy', "default-src 'none'; frame-ancestors 'none'"],
    ['cross-origin-opener-policy', 'same-origin'],
    ...(strictTransportSecurity ? [['strict-transport-security', 'max-age=31536000; includeSubDomains'] as [string, string]] : []),
    // Photos and results are personal: nothing is stored by a browser or a shared cache unless a route says so.
    ['cache-control', 'no-store'],
  ];
  return async (c, next) => {
    for (const [name, value] of headers) c.header(name, value);
    await next();
  };
}
