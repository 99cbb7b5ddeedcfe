/** TryonAPI's HTTP calls: multipart job submission, job status, result download. Bearer API key. */
import type { PreparedImage } from '../types.js';
import type { Upstream } from '../upstream/http.js';
import { extensionOf, toBlob, type ImageBytes } from '../upstream/image-bytes.js';
import type { JsonObject } from '../upstream/json.js';

export class TryonApiClient {
  constructor(
    private readonly upstream: Upstream,
    private readonly apiKey: string,
  ) {}

  private get auth() {
    return { authorization: `Bearer ${this.apiKey}` };
  }

  /** `POST /api/v1/tryon` (multipart `person_images`, `garment_images`). Spends a credit: not repeated on timeouts. */
  async submit(person: PreparedImage, garment: PreparedImage, signal: AbortSignal): Promise<JsonObject> {
    const form = new FormData();
    form.append('person_images', toBlob(person.bytes, person.contentType), `person.${extensionOf(person.contentType)}`);
    form.append('garment_images', toBlob(garment.bytes, garment.contentType), `garment.${extensionOf(garment.contentType)}`);
    const answer = await this.upstream.json({
      method: 'POST',
      path: '/api/v1/tryon',
      headers: this.auth,
      body: form,
      retrySafe: false,
      timeoutMs: this.upstream.timing.transferTimeoutMs,
      signal,
    });
    return answer.body;
  }

  /** `GET /api/v1/tryon/status/{jobId}`. */
  async status(jobId: string, signal: AbortSignal): Promise<JsonObject> {
    const answer = await this.upstream.json({ path: `/api/v1/tryon/status/${encodeURIComponent(jobId)}`, label: 'GET /api/v1/tryon/status/{jobId}', headers: this.auth, signal });
    return answer.body;
  }

  /** The result by URL; the key goes along only if the URL is on TryonAPI's own origin. */
  image(url: string, signal: AbortSignal): Promise<ImageBytes> {
    return this.upstream.image(url, { signal, authHeaders: this.auth });
  }
}
