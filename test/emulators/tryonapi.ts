/**
 * TryonAPI, as its API document describes it: Bearer API key,
 * `POST /api/v1/tryon` (multipart `person_images` + `garment_images`) → 202
 * `{jobId, statusUrl}`, `GET /api/v1/tryon/status/{jobId}` → processing | completed
 * (`imageUrl` and/or `imageBase64`) | failed (`error`, `errorCode`, `result`), and the
 * documented 400/401/402/403/404/429/500 answers. Error bodies (undocumented) are
 * `{error, errorCode?}`.
 */
import { DEFAULT_BEHAVIOUR, EmulatorServer, bearer, imageFormat, newId, type Behaviour, type Context, type Reply } from './harness.js';

export interface TryonApiBehaviour extends Behaviour {
  /** How completed jobs hand over the image. */
  resultAs: 'url' | 'base64' | 'both';
}

export const API_KEY = 'tryonapi-key-7d41c0e9b2a6';
/** A second valid key, of another account (its jobs answer 403 to the first). */
export const OTHER_API_KEY = 'tryonapi-key-other-55aa90';

/** The documented errorCode values. */
export const ERROR_CODES = [
  'INVALID_PERSON_IMAGE',
  'INVALID_GARMENT_IMAGE',
  'VALIDATION_FAILED',
  'GENERATION_FAILED',
  'STORAGE_FAILED',
  'R2_FETCH_FAILED',
  'RESULT_UNAVAILABLE',
  'QUEUE_INVALID_INPUT_DATA',
  'CONSUMER_CONFIG_ERROR',
  'INVALID_SERVICE_PROVIDER',
  'QUEUE_PROCESSING_FAILED',
  'SERVICE_SPECIFIC_ERROR',
  'INTERNAL_ERROR',
] as const;

export class TryonApiEmulator extends EmulatorServer<TryonApiBehaviour> {
  readonly name = 'tryonapi';

  constructor(behaviour: Partial<TryonApiBehaviour> = {}) {
    super({ ...DEFAULT_BEHAVIOUR, resultAs: 'url', ...behaviour });
    this.routes = [
      { method: 'POST', pattern: /^\/api\/v1\/tryon$/, api: true, handle: (context) => this.submit(context) },
      { method: 'GET', pattern: /^\/api\/v1\/tryon\/status\/([^/]+)$/, api: true, handle: (context) => this.status(context) },
      { method: 'GET', pattern: /^\/r2\/results\/([^/]+)\.png$/, api: false, handle: (context) => this.result(context) },
    ];
  }

  env() {
    return { TRYONAPI_BASE_URL: this.url, TRYONAPI_API_KEY: API_KEY };
  }

  secrets() {
    return [API_KEY, OTHER_API_KEY];
  }

  protected errorBody(_status: number, code: string, message: string) {
    return { error: message, errorCode: code === 'RATE_LIMITED' ? undefined : code };
  }

  private key(context: Context): string | undefined {
    const key = bearer(context.headers);
    return key === API_KEY || key === OTHER_API_KEY ? key : undefined;
  }

  private async submit(context: Context): Promise<Reply> {
    const key = this.key(context);
    if (!key) return { status: 401, json: { error: 'Invalid or missing API key.' } };
    let form: FormData;
    try {
      form = await context.request().formData();
    } catch {
      return { status: 400, json: { error: 'Request must be multipart/form-data.' } };
    }
    const files: Uint8Array[] = [];
    for (const field of ['person_images', 'garment_images']) {
      const file = form.get(field);
      if (!(file instanceof Blob)) return { status: 400, json: { error: `Missing file: ${field}. Public URLs are not currently supported.` } };
      const bytes = new Uint8Array(await file.arrayBuffer());
      if (!(await imageFormat(bytes))) return { status: 400, json: { error: `Invalid image format: ${field}.` } };
      files.push(bytes);
    }
    if (this.behaviour.outOfCredits) return { status: 402, json: { error: 'Insufficient credits.' } };
    const jobId = newId();
    const fail = this.behaviour.failNextJob;
    const job = this.createJob(jobId, { person: files[0], garments: [files[1]!], meta: { owner: key } });
    if (fail === true) job.fail = 'GENERATION_FAILED';
    return { status: 202, json: { jobId, statusUrl: `/api/v1/tryon/status/${jobId}` } };
  }

  private async status(context: Context): Promise<Reply> {
    const key = this.key(context);
    if (!key) return { status: 401, json: { error: 'Invalid or missing API key.' } };
    const job = this.jobs.get(context.params[0]!);
    if (!job) return { status: 404, json: { error: 'Job not found.' } };
    if (job.meta.owner !== key) return { status: 403, json: { error: 'You do not have permission to access this job.' } };
    const phase = this.phaseOf(job);
    const times = { createdAt: new Date(job.createdAt).toISOString(), updatedAt: new Date().toISOString() };
    if (phase.phase === 'queued' || phase.phase === 'running') return { json: { jobId: job.id, status: 'processing', message: 'Job is still processing.', ...times } };
    if (phase.phase === 'failed') {
      const errorCode = phase.reason || 'GENERATION_FAILED';
      const error = `Try-on failed: ${errorCode.toLowerCase().replace(/_/g, ' ')}`;
      return { json: { jobId: job.id, status: 'failed', error, errorCode, result: { error, errorCode, step: 'generation' }, ...times } };
    }
    const resultAs = this.behaviour.resultAs;
    const image = resultAs === 'url' ? {} : { imageBase64: Buffer.from(await this.resultOf(job)).toString('base64') };
    const url = resultAs === 'base64' ? {} : { imageUrl: this.signedUrl(`/r2/results/${job.id}.png`) };
    return { json: { jobId: job.id, status: 'completed', ...url, ...image, result: { objectKey: `results/${job.id}.png` }, ...times } };
  }

  private async result(context: Context): Promise<Reply> {
    const job = this.jobs.get(context.params[0]!);
    if (!job || !this.signatureValid(context.url)) return { status: 403, text: 'Forbidden' };
    return { bytes: await this.resultOf(job), headers: { 'content-type': 'image/png' } };
  }
}

export function startTryonApi(behaviour: Partial<TryonApiBehaviour> = {}): Promise<TryonApiEmulator> {
  return new TryonApiEmulator(behaviour).start();
}
