import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.js';
import type { SessionClaims, SessionSigner } from '../session.js';
import { requestHeader } from './request-headers.js';

/** What `authenticate` puts on the context of the requests it lets through. */
export type SessionEnv = { Variables: { session: SessionClaims } };

export interface AuthenticateOptions {
  signer: SessionSigner;
  allowedOrigins: readonly string[];
}

/**
 * Lets through requests with a valid session token (`Authorization: Bearer …`) of an allowed
 * origin, sent from that same origin, and puts the token's claims on the context as `session`.
 */
export function authenticate({ signer, allowedOrigins }: AuthenticateOptions): MiddlewareHandler<SessionEnv> {
  const admit = (c: Context<SessionEnv>, claims: SessionClaims) => {
    // Browsers always send Origin on cross-origin requests; a token from another site's page is refused.
    const origin = requestHeader(c, 'origin');
    if ((origin && origin !== claims.origin) || !allowedOrigins.includes(claims.origin)) {
      throw new ApiError('ORIGIN_MISMATCH', 'This session token belongs to another site.', { retryable: false });
    }
    c.set('session', claims);
  };
  // Not async: a token already checked (a polling tab's) costs no promise of its own here.
  return (c, next) => {
    // Preflights carry no token (the cors middleware answers them before this runs).
    if (c.req.method === 'OPTIONS') return next();
    const token = bearerToken(requestHeader(c, 'authorization'));
    if (!token) throw new ApiError('TOKEN_MISSING', 'A session token is required (Authorization: Bearer …).', { retryable: true });
    const known = signer.verifyKnown(token);
    if (known) {
      admit(c, known);
      return next();
    }
    return signer.verify(token).then((claims) => {
      admit(c, claims);
      return next();
    });
  };
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
}
