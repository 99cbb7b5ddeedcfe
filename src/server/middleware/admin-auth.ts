import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.js';
import type { Limit, RateLimiter } from '../rate-limit.js';
import { bearerToken } from './authenticate.js';
import type { RequestContextEnv } from './request-context.js';
import { respond } from './response-headers.js';

export interface AdminAuthOptions {
  /** `FITTING_ROOM_ADMIN_TOKEN`. Without one the admin routes do not exist (404). */
  token?: string;
  limiter: RateLimiter;
  /** Attempts per client address, right or wrong, so a token cannot be guessed at speed. */
  limit: Limit;
  /** Told why a request was turned away (for the log; never the token). */
  onReject?: (reason: AdminRejection, client: string) => void;
}

export type AdminRejection = 'browser' | 'token-missing' | 'token-invalid';

/** What `adminAuth` puts on the context of a request it let through: how the operator proved who they are. */
export type AdminEnv = RequestContextEnv & { Variables: { admin: { via: 'token' } } };

/**
 * Guards the operator's endpoints (`/admin/*`): tools such as curl or a cron job send
 * `Authorization: Bearer <FITTING_ROOM_ADMIN_TOKEN>`. In this order:
 * 1. A request from a web page is refused (403): it carries an `Origin`, or a `Sec-Fetch-Site`
 *    other than `none` (what a browser sends when a person types the address). No page, not
 *    even one on the proxy's own origin (a shop serving the proxy under its own domain), can
 *    then make a browser read an export.
 * 2. Every attempt counts against `limit` per client address (429 past it).
 * 3. No bearer token is 401 (with `WWW-Authenticate: Bearer`); a wrong one is 403. Tokens are
 *    compared as SHA-256 digests byte by byte without an early exit: constant time, whatever
 *    their lengths.
 *
 * A later way in (a dashboard's login cookie) is one more branch before step 3 that sets
 * `admin.via`. Step 2 stays in front of every way in; a dashboard's own same-origin requests
 * will need step 1 relaxed for that branch only, with its own CSRF defence.
 */
export function adminAuth({ token, limiter, limit, onReject }: AdminAuthOptions): MiddlewareHandler<AdminEnv> {
  const expected = token ? digest(token) : undefined;
  return async (c, next) => {
    // Off: answered like any unknown path, so a scan learns nothing.
    if (!expected) throw new ApiError('NOT_FOUND', 'No such endpoint.', { retryable: false });
    const client = c.get('client');
    const site = c.req.header('sec-fetch-site');
    if (c.req.header('origin') !== undefined || (site !== undefined && site !== 'none')) {
      onReject?.('browser', client);
      return deny(c, 403, 'ADMIN_BROWSER_REFUSED', 'The admin endpoints are for operators’ tools, not web pages.');
    }
    await limiter.take(limit, client);
    const given = bearerToken(c.req.header('authorization'));
    if (!given) {
      onReject?.('token-missing', client);
      return deny(c, 401, 'ADMIN_TOKEN_MISSING', 'Send the admin token as "Authorization: Bearer <token>".', { 'www-authenticate': 'Bearer realm="fitting-room-admin"' });
    }
    if (!equalBytes(await digest(given), await expected)) {
      onReject?.('token-invalid', client);
      return deny(c, 403, 'ADMIN_TOKEN_INVALID', 'The admin token is wrong.');
    }
    c.set('admin', { via: 'token' });
    return next();
  };
}

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/** Both are 32-byte digests: every byte is compared, so the time says nothing about where they differ. */
function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length;
  for (let index = 0; index < a.length; index++) difference |= a[index]! ^ (b[index] ?? 0);
  return difference === 0;
}

/** The contract's error envelope, with codes of the operator's API (not the widget's). */
function deny(c: Context, status: 401 | 403, code: string, message: string, headers?: Record<string, string>): Response {
  return respond(c, JSON.stringify({ error: { code, message, retryable: false } }), status, { 'content-type': 'application/json', ...headers });
}
