import { Hono } from 'hono';
import type { JobService } from '../jobs.js';
import type { SessionEnv } from '../middleware/authenticate.js';
import { respond } from '../middleware/response-headers.js';

/** `GET /results/{id}`: a finished job's image, for its session only; behind `authenticate`. */
export function resultRoutes({ jobs }: { jobs: JobService }) {
  return new Hono<SessionEnv>().get('/results/:id', async (c) => {
    const blob = await jobs.result(c.get('session').sid, c.req.param('id'));
    return respond(c, blob.bytes as Uint8Array<ArrayBuffer>, 200, { 'content-type': blob.contentType, 'cache-control': 'private, no-store', 'content-disposition': 'inline' });
  });
}
