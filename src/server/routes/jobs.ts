import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { JobCreated } from '../../contract.js';
import { ApiError } from '../errors.js';
import { fetchGarment, type GarmentFetchPolicy } from '../garment-source.js';
import type { ImageCleaner } from '../images.js';
import { type ConsentLedger, readConsentReceipt } from '../consent-records.js';
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
  provider: { name: string };
  cleanImage: ImageCleaner;
  imageLimits: { maxBytes: number; maxPixels: number };
  garmentPolicy: GarmentFetchPolicy;
  log: Logger;
  /** Where the consent receipts sent with jobs are recorded. */
  consents: ConsentLedger;
  /** True when `id` is a model of the merchant's gallery (`modelId`). */
  hasModel?: (id: string) => Promise<boolean>;
}

/** Garments per job: a look of up to four items (sent at once where the provider can, else chained). */
export const MAX_LOOK_ITEMS = 4;

/** `POST /jobs`, `GET /jobs/{id}`, `DELETE /jobs/{id}`; behind `authenticate`. */
export function jobRoutes({ jobs, limiter, limits, provider, cleanImage, imageLimits, garmentPolicy, log, consents, hasModel = async () => false }: JobRouteOptions) {
  const uploadLimit = bodyLimit({
    // The photo plus one image's worth for the garments: a look's garments are URLs or small product shots, and a bigger body is not worth reading.
    maxSize: imageLimits.maxBytes * 2 + 64 * 1024,
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
      const fields = readJobFields(form, MAX_LOOK_ITEMS);
      if (fields.modelId && !(await hasModel(fields.modelId))) throw new ApiError('MODEL_NOT_FOUND', 'This shop has no such model.');
      // Recorded before the photo is even stored: the proof comes first. Once per session, version and text.
      const receipt = readConsentReceipt(form);
      if (receipt) await consents.record(receipt, { sessionId: session.sid, client: c.get('client'), origin: session.origin });
      const idempotencyKey = c.req.header('idempotency-key')?.slice(0, 200);
      const fingerprint = await fingerprintOf(fields);
      const existing = await jobs.findIdempotent(session.sid, idempotencyKey, fingerprint);
      if (existing) return respondJson(c, created(existing), 202);

      // A model's photo is the merchant's, already stored: no photo of the shopper at all.
      let personRef: string | undefined;
      if (fields.person) {
        const photo = await cleanImage(new Uint8Array(await fields.person.arrayBuffer()), imageLimits, 'person');
        personRef = await jobs.keepPerson(session.sid, photo);
      } else if (fields.personRef) {
        personRef = fields.personRef;
        await jobs.requirePerson(session.sid, personRef);
      }
      const garments: JobInput['garments'] = [];
      for (const garment of fields.garments) {
        const bytes = typeof garment === 'string' ? await fetchGarment(garment, garmentPolicy, c.req.raw.signal) : new Uint8Array(await garment.arrayBuffer());
        garments.push(await cleanImage(bytes, imageLimits, 'garment'));
      }
      const input = {
        personRef,
        modelId: fields.modelId,
        garments,
        category: fields.category,
        categories: fields.categories,
        productId: fields.productId,
        variantId: fields.variantId,
      };
      const job = await jobs.create(session.sid, input, idempotencyKey ? { key: idempotencyKey, fingerprint } : undefined, c.get('client'));
      log.info('job.created', {
        requestId: c.get('requestId'),
        job: job.id,
        provider: provider.name,
        category: fields.category,
        garments: garments.length,
        model: !!fields.modelId,
      });
      return respondJson(c, created(job), 202);
    })
    .get('/jobs/:id', async (c) => respondJsonText(c, viewJson(await jobs.get(c.get('session').sid, c.req.param('id')))))
    .delete('/jobs/:id', async (c) => {
      await jobs.delete(c.get('session').sid, c.req.param('id'));
      return respond(c, null, 204);
    });
}

function created(job: JobRecord): JobCreated {
  return { id: job.id, status: job.status, ...(job.personRef ? { personRef: job.personRef } : {}) };
}
