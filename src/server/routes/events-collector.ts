import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AnalyticsAggregates } from '../analytics/aggregates.js';
import { MAX_BATCH_BYTES, parseBatch } from '../analytics/validate.js';
import { ApiError } from '../errors.js';
import type { RequestContextEnv } from '../middleware/request-context.js';
import { respond } from '../middleware/response-headers.js';
import { errorResponse } from './errors.js';
import type { Limit, RateLimiter } from '../rate-limit.js';
import type { SessionSigner } from '../session.js';

export interface CollectorRouteOptions {
  aggregates: AnalyticsAggregates;
  signer: SessionSigner;
  limiter: RateLimiter;
  /** Batches per client address. */
  limit: Limit;
  /** Pages (and the shop's checkout, where the Shopify Web Pixel runs) allowed to send events. */
  allowedOrigins: readonly string[];
  /** The proxy's provider: time to result is kept per provider. */
  provider: string;
}

/** sendBeacon sends text/plain (no preflight); fetch with keepalive may send JSON. */
const BODY_TYPES = /^(text\/plain|application\/json)\s*(;|$)/i;

/**
 * `POST /events`: the analytics collector (the wire format is src/analytics-contract.ts).
 * Checks the page's origin, the client's rate, the batch and, for events of a try-on, the
 * session token; then only adds to the day's counters (analytics/aggregates.ts). Answers 204.
 */
export function collectorRoutes({ aggregates, signer, limiter, limit, allowedOrigins, provider }: CollectorRouteOptions) {
  // Stops reading a body past the limit, whether or not it announced its length.
  const sizeLimit = bodyLimit({
    maxSize: MAX_BATCH_BYTES,
    onError: (c) => errorResponse(c, new ApiError('BAD_REQUEST', `Invalid event batch: larger than ${MAX_BATCH_BYTES} bytes.`, { retryable: false })),
  });
  /** Who may send, and how often: checked before the body is read. */
  const admit: MiddlewareHandler<RequestContextEnv> = async (c, next) => {
    // Browsers send Origin with every POST, sendBeacon's included: a batch without one is not from a shop's page.
    const origin = c.req.header('origin');
    if (!origin || !allowedOrigins.includes(origin)) {
      throw new ApiError('ORIGIN_NOT_ALLOWED', origin ? `Analytics are not enabled for ${origin}.` : 'Events are only taken from pages of an allowed origin.', {
        retryable: false,
      });
    }
    await limiter.take(limit, c.get('client'));
    if (!BODY_TYPES.test(c.req.header('content-type') ?? '')) throw new ApiError('BAD_REQUEST', 'Send events as text/plain or application/json.', { retryable: false });
    return next();
  };
  return new Hono<RequestContextEnv>().post('/events', admit, sizeLimit, async (c) => {
    const batch = parseBatch(await c.req.text());
    if (batch.needsSession) {
      if (!batch.token) throw new ApiError('TOKEN_MISSING', 'Try-on events need the session token.', { retryable: false });
      // A beacon sent as the page closes may carry a token that just expired: authentic and of a live session is enough to count.
      const claims = await signer.verify(batch.token, { allowExpired: true });
      if (claims.origin !== c.req.header('origin')) throw new ApiError('ORIGIN_MISMATCH', 'This session token belongs to another site.', { retryable: false });
    }
    await aggregates.record(batch.events, provider);
    return respond(c, null, 204);
  });
}
