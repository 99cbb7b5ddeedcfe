import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { JobCreated } from '../../contract.js';
import { ApiError } from '../errors.js';
import { fetchGarment, type GarmentFetchPolicy } from '../garment-source.js';
import type { ImageCleaner } from '../images.js';
import { fingerprintOf, readJobFields } from '../job-form.js';
import { type JobInput, type JobRecord, viewJson } from '../job-records.js';
import type { JobService } from '../jobs.js';
import type { Logger } from '../log.js';
import type { SessionEnv } from '../middleware/authenticate.js';
import type { RequestContextEnv } from '../middleware/request-context.js';
import { respond, respondJson, respondJsonText } from '../middleware/response-headers.js';
import type { Limit, RateLimiter } from '../rate-limit.js';
import { errorResponse } from './errors.js';

export interface JobRouteOptions {
  jobs: JobService;
  limiter: RateLimiter;
  limits: { jobsPerSession: Limit; jobsPerIp: Limit; jobsPerOrigin: Limit };
  provider: { name: string; maxGarments: number };
  cleanImage: ImageCleaner;
  imageLimits: { maxBytes: number; maxPixels: number };
  garmentPolicy: GarmentFetchPolicy;
  log: Logger;
}

/** `POST /jobs`, `GET /jobs/{id}`, `DELETE /jobs/{id}`; behind `authenticate`. */
export function jobRoutes({ jobs, limiter, limits, provider, cleanImage, imageLimits, garmentPolicy, log }: JobRouteOptions) {
  const uploadLimit = bodyLimit({
    maxSize: imageLimits.maxBytes * (1 + provider.maxGarments) + 64 * 1024,
    onError: (c) => errorResponse(c, new ApiError('IMAGE_TOO_LARGE', `The upload is larger than ${imageLimits.maxBytes / 1024 / 1024} MB per image.`)),
  });

  return new Hono<RequestContextEnv & SessionEnv>()
    .post('/jobs', uploadLimit, async (c) => {
      const session = c.get('session');
      await limiter.take(limits.jobsPerSession, session.sid);
      await limiter.take(limits.jobsPerIp, c.get('client'));
      await limiter.take(limits.jobsPerOrigin, session.origin);
      await jobs.assertAvailable();
      if (!/^multipart\/form-data\b/i.test(c.req.header('content-type') ?? '')) throw new ApiError('BAD_REQUEST', 'The request must be multipart/form-data.');
      const form = await c.req.parseBody({ all: true }).catch(() => {
        throw new ApiError('BAD_REQUEST', 'The request must be multipart/form-data.');
      });
      const fields = readJobFields(form, provider.maxGarments);
      const idempotencyKey = c.req.header('idempotency-key')?.slice(0, 200);
      const fingerprint = await fingerprintOf(fields);
      const existing = await jobs.findIdempotent(session.sid, idempotencyKey, fingerprint);
      if (existing) return respondJson(c, created(existing), 202);

      let personRef: string;
      if (fields.person) {
        const photo = await cleanImage(new Uint8Array(await fields.person.arrayBuffer()), imageLimits, 'person');
        personRef = await jobs.keepPerson(session.sid, photo);
      } else {
        personRef = fields.personRef!;
        await jobs.requirePerson(session.sid, personRef);
      }
      const garments: JobInput['garments'] = [];
      for (const garment of fields.garments) {
        const bytes = typeof garment === 'string' ? await fetchGarment(garment, garmentPolicy, c.req.raw.signal) : new Uint8Array(await garment.arrayBuffer());
        garments.push(await cleanImage(bytes, imageLimits, 'garment'));
      }
      const input = { personRef, garments, category: fields.category, productId: fields.productId, variantId: fields.variantId };
      const job = await jobs.create(session.sid, input, idempotencyKey ? { key: idempotencyKey, fingerprint } : undefined);
      log.info('job.created', { requestId: c.get('requestId'), job: job.id, provider: provider.name, category: fields.category, garments: garments.length });
      return respondJson(c, created(job), 202);
    })
    .get('/jobs/:id', async (c) => respondJsonText(c, viewJson(await jobs.get(c.get('session').sid, c.req.param('id')))))
    .delete('/jobs/:id', async (c) => {
      await jobs.delete(c.get('session').sid, c.req.param('id'));
      return respond(c, null, 204);
    });
}

function created(job: JobRecord): JobCreated {
  return { id: job.id, status: job.status, personRef: job.personRef };
}
