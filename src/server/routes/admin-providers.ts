import { Hono } from 'hono';
import { ApiError } from '../errors.js';
import type { Logger } from '../log.js';
import type { AdminEnv } from '../middleware/admin-auth.js';
import { respondJson } from '../middleware/response-headers.js';
import type { ProviderPool } from '../routing/pool.js';

export interface AdminProviderRouteOptions {
  pool: ProviderPool;
  log: Logger;
}

/**
 * The operator's provider actions: `GET /admin/providers` (each provider's state) and
 * `POST /admin/providers/{name}/reset` (closes the breaker and lifts a credit pause, e.g.
 * after a top-up). Behind `adminAuth` (middleware/admin-auth.ts): tools only, the admin
 * token, a limit per address.
 */
export function adminProviderRoutes({ pool, log }: AdminProviderRouteOptions) {
  return new Hono<AdminEnv>()
    .get('/admin/providers', async (c) => respondJson(c, { providers: await pool.statuses() }))
    .post('/admin/providers/:name/reset', async (c) => {
      const name = c.req.param('name');
      if (!pool.names.includes(name)) throw new ApiError('NOT_FOUND', 'No such provider.', { retryable: false });
      await pool.breakers.reset(name);
      log.info('provider.reset', { provider: name, requestId: c.get('requestId') });
      return respondJson(c, await pool.status(name));
    });
}
