import { Hono } from 'hono';
import { ApiError } from '../errors.js';
import type { MarkingStatus } from '../marking/index.js';
import type { Metrics } from '../metrics.js';
import { bearerToken } from '../middleware/authenticate.js';
import { respond, respondJson } from '../middleware/response-headers.js';
import type { PublicMedia } from '../public-media.js';
import type { ProviderPool } from '../routing/pool.js';
import { renderProviderGauges } from '../routing/provider-metrics.js';
import { shopRunsToday } from '../routing/quotas.js';
import type { SharedState } from '../state/types.js';
import type { BlobStore } from '../store.js';
import { sameSecret } from '../same-secret.js';

export interface OpsRouteOptions {
  /** The providers: their states are shown by `/healthz` and `/metrics`. */
  pool: ProviderPool;
  /** The shop's daily cap on new runs (0 = none), shown next to today's count. */
  dailyJobLimit: number;
  state: SharedState;
  metrics: Metrics;
  /** When set, `GET /metrics` needs it as a bearer token. */
  metricsToken?: string;
  store: BlobStore;
  /** Public links to stored photos, for providers that fetch by URL; `GET /media/…` 404s without. */
  media?: PublicMedia;
  /** Which AI-generated marks results carry here (XMP always; C2PA and the visible mark when possible). */
  marking?: MarkingStatus;
}

/** What operators and providers call: `GET /healthz`, `GET /metrics`, and `GET /media/{token}` (photos by public link). */
export function opsRoutes({ pool, dailyJobLimit, state, metrics, metricsToken, store, media, marking }: OpsRouteOptions) {
  const provider = pool.names[0];
  return new Hono()
    .get('/healthz', async (c) => {
      try {
        await state.ping();
        // Healthy while the state answers, even with every provider down: restarting the proxy would not help.
        return respondJson(c, { ok: true, provider, providers: await pool.statuses(), marking });
      } catch {
        return respondJson(c, { ok: false, provider, marking, problem: 'shared state unreachable' }, 503);
      }
    })
    .get('/metrics', async (c) => {
      if (metricsToken && !(await sameSecret(bearerToken(c.req.header('authorization')) ?? '', metricsToken)))
        throw new ApiError('TOKEN_INVALID', 'Metrics need the metrics token.', { retryable: false });
      const shared = await Promise.all([pool.statuses(), shopRunsToday(state)])
        .then(([statuses, runs]) => renderProviderGauges(statuses, { runs, limit: dailyJobLimit }))
        .catch(() => '');
      return respond(c, metrics.render() + shared, 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    })
    .get('/media/:token', async (c) => {
      const key = media?.resolve(c.req.param('token'));
      const blob = key && (await store.get(key));
      if (!blob) throw new ApiError('NOT_FOUND', 'Not found.', { retryable: false });
      return respond(c, blob.bytes as Uint8Array<ArrayBuffer>, 200, { 'content-type': blob.contentType, 'cache-control': 'private, no-store' });
    });
}
