import { Hono } from 'hono';
import { ApiError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import { bearerToken } from '../middleware/authenticate.js';
import { respond, respondJson } from '../middleware/response-headers.js';
import type { PublicMedia } from '../public-media.js';
import type { SharedState } from '../state/types.js';
import type { BlobStore } from '../store.js';

export interface OpsRouteOptions {
  provider: { name: string };
  state: SharedState;
  metrics: Metrics;
  /** When set, `GET /metrics` needs it as a bearer token. */
  metricsToken?: string;
  store: BlobStore;
  /** Public links to stored photos, for providers that fetch by URL; `GET /media/…` 404s without. */
  media?: PublicMedia;
}

/** What operators and providers call: `GET /healthz`, `GET /metrics`, and `GET /media/{token}` (photos by public link). */
export function opsRoutes({ provider, state, metrics, metricsToken, store, media }: OpsRouteOptions) {
  return new Hono()
    .get('/healthz', async (c) => {
      try {
        await state.ping();
        return respondJson(c, { ok: true, provider: provider.name });
      } catch {
        return respondJson(c, { ok: false, provider: provider.name, problem: 'shared state unreachable' }, 503);
      }
    })
    .get('/metrics', (c) => {
      if (metricsToken && bearerToken(c.req.header('authorization')) !== metricsToken) throw new ApiError('TOKEN_INVALID', 'Metrics need the metrics token.', { retryable: false });
      return respond(c, metrics.render(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    })
    .get('/media/:token', async (c) => {
      const key = media?.resolve(c.req.param('token'));
      const blob = key && (await store.get(key));
      if (!blob) throw new ApiError('NOT_FOUND', 'Not found.', { retryable: false });
      return respond(c, blob.bytes as Uint8Array<ArrayBuffer>, 200, { 'content-type': blob.contentType, 'cache-control': 'private, no-store' });
    });
}
