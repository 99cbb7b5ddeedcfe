/**
 * AuraX, as its API document describes it: `x-api-key` + `x-key-id`,
 * `POST /api/ai/vto` with base64 `personImage`/`garmentImage`, `productType` from the
 * documented list and `garmentStrength` 1–3 (3 credits), `GET /api/ai/task/:id`,
 * `GET /api/ai/task/:id/stream` (SSE) and `GET /images/:imageId`. No response body is
 * documented; these follow the adapter's guesses (aurax/mapping.ts): submit `{success,
 * taskId}`, task `{success, data: {taskId, status, progress, imageId?, error?}}`, stream
 * events carrying the task JSON, errors `{success: false, message}`.
 */
import { DEFAULT_BEHAVIOUR, EmulatorServer, imageFormat, newId, type Behaviour, type Context, type Job, type Phase, type Reply } from './harness.js';

export const API_KEY = 'aurax_sk_5e0d7c3b19a84f62';
export const KEY_ID = 'aurax-key-id-88c1';

const PRODUCT_TYPES = new Set(['GARMENT', 'DRESS', 'OUTFIT', 'FOOTWEAR', 'BAG', 'JEWELLERY', 'EYEWEAR', 'BEAUTY', 'OTHER']);

export class AuraxEmulator extends EmulatorServer {
  readonly name = 'aurax';
  /** The body of every accepted VTO call (images replaced by their sizes). */
  readonly tasks: Record<string, unknown>[] = [];

  constructor(behaviour: Partial<Behaviour> = {}) {
    super({ ...DEFAULT_BEHAVIOUR, ...behaviour });
    this.routes = [
      { method: 'POST', pattern: /^\/api\/ai\/vto$/, api: true, handle: (context) => this.vto(context) },
      { method: 'GET', pattern: /^\/api\/ai\/task\/([^/]+)\/stream$/, api: true, handle: (context) => this.stream(context) },
      { method: 'GET', pattern: /^\/api\/ai\/task\/([^/]+)$/, api: true, handle: (context) => this.task(context) },
      { method: 'GET', pattern: /^\/images\/([^/]+)$/, api: true, handle: (context) => this.image(context) },
    ];
  }

  override reset() {
    super.reset();
    this.tasks.length = 0;
  }

  env() {
    return { AURAX_BASE_URL: this.url, AURAX_API_KEY: API_KEY, AURAX_KEY_ID: KEY_ID };
  }

  secrets() {
    return [API_KEY, KEY_ID];
  }

  protected errorBody(_status: number, _code: string, message: string) {
    return { success: false, message };
  }

  private error(status: number, message: string): Reply {
    return { status, json: { success: false, message } };
  }

  private denied(context: Context): Reply | undefined {
    return context.headers['x-api-key'] === API_KEY && context.headers['x-key-id'] === KEY_ID ? undefined : this.error(401, 'Invalid API key or key ID');
  }

  private async vto(context: Context): Promise<Reply> {
    const denied = this.denied(context);
    if (denied) return denied;
    const body = context.json() as Record<string, unknown> | undefined;
    if (!body) return this.error(400, 'Body must be JSON');
    const images: Uint8Array[] = [];
    for (const field of ['personImage', 'garmentImage']) {
      const value = body[field];
      const bytes = typeof value === 'string' && /^[A-Za-z0-9+/]+=*$/.test(value) ? new Uint8Array(Buffer.from(value, 'base64')) : undefined;
      if (!bytes || !(await imageFormat(bytes))) return this.error(400, `${field} must be a base64 encoded image`);
      images.push(bytes);
    }
    if (!PRODUCT_TYPES.has(body.productType as string)) return this.error(400, `productType must be one of: ${[...PRODUCT_TYPES].join(', ')}`);
    if (![1, 2, 3].includes(body.garmentStrength as number)) return this.error(400, 'garmentStrength must be 1, 2, or 3');
    if (this.behaviour.outOfCredits) return this.error(402, 'Insufficient credits: this request needs 3 credits');
    const taskId = newId();
    this.tasks.push({ ...body, personImage: images[0]!.byteLength, garmentImage: images[1]!.byteLength });
    this.createJob(taskId, { person: images[0], garments: [images[1]!] });
    return { json: { success: true, taskId, creditsUsed: 3 } };
  }

  private view(job: Job, phase: Phase) {
    if (phase.phase === 'queued') return { taskId: job.id, type: 'VTO', status: 'PENDING', progress: 0 };
    if (phase.phase === 'running') return { taskId: job.id, type: 'VTO', status: 'PROCESSING', progress: Math.round(phase.progress * 100) };
    if (phase.phase === 'failed') return { taskId: job.id, type: 'VTO', status: 'FAILED', progress: 100, error: phase.reason || 'Try-on generation failed' };
    return { taskId: job.id, type: 'VTO', status: 'COMPLETED', progress: 100, imageId: `img_${job.id}` };
  }

  private stream(context: Context): Reply {
    const denied = this.denied(context);
    if (denied) return denied;
    const job = this.jobs.get(context.params[0]!);
    if (!job) return this.error(404, 'Task not found');
    if (this.behaviour.stream === 'error') return this.error(500, 'Stream unavailable');
    return { events: this.jobEvents(job, (phase) => ({ data: JSON.stringify(this.view(job, phase)) }), context.closed) };
  }

  private task(context: Context): Reply {
    const denied = this.denied(context);
    if (denied) return denied;
    const job = this.jobs.get(context.params[0]!);
    if (!job) return this.error(404, 'Task not found');
    return { json: { success: true, data: this.view(job, this.phaseOf(job)) } };
  }

  private async image(context: Context): Promise<Reply> {
    const denied = this.denied(context);
    if (denied) return denied;
    const job = this.jobs.get(context.params[0]!.replace(/^img_/, ''));
    if (!job || this.phaseOf(job).phase !== 'succeeded') return this.error(404, 'Image not found');
    return { bytes: await this.resultOf(job), headers: { 'content-type': 'image/png' } };
  }
}

export function startAurax(behaviour: Partial<Behaviour> = {}): Promise<AuraxEmulator> {
  return new AuraxEmulator(behaviour).start();
}
