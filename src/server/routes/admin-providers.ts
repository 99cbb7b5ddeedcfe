import { Hono } from 'hono';
import { ApiError } from '../errors.js';
import type { Logger } from '../log.js';
import { bearerToken } from '../middleware/authenticate.js';
import type { RequestContextEnv } from '../middleware/request-context.js';
import { respondJson } from '../middleware/response-headers.js';
import type { RateLimiter } from '../rate-limit.js';
import type { ProviderPool } from '../routing/pool.js';

export interface AdminProviderRouteOptions {
  pool: ProviderPool;
  /** `FITTING_ROOM_ADMIN_TOKEN`; without it the routes answer 404. */
  adminToken?: string;
  limiter: RateLimiter;
  log: Logger;
}

/** Attempts per client address per minute, wrong tokens included: a token cannot be guessed at speed. */
const ADMIN_LIMIT = { name: 'admin', max: 60, windowSeconds: 60 };

/**
 * The operator's provider actions: `GET /admin/providers` (each provider's state) and
 * `POST /admin/providers/{name}/reset` (closes the breaker and lifts a credit pause, e.g.
 * after a top-up). Server-to-server only: a bearer token compared in constant time, a rate
 * limit per address, and any request carrying a browser's `Origin` refused, so no page can
 * ride on an operator's browser. A minimal check of its own until a shared admin middleware exists.
 */
export function adminProviderRoutes({ pool, adminToken, limiter, log }: AdminProviderRouteOptions) {
  const guard = async (c: { req: { header(name: string): string | undefined } }, client: string) => {
    if (!adminToken) throw new ApiError('NOT_FOUND', 'No such endpoint.', { retryable: false });
    if (c.req.header('origin') !== undefined) throw new ApiError('ORIGIN_NOT_ALLOWED', 'Admin actions are not for browsers.', { retryable: false });
    await limiter.take(ADMIN_LIMIT, client);
    if (!(await sameSecret(bearerToken(c.req.header('authorization')) ?? '', adminToken))) throw new ApiError('TOKEN_INVALID', 'Admin actions need the admin token.', { retryable: false });
  };
  return new Hono<RequestContextEnv>()
    .get('/admin/providers', async (c) => {
      await guard(c, c.get('client'));
      return respondJson(c, { providers: await pool.statuses() });
    })
    .post('/admin/providers/:name/reset', async (c) => {
      await guard(c, c.get('client'));
      const name = c.req.param('name');
      if (!pool.names.includes(name)) throw new ApiError('NOT_FOUND', 'No such provider.', { retryable: false });
      await pool.breakers.reset(name);
      log.info('provider.reset', { provider: name, requestId: c.get('requestId') });
      return respondJson(c, await pool.status(name));
    });
}

/** Constant-time comparison: both sides are hashed first, so neither length nor prefix shows in the timing. */
async function sameSecret(given: string, expected: string): Promise<boolean> {
  const digest = async (text: string) => new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  let difference = 0;
  for (let index = 0; index < a.length; index++) difference |= a[index]! ^ b[index]!;
  return difference === 0;
}
