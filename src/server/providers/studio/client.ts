/** Studio's HTTP calls: uploads, the try-on dispatch, the job's event stream and status, the render download. Bearer token. */
import type { PreparedImage } from '../types.js';
import type { ServerSentEvent } from '../upstream/event-stream.js';
import type { Upstream } from '../upstream/http.js';
import type { ImageBytes } from '../upstream/image-bytes.js';
import type { JsonObject } from '../upstream/json.js';
import { uploadCall } from './mapping.js';

export class StudioClient {
  constructor(
    private readonly upstream: Upstream,
    private readonly token: string,
  ) {}

  private get auth() {
    return { authorization: `Bearer ${this.token}` };
  }

  /**
   * `POST /v1/uploads` → the upload key. Uploads are free and create nothing billable, so a
   * timed-out upload is repeated (at worst Studio keeps an unused copy).
   */
  async upload(image: PreparedImage, name: string, signal: AbortSignal): Promise<string> {
    const { form, readKey } = uploadCall(image, name);
    const answer = await this.upstream.json({
      method: 'POST',
      path: '/v1/uploads',
      headers: this.auth,
      body: form,
      retrySafe: true,
      timeoutMs: this.upstream.timing.transferTimeoutMs,
      signal,
    });
    const key = readKey(answer.body);
    if (!key) throw this.upstream.malformed(answer, 'no upload_key');
    return key;
  }

  /** `POST /v1/try-on`. Costs credits: never repeated after a timeout or 5xx. */
  async tryOn(body: unknown, signal: AbortSignal): Promise<JsonObject> {
    return (await this.upstream.json({ method: 'POST', path: '/v1/try-on', headers: this.auth, json: body, retrySafe: false, signal })).body;
  }

  /** `GET /v1/jobs/{job_id}/events` (Server-Sent Events). */
  events(jobId: string, signal: AbortSignal): AsyncGenerator<ServerSentEvent> {
    return this.upstream.events({ path: `/v1/jobs/${encodeURIComponent(jobId)}/events`, label: 'GET /v1/jobs/{job_id}/events', headers: this.auth, signal });
  }

  /** `GET /v1/jobs/{job_id}`. */
  async job(jobId: string, signal: AbortSignal): Promise<JsonObject> {
    return (await this.upstream.json({ path: `/v1/jobs/${encodeURIComponent(jobId)}`, label: 'GET /v1/jobs/{job_id}', headers: this.auth, signal })).body;
  }

  /** The render (a presigned URL; the token goes along only to Studio's own API origin). */
  image(url: string, signal: AbortSignal): Promise<ImageBytes> {
    return this.upstream.image(url, { signal, authHeaders: this.auth });
  }
}
