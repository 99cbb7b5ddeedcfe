import type { MiddlewareHandler } from 'hono';
import { clientAddress } from '../rate-limit.js';
import { responseHeaders } from './response-headers.js';
import { requestHeader } from './request-headers.js';

/** What `requestContext` puts on every request's context. */
export type RequestContextEnv = { Variables: { requestId: string; client: string } };

export interface RequestContextOptions {
  /** Peers whose `X-Forwarded-For` is believed (see `clientAddress`). */
  trustedProxies: readonly string[];
  /** The TCP peer's address of a request (the runtime knows it; the Request does not). */
  peerAddress?: (request: Request, env: unknown) => string | undefined;
}

/**
 * Names each request (`requestId`, also sent back as `x-request-id`, so a shopper's report
 * can be found in the log) and works out who sent it (`client`, for per-address limits).
 */
export function requestContext({ trustedProxies, peerAddress }: RequestContextOptions): MiddlewareHandler<RequestContextEnv> {
  const nextRequestId = requestIds();
  return (c, next) => {
    const requestId = nextRequestId();
    c.set('requestId', requestId);
    c.set('client', clientAddress(peerAddress?.(c.req.raw, c.env), requestHeader(c, 'x-forwarded-for'), trustedProxies));
    responseHeaders(c)['x-request-id'] = requestId;
    return next();
  };
}

const ID_LENGTH = 11;
const IDS_PER_FILL = 512;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * 11 base64url characters, 6 random bits each. The random bytes are drawn for 512 ids at a
 * time: asking the system for them on every request costs more than the rest of a status answer.
 */
function requestIds(): () => string {
  const pool = new Uint8Array(ID_LENGTH * IDS_PER_FILL);
  let used = pool.length;
  return () => {
    if (used === pool.length) {
      crypto.getRandomValues(pool);
      used = 0;
    }
    let id = '';
    for (const end = used + ID_LENGTH; used < end; used++) id += ALPHABET[pool[used]! & 63];
    return id;
  };
}
