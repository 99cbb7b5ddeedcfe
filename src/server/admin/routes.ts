import { type Context, Hono } from 'hono';
import type { AnalyticsAggregates } from '../analytics/aggregates.js';
import { aggregatesCsv, summarize } from '../analytics/summary.js';
import { ApiError } from '../errors.js';
import type { RequestContextEnv } from '../middleware/request-context.js';
import { respond, respondJson } from '../middleware/response-headers.js';
import { AdminAuth, crossSite, sameOrigin } from './auth.js';
import { AdminCookieSigner, adminCookieHeader } from './cookie.js';
import { DASHBOARD_SCRIPT } from './dashboard-script.js';
import { ADMIN_CSP, DASHBOARD_CSS, dashboardPage, loginPage } from './page.js';
import type { Limit, RateLimiter } from '../rate-limit.js';

/** The chart library, read by the Node entry from node_modules (admin-assets.ts): the storefront never sees it. */
export interface ChartLibrary {
  version: string;
  script: string;
  stylesheet: string;
}

export interface AdminRouteOptions {
  adminToken: string;
  secret: string;
  /** The proxy's base path (`''` or `/fitting-room`): the cookie is scoped to `{base}/admin`. */
  base: string;
  /** Plain-http development: the cookie cannot be Secure there. */
  dev: boolean;
  limiter: RateLimiter;
  loginLimit: Limit;
  aggregates: AnalyticsAggregates;
  /** The longest period the summary may cover (the retention). */
  maxDays: number;
  chartLibrary: ChartLibrary;
}

const HTML = { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': ADMIN_CSP };
/** The longest a sign-in token field may be; anything longer is not the token. */
const MAX_TOKEN_FIELD = 512;

/**
 * The merchant's dashboard under `/admin`: the page (or the sign-in form), sign-in and
 * sign-out, the summary JSON the page draws from, the CSV export, and the page's own
 * assets (its script, stylesheet and uPlot — served here only, never to the storefront).
 */
export function adminRoutes(options: AdminRouteOptions) {
  const { base, limiter, loginLimit, aggregates, chartLibrary } = options;
  const cookies = new AdminCookieSigner(options.adminToken, options.secret);
  const auth = new AdminAuth({ adminToken: options.adminToken, cookies, limiter, loginLimit });
  const assets = `${base}/admin/assets`;
  const uplot = `uplot-${chartLibrary.version}`;
  const cookiePath = `${base}/admin`;
  const secure = (c: Context) => !(options.dev && new URL(c.req.url).protocol === 'http:');
  const html = (c: Context, page: string, status = 200, headers: Record<string, string> = {}) => respond(c, page, status, { ...HTML, ...headers });
  const days = (c: Context) => {
    const value = Number(c.req.query('days') ?? 30);
    if (!Number.isInteger(value) || value < 1) throw new ApiError('BAD_REQUEST', 'days must be a whole number of at least 1.', { retryable: false });
    // Nothing older than the retention exists: a longer period is that period.
    return Math.min(value, options.maxDays);
  };
  const asset = (body: string, contentType: string, cacheControl: string) => (c: Context) => respond(c, body, 200, { 'content-type': contentType, 'cache-control': cacheControl });

  const app = new Hono<RequestContextEnv>();
  // The library's file name carries its version, so it may be cached for good; our own files revalidate.
  app.get(`/admin/assets/${uplot}.min.js`, asset(chartLibrary.script, 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable'));
  app.get(`/admin/assets/${uplot}.min.css`, asset(chartLibrary.stylesheet, 'text/css; charset=utf-8', 'public, max-age=31536000, immutable'));
  app.get('/admin/assets/dashboard.js', asset(DASHBOARD_SCRIPT, 'text/javascript; charset=utf-8', 'no-cache'));
  app.get('/admin/assets/dashboard.css', asset(DASHBOARD_CSS, 'text/css; charset=utf-8', 'no-cache'));

  app.get('/admin', async (c) => ((await auth.identify(c)) ? html(c, dashboardPage({ base, assets, uplot })) : html(c, loginPage({ base, assets }))));

  app.post('/admin/login', async (c) => {
    if (!sameOrigin(c)) throw crossSite();
    try {
      await auth.countAttempt(c);
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 'RATE_LIMITED') throw error;
      return html(c, loginPage({ base, assets, failed: error.message }), 429, { 'retry-after': error.headers()['retry-after'] ?? '60' });
    }
    const form = new URLSearchParams((await c.req.text()).slice(0, MAX_TOKEN_FIELD * 2));
    const token = form.get('token') ?? '';
    if (token.length > MAX_TOKEN_FIELD || !(await auth.isToken(token))) return html(c, loginPage({ base, assets, failed: 'That token is not right.' }), 401);
    return respond(c, null, 303, { location: `${base}/admin`, 'set-cookie': adminCookieHeader(await cookies.issue(), { path: cookiePath, secure: secure(c) }) });
  });

  const requireAdmin = auth.guard();
  app.post('/admin/logout', requireAdmin, (c) =>
    respond(c, null, 303, { location: `${base}/admin`, 'set-cookie': adminCookieHeader('', { path: cookiePath, secure: secure(c), maxAge: 0 }) }),
  );
  app.get('/admin/api/summary', requireAdmin, async (c) => respondJson(c, summarize(await aggregates.read(days(c)))));
  app.get('/admin/export.csv', requireAdmin, async (c) => {
    const period = days(c);
    const read = await aggregates.read(period);
    return respond(c, aggregatesCsv(read), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="fitting-room-analytics-${read[0]!.day}-to-${read[read.length - 1]!.day}.csv"`,
    });
  });
  return app;
}
