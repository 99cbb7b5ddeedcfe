import { Hono } from 'hono';
import type { ModelGallery as ModelList } from '../../contract.js';
import { ApiError } from '../errors.js';
import { respond } from '../middleware/response-headers.js';
import type { ModelGallery } from '../models/gallery.js';

/** A model's photo changes only with a restart under a new configuration; a day's public cache is plenty and spares the proxy. */
const IMAGE_CACHE = 'public, max-age=86400, immutable';

/**
 * `GET /models` and `GET /models/{id}/image`: the merchant's model gallery. No session is
 * needed (nothing in it is a shopper's), CORS like every route (app.ts).
 */
export function modelRoutes({ gallery }: { gallery: ModelGallery }) {
  return new Hono()
    .get('/models', async (c) => {
      await gallery.ready;
      // Asked afresh each time (a few hundred bytes): a model who withdraws consent leaves the gallery at the next restart, not a cache's lifetime later.
      return respond(c, JSON.stringify({ models: gallery.list() } satisfies ModelList), 200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' });
    })
    .get('/models/:id/image', async (c) => {
      await gallery.ready;
      const image = gallery.image(c.req.param('id'));
      if (!image) throw new ApiError('MODEL_NOT_FOUND', 'This shop has no such model.');
      return respond(c, image.bytes as Uint8Array<ArrayBuffer>, 200, { 'content-type': image.contentType, 'cache-control': IMAGE_CACHE, 'content-disposition': 'inline' });
    });
}
