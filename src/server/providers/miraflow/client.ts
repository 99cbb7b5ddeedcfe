/**
 * Miraflow's HTTP calls (`x-api-key`): the three-step media upload (initialize, PUT to the
 * presigned URL, finalize), the edit job, its status, the result download.
 */
import type { PreparedImage } from '../types.js';
import { failure } from '../upstream/failures.js';
import type { Upstream } from '../upstream/http.js';
import { toBlob, type ImageBytes } from '../upstream/image-bytes.js';
import type { JsonObject } from '../upstream/json.js';
import { ProviderError } from '../types.js';
import { EDIT_PATH, initializeBody, readInitialize } from './mapping.js';

export class MiraflowClient {
  constructor(
    private readonly upstream: Upstream,
    private readonly apiKey: string,
  ) {}

  private get auth() {
    return { 'x-api-key': this.apiKey };
  }

  /**
   * Uploads one image and returns its media id. Initialize and finalize create nothing
   * billable and the PUT overwrites, so each step is repeated after a timeout. The PUT goes
   * to the presigned URL without our key, and only over https (or to Miraflow's own origin).
   */
  async upload(image: PreparedImage, name: string, signal: AbortSignal): Promise<string> {
    const init = await this.upstream.json({ method: 'POST', path: '/api/media/initialize', headers: this.auth, json: initializeBody(image, name), retrySafe: true, signal });
    const media = readInitialize(init.body);
    if (!media) throw this.upstream.malformed(init, 'no mediaId and uploadUrl');
    const target = this.upstream.resolve(media.uploadUrl);
    if (target.protocol !== 'https:' && !this.upstream.isOwnOrigin(target)) {
      throw new ProviderError(
        failure('PROVIDER_ERROR', false, { providerCode: 'UPLOAD_URL', detail: `refusing to upload the photo to a non-https URL (${target.protocol}//${target.host})` }),
      );
    }
    const put = await this.upstream.call({
      method: 'PUT',
      path: target.href,
      label: `PUT presigned upload URL (${target.host})`,
      headers: { 'content-type': image.contentType },
      body: toBlob(image.bytes, image.contentType),
      timeoutMs: this.upstream.timing.transferTimeoutMs,
      // A storage 403 is an expired or mismatched presigned URL, not a refused API key.
      passStatuses: [401, 403],
      signal,
    });
    if (put.status === 401 || put.status === 403) {
      throw new ProviderError(failure('PROVIDER_ERROR', true, { providerCode: 'UPLOAD_REFUSED', detail: `${put.label} answered ${put.status}` }));
    }
    const done = await this.upstream.json({ method: 'POST', path: '/api/media/finalize', headers: this.auth, json: { mediaId: media.mediaId }, retrySafe: true, signal });
    if (done.body.success === false) throw this.upstream.malformed(done, '"success": false');
    return media.mediaId;
  }

  /** The image-to-image edit job. Spends credits: never repeated after a timeout or 5xx. */
  async edit(body: unknown, signal: AbortSignal): Promise<JsonObject> {
    return (await this.upstream.json({ method: 'POST', path: EDIT_PATH, headers: this.auth, json: body, retrySafe: false, signal })).body;
  }

  /** `GET /api/image/{jobId}`. */
  async job(jobId: string, signal: AbortSignal): Promise<JsonObject> {
    return (await this.upstream.json({ path: `/api/image/${encodeURIComponent(jobId)}`, label: 'GET /api/image/{jobId}', headers: this.auth, signal })).body;
  }

  /** The result (`downloadUrl`, a signed S3 URL: the key goes only to Miraflow's own origin). */
  image(url: string, signal: AbortSignal): Promise<ImageBytes> {
    return this.upstream.image(url, { signal, authHeaders: this.auth });
  }
}
