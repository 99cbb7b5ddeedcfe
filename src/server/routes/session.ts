import { Hono, type MiddlewareHandler } from 'hono';
import type { SessionGrant } from '../../contract.js';
import { ApiError } from '../errors.js';
import { bearerToken } from '../middleware/authenticate.js';
import type { RequestContextEnv } from '../middleware/request-context.js';
import { respond, respondJson } from '../middleware/response-headers.js';
import type { Limit, RateLimiter } from '../rate-limit.js';
import type { SessionSigner } from '../session.js';

export interface SessionRouteOptions {
  signer: SessionSigner;
  limiter: RateLimiter;
  /** Sessions per client address. */
  limit: Limit;
  allowedOrigins: readonly string[];
  retentionSeconds: number;
  /** A check before a session is issued (Shopify App Proxy mode: its signature); it may refuse with a Response of its own. */
  guard?: MiddlewareHandler;
}

/** `POST /session`: a session token for a page of an allowed origin. */
export function sessionRoutes({ signer, limiter, limit, allowedOrigins, retentionSeconds, guard }: SessionRouteOptions) {
  const app = new Hono<RequestContextEnv>();
  if (guard) {
    app.use('/session', async (c, next) => {
      const refusal = await guard(c, next);
      // Made without the context, the refusal lacks the headers prepared for every answer: add them.
      if (refusal) return respond(c, await refusal.arrayBuffer(), refusal.status, Object.fromEntries(refusal.headers));
    });
  }
  return app.post('/session', async (c) => {
    const origin = c.req.header('origin');
    if (!origin || !allowedOrigins.includes(origin)) {
      throw new ApiError('ORIGIN_NOT_ALLOWED', origin ? `Try-on is not enabled for ${origin}.` : 'Sessions are only issued to pages of an allowed origin.', { retryable: false });
    }
    // A page renewing its token keeps its session (and so its jobs and photo) while the session is young.
    await limiter.take(limit, c.get('client'));
    const renewing = bearerToken(c.req.header('authorization'));
    const previous = renewing ? await signer.verify(renewing, { allowExpired: true }).catch(() => undefined) : undefined;
    const { token, claims } = await signer.issue(origin, previous && previous.origin === origin ? previous : undefined);
    const grant: SessionGrant = { token, expiresAt: new Date(claims.exp * 1000).toISOString(), retentionSeconds };
    return respondJson(c, grant);
  });
}
