import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.js';
import { bearerToken } from '../middleware/authenticate.js';
import type { RequestContextEnv } from '../middleware/request-context.js';
import type { Limit, RateLimiter } from '../rate-limit.js';
import { sameSecret } from '../same-secret.js';
import { ADMIN_COOKIE, type AdminCookieSigner, cookieValue } from './cookie.js';

export interface AdminAuthOptions {
  adminToken: string;
  cookies: AdminCookieSigner;
  limiter: RateLimiter;
  /** Failed sign-ins (form or bearer) per client address. */
  loginLimit: Limit;
}

/**
 * The dashboard's authentication (the operator's bearer-only endpoints, such as the consent
 * export, use middleware/admin-auth.ts instead). A request is the merchant's when it carries
 * - `Authorization: Bearer <FITTING_ROOM_ADMIN_TOKEN>` (tools, CSV downloads), compared in
 *   constant time; wrong tokens count against the sign-in limit, so guessing gets 429; or
 * - the signed sign-in cookie (the dashboard in a browser). Then any request that changes
 *   something must come from the dashboard's own origin (`sameOrigin`): the cookie is
 *   SameSite=Strict already, this is the second lock.
 */
export class AdminAuth {
  constructor(private readonly options: AdminAuthOptions) {}

  /** True when the candidate is the admin token (compared in constant time). */
  isToken(candidate: string): Promise<boolean> {
    return sameSecret(candidate, this.options.adminToken);
  }

  /** Counts one sign-in attempt of this client; throws RATE_LIMITED past the limit. */
  async countAttempt(c: Context<RequestContextEnv>): Promise<void> {
    try {
      await this.options.limiter.take(this.options.loginLimit, c.get('client'));
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 'RATE_LIMITED') throw error;
      throw new ApiError('RATE_LIMITED', 'Too many sign-in attempts. Wait a few minutes and try again.', { retryable: true, retryAfter: error.options.retryAfter });
    }
  }

  /** How this request is signed in: `bearer`, `cookie`, or not at all (a wrong bearer token counts as an attempt). */
  async identify(c: Context<RequestContextEnv>): Promise<'bearer' | 'cookie' | undefined> {
    const bearer = bearerToken(c.req.header('authorization'));
    if (bearer) {
      if (await this.isToken(bearer)) return 'bearer';
      await this.countAttempt(c);
      return undefined;
    }
    return (await this.options.cookies.verify(cookieValue(c.req.header('cookie'), ADMIN_COOKIE))) ? 'cookie' : undefined;
  }

  /** Middleware: lets the merchant through, refuses everyone else (401), and cross-site changes (403). */
  guard(): MiddlewareHandler<RequestContextEnv> {
    return async (c, next) => {
      const how = await this.identify(c);
      if (!how) throw new ApiError('TOKEN_INVALID', 'Sign in to the dashboard, or send Authorization: Bearer <FITTING_ROOM_ADMIN_TOKEN>.', { retryable: false });
      if (how === 'cookie' && !SAFE_METHODS.has(c.req.method) && !sameOrigin(c)) throw crossSite();
      return next();
    };
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

export const crossSite = () => new ApiError('ORIGIN_NOT_ALLOWED', 'Dashboard changes are only accepted from the dashboard itself.', { retryable: false });

/**
 * Whether a browser sent this request from a page of the proxy's own origin. Browsers send
 * `Sec-Fetch-Site` (trusted as is: a page cannot set it); older ones only `Origin`, which must
 * then name this host. A request with neither is not from a form of ours.
 */
export function sameOrigin(c: Context): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site) return site === 'same-origin';
  const origin = c.req.header('origin');
  if (!origin || origin === 'null') return false;
  try {
    return new URL(origin).host === (c.req.header('host') ?? new URL(c.req.url).host);
  } catch {
    return false;
  }
}
