/**
 * Miraflow, as its API document describes it: `x-api-key`, the media
 * upload (`/api/media/initialize` → PUT to a presigned `uploadUrl` → `/api/media/finalize`),
 * the image-to-image edit job (`referenceImageMediaId` required, plus the multi-image
 * `referenceImageMediaIds`), and `GET /api/image/{jobId}` until it has a `downloadUrl`.
 * Undocumented and following the adapter's guesses: the edit path `/api/image/edit`, the
 * in-progress `{result, status: waiting|started, progress}` and failed `{status: failed,
 * reason}` bodies, and `{result: "failure", error}` error bodies.
 */
import { DEFAULT_BEHAVIOUR, EmulatorServer, cuid, imageFormat, type Behaviour, type Context, type Reply } from './harness.js';

export const API_KEY = 'mf_live_9c2e44b1a7d05f3e';

interface Media {
  contentType: string;
  fileSize: number;
  bytes?: Uint8Array;
  finalized: boolean;
}

export class MiraflowEmulator extends EmulatorServer {
  readonly name = 'miraflow';
  readonly media = new Map<string, Media>();
  /** The body of every accepted edit job. */
  readonly edits: Record<string, unknown>[] = [];

  constructor(behaviour: Partial<Behaviour> = {}) {
    super({ ...DEFAULT_BEHAVIOUR, ...behaviour });
    this.routes = [
      { method: 'POST', pattern: /^\/api\/media\/initialize$/, api: true, handle: (context) => this.initialize(context) },
      { method: 'PUT', pattern: /^\/s3\/upload\/([^/]+)$/, api: false, handle: (context) => this.put(context) },
      { method: 'POST', pattern: /^\/api\/media\/finalize$/, api: true, handle: (context) => this.finalize(context) },
      { method: 'POST', pattern: /^\/api\/image\/edit$/, api: true, handle: (context) => this.edit(context) },
      { method: 'GET', pattern: /^\/api\/image\/([^/]+)$/, api: true, handle: (context) => this.job(context) },
      { method: 'GET', pattern: /^\/s3\/media\/([^/]+)\.png$/, api: false, handle: (context) => this.download(context) },
    ];
  }

  override reset() {
    super.reset();
    this.media.clear();
    this.edits.length = 0;
  }

  env() {
    return { MIRAFLOW_BASE_URL: this.url, MIRAFLOW_API_KEY: API_KEY };
  }

  secrets() {
    return [API_KEY];
  }

  protected errorBody(_status: number, _code: string, message: string) {
    return { result: 'failure', error: message };
  }

  private failure(status: number, error: string): Reply {
    return { status, json: { result: 'failure', error } };
  }

  private denied(context: Context): Reply | undefined {
    return context.headers['x-api-key'] === API_KEY ? undefined : this.failure(401, 'Invalid API key');
  }

  private initialize(context: Context): Reply {
    const denied = this.denied(context);
    if (denied) return denied;
    const body = context.json() as Record<string, unknown> | undefined;
    if (!body || typeof body.fileName !== 'string' || typeof body.contentType !== 'string' || !Number.isInteger(body.fileSize) || (body.fileSize as number) <= 0) {
      return this.failure(400, 'fileName, contentType and fileSize are required');
    }
    const mediaId = cuid();
    this.media.set(mediaId, { contentType: body.contentType, fileSize: body.fileSize as number, finalized: false });
    return { json: { mediaId, uploadUrl: this.signedUrl(`/s3/upload/${mediaId}`) } };
  }

  /** The presigned PUT: the signature, the content type and the size must match the initialization. */
  private put(context: Context): Reply {
    const media = this.media.get(context.params[0]!);
    if (!media || !this.signatureValid(context.url))
      return { status: 403, text: '<Error><Code>SignatureDoesNotMatch</Code></Error>', headers: { 'content-type': 'application/xml' } };
    if (context.headers['content-type'] !== media.contentType || context.body.byteLength !== media.fileSize)
      return { status: 400, text: '<Error><Code>BadDigest</Code></Error>', headers: { 'content-type': 'application/xml' } };
    media.bytes = new Uint8Array(context.body);
    return { status: 200, text: '' };
  }

  private finalize(context: Context): Reply {
    const denied = this.denied(context);
    if (denied) return denied;
    const mediaId = (context.json() as Record<string, unknown> | undefined)?.mediaId;
    const media = typeof mediaId === 'string' ? this.media.get(mediaId) : undefined;
    if (!media?.bytes) return this.failure(400, 'Upload not found for this mediaId');
    media.finalized = true;
    return { json: { success: true } };
  }

  private async edit(context: Context): Promise<Reply> {
    const denied = this.denied(context);
    if (denied) return denied;
    const body = context.json() as Record<string, unknown> | undefined;
    const ids = [body?.referenceImageMediaId, ...(Array.isArray(body?.referenceImageMediaIds) ? (body.referenceImageMediaIds as unknown[]) : [])];
    const usable = ids.every((id) => typeof id === 'string' && this.media.get(id)?.finalized);
    if (!body || !usable || typeof body.prompt !== 'string' || !body.prompt || typeof body.name !== 'string' || !body.name) {
      return this.failure(400, 'referenceImageMediaId (a finalized media), prompt and name are required');
    }
    if (body.aspectRatio !== undefined && !['1:1', '16:9', '9:16', '4:3', '3:4'].includes(body.aspectRatio as string)) return this.failure(400, 'Invalid aspectRatio');
    if (this.behaviour.outOfCredits) return this.failure(402, 'Insufficient credits to run this job');
    const references = [...new Set(ids as string[])].map((id) => this.media.get(id)!.bytes!);
    for (const bytes of references) if (!(await imageFormat(bytes))) return this.failure(400, 'Reference media is not an image');
    const jobId = cuid();
    this.edits.push(body);
    this.createJob(jobId, { person: references[0], garments: references.slice(1), meta: { name: body.name, prompt: body.prompt } });
    return { json: { result: 'success', jobId } };
  }

  private job(context: Context): Reply {
    const denied = this.denied(context);
    if (denied) return denied;
    const job = this.jobs.get(context.params[0]!);
    if (!job) return this.failure(404, 'Job not found');
    const phase = this.phaseOf(job);
    if (phase.phase === 'queued') return { json: { result: 'success', status: 'waiting', progress: 0 } };
    if (phase.phase === 'running') return { json: { result: 'success', status: 'started', progress: Math.round(phase.progress * 100) } };
    if (phase.phase === 'failed') return { json: { result: 'success', status: 'failed', reason: phase.reason || 'Generation failed' } };
    const mediaId = `${job.id}m`;
    return {
      json: {
        id: job.id,
        name: job.meta.name,
        prompt: job.meta.prompt,
        createdAt: new Date(job.createdAt).toISOString(),
        downloadUrl: this.signedUrl(`/s3/media/${mediaId}.png`),
        mediaId,
      },
    };
  }

  private async download(context: Context): Promise<Reply> {
    const job = this.jobs.get(context.params[0]!.replace(/m$/, ''));
    if (!job || !this.signatureValid(context.url)) return { status: 403, text: 'AccessDenied' };
    return { bytes: await this.resultOf(job), headers: { 'content-type': 'image/png' } };
  }
}

export function startMiraflow(behaviour: Partial<Behaviour> = {}): Promise<MiraflowEmulator> {
  return new MiraflowEmulator(behaviour).start();
}
