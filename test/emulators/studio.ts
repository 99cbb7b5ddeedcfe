/**
 * Studio, as its API document describes it: Bearer token, `POST /v1/try-on`
 * with `user_image`, `user_category`, `items[]` → 202 `{request_id, job_id, status:
 * "NOT_STARTED", credits_cost}`, and the `{error: {code, message, request_id}}` envelope
 * (INSUFFICIENT_BALANCE, VALIDATION_ERROR, RATE_LIMITED). The upload call, the events and
 * the job body are not documented; they follow the adapter's guesses (studio/mapping.ts):
 * multipart `file` → `{upload_key, image_url}`; events `data: {job_id, status, progress}`;
 * job `{job_id, status, progress, render: {image_url}, error}`.
 */
import { DEFAULT_BEHAVIOUR, EmulatorServer, bearer, imageFormat, ulid, type Behaviour, type Context, type Phase, type Reply } from './harness.js';

export const API_TOKEN = 'sk_test_studio_4b8e1f0c9d2a7e';

const USER_CATEGORIES = new Set(['FEMALE', 'MALE', 'UNISEX']);
const ITEM_CATEGORIES = new Set(['top', 'shirt', 'bottom', 'jeans', 'dress', 'outerwear', 'full_body', 'shoes']);

export class StudioEmulator extends EmulatorServer {
  readonly name = 'studio';
  /** Upload key → bytes. */
  readonly uploads = new Map<string, Uint8Array>();
  /** The body of every accepted `POST /v1/try-on`. */
  readonly submissions: unknown[] = [];

  constructor(behaviour: Partial<Behaviour> = {}) {
    super({ ...DEFAULT_BEHAVIOUR, ...behaviour });
    this.routes = [
      { method: 'POST', pattern: /^\/v1\/uploads$/, api: true, handle: (context) => this.upload(context) },
      { method: 'POST', pattern: /^\/v1\/try-on$/, api: true, handle: (context) => this.tryOn(context) },
      { method: 'GET', pattern: /^\/v1\/jobs\/([^/]+)\/events$/, api: true, handle: (context) => this.events(context) },
      { method: 'GET', pattern: /^\/v1\/jobs\/([^/]+)$/, api: true, handle: (context) => this.job(context) },
      { method: 'GET', pattern: /^\/s3\/renders\/([^/]+)\.png$/, api: false, handle: (context) => this.render(context) },
    ];
  }

  override reset() {
    super.reset();
    this.uploads.clear();
    this.submissions.length = 0;
  }

  env() {
    return { STUDIO_BASE_URL: this.url, STUDIO_API_TOKEN: API_TOKEN };
  }

  secrets() {
    return [API_TOKEN];
  }

  protected errorBody(_status: number, code: string, message: string) {
    return { error: { code, message, request_id: ulid() } };
  }

  private error(status: number, code: string, message: string): Reply {
    return { status, json: this.errorBody(status, code, message) };
  }

  private denied(context: Context): Reply | undefined {
    return bearer(context.headers) === API_TOKEN ? undefined : this.error(401, 'UNAUTHORIZED', 'Missing or invalid API key.');
  }

  private async upload(context: Context): Promise<Reply> {
    const denied = this.denied(context);
    if (denied) return denied;
    const file = await context
      .request()
      .formData()
      .then((form) => form.get('file'))
      .catch(() => null);
    if (!(file instanceof File)) return this.error(422, 'VALIDATION_ERROR', 'Request body or parameters failed validation.');
    const bytes = new Uint8Array(await file.arrayBuffer());
    const format = await imageFormat(bytes);
    if (!format || !['jpeg', 'png', 'webp'].includes(format) || bytes.byteLength > 25 * 1024 * 1024)
      return this.error(422, 'VALIDATION_ERROR', 'The input image must be jpeg/png/webp, ≤25 MB.');
    const key = `uploads/${ulid()}/${file.name || 'image'}`;
    this.uploads.set(key, bytes);
    return { json: { upload_key: key, image_url: this.signedUrl(`/s3/${key}`) } };
  }

  private tryOn(context: Context): Reply {
    const denied = this.denied(context);
    if (denied) return denied;
    const body = context.json() as Record<string, unknown> | undefined;
    const items = Array.isArray(body?.items) ? (body.items as Record<string, unknown>[]) : [];
    const valid =
      body &&
      typeof body.user_image === 'string' &&
      this.uploads.has(body.user_image) &&
      (body.user_category === undefined || USER_CATEGORIES.has(body.user_category as string)) &&
      items.length > 0 &&
      items.every((item) => typeof item?.trial_image === 'string' && this.uploads.has(item.trial_image) && ITEM_CATEGORIES.has(item.trial_item_category as string));
    if (!valid) return this.error(422, 'VALIDATION_ERROR', 'Request body or parameters failed validation.');
    if (this.behaviour.outOfCredits) return this.error(402, 'INSUFFICIENT_BALANCE', 'Account balance is below the cost of this request.');
    const jobId = ulid();
    this.submissions.push(body);
    this.createJob(jobId, { person: this.uploads.get(body.user_image as string), garments: items.map((item) => this.uploads.get(item.trial_image as string)!) });
    return { status: 202, json: { request_id: ulid(), job_id: jobId, status: 'NOT_STARTED', credits_cost: 10 } };
  }

  private static status(phase: Phase): { status: string; progress: number } {
    if (phase.phase === 'queued') return { status: 'NOT_STARTED', progress: 0 };
    if (phase.phase === 'running') return { status: 'IN_PROGRESS', progress: Math.round(phase.progress * 100) / 100 };
    return { status: phase.phase === 'succeeded' ? 'COMPLETED' : 'FAILED', progress: 1 };
  }

  private events(context: Context): Reply {
    const denied = this.denied(context);
    if (denied) return denied;
    const job = this.jobs.get(context.params[0]!);
    if (!job) return this.error(404, 'NOT_FOUND', 'Job not found.');
    if (this.behaviour.stream === 'error') return this.error(500, 'INTERNAL_ERROR', 'Event stream unavailable.');
    return { events: this.jobEvents(job, (phase) => ({ event: 'status', data: JSON.stringify({ job_id: job.id, ...StudioEmulator.status(phase) }) }), context.closed) };
  }

  private job(context: Context): Reply {
    const denied = this.denied(context);
    if (denied) return denied;
    const job = this.jobs.get(context.params[0]!);
    if (!job) return this.error(404, 'NOT_FOUND', 'Job not found.');
    const phase = this.phaseOf(job);
    const render = phase.phase === 'succeeded' ? { image_url: this.signedUrl(`/s3/renders/${job.id}.png`), width: 240, height: 320 } : null;
    const error = phase.phase === 'failed' ? { code: phase.reason || 'RENDER_FAILED', message: 'The render could not be produced.' } : null;
    return { json: { job_id: job.id, ...StudioEmulator.status(phase), items: job.garments.length, render, error, credits_refunded: phase.phase === 'failed' } };
  }

  private async render(context: Context): Promise<Reply> {
    const job = this.jobs.get(context.params[0]!);
    if (!job || !this.signatureValid(context.url)) return { status: 403, text: 'AccessDenied' };
    return { bytes: await this.resultOf(job), headers: { 'content-type': 'image/png' } };
  }
}

export function startStudio(behaviour: Partial<Behaviour> = {}): Promise<StudioEmulator> {
  return new StudioEmulator(behaviour).start();
}
