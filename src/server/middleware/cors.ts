import type { MiddlewareHandler } from 'hono';
import { respond, responseHeaders } from './response-headers.js';
import { requestHeader } from './request-headers.js';

export interface CorsOptions {
  /** Origins whose pages may call the proxy; the only ones `access-control-allow-origin` names. */
  allowedOrigins: readonly string[];
  allowMethods: readonly string[];
  allowHeaders: readonly string[];
  exposeHeaders: readonly string[];
  /** How long a browser may reuse a preflight's answer, in seconds. */
  maxAge: number;
}

/**
 * CORS for the widget's origins, answering preflights itself. The same headers as
 * `hono/cors` with a list of origins, but all of them set before the route runs: `hono/cors`
 * reads and rewrites the finished response, which makes @hono/node-server build a full web
 * Response (and a stream for its body) for every answer.
 */
export function cors({ allowedOrigins, allowMethods, allowHeaders, exposeHeaders, maxAge }: CorsOptions): MiddlewareHandler {
  const exposed = exposeHeaders.join(',');
  const preflight = {
    'access-control-max-age': String(maxAge),
    'access-control-allow-methods': allowMethods.join(','),
    'access-control-allow-headers': allowHeaders.join(','),
    vary: 'Origin, Access-Control-Request-Headers',
  };
  return (c, next) => {
    const headers = responseHeaders(c);
    const origin = requestHeader(c, 'origin');
    if (origin && allowedOrigins.includes(origin)) headers['access-control-allow-origin'] = origin;
    headers['access-control-expose-headers'] = exposed;
    if (c.req.method === 'OPTIONS') return Promise.resolve(respond(c, null, 204, preflight));
    headers.vary = 'Origin';
    return next();
  };
}
