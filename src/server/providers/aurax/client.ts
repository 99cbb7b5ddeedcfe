/** AuraX's HTTP calls (`x-api-key` + `x-key-id`): the VTO task, its event stream and status, the result image. */
import type { ServerSentEvent } from '../upstream/event-stream.js';
import type { Upstream } from '../upstream/http.js';
import type { ImageBytes } from '../upstream/image-bytes.js';
import type { JsonObject } from '../upstream/json.js';

export class AuraxClient {
  constructor(
    private readonly upstream: Upstream,
    private readonly credentials: { apiKey: string; keyId: string },
  ) {}

  private get auth() {
    return { 'x-api-key': this.credentials.apiKey, 'x-key-id': this.credentials.keyId };
  }

  /** `POST /api/ai/vto` (3 credits): never repeated after a timeout or 5xx. */
  async vto(body: unknown, signal: AbortSignal): Promise<JsonObject> {
    return (
      await this.upstream.json({ method: 'POST', path: '/api/ai/vto', headers: this.auth, json: body, retrySafe: false, timeoutMs: this.upstream.timing.transferTimeoutMs, signal })
    ).body;
  }

  /** `GET /api/ai/task/:id/stream` (Server-Sent Events). */
  stream(taskId: string, signal: AbortSignal): AsyncGenerator<ServerSentEvent> {
    return this.upstream.events({ path: `/api/ai/task/${encodeURIComponent(taskId)}/stream`, label: 'GET /api/ai/task/:id/stream', headers: this.auth, signal });
  }

  /** `GET /api/ai/task/:id`. */
  async task(taskId: string, signal: AbortSignal): Promise<JsonObject> {
    return (await this.upstream.json({ path: `/api/ai/task/${encodeURIComponent(taskId)}`, label: 'GET /api/ai/task/:id', headers: this.auth, signal })).body;
  }

  /** `GET /images/:imageId` on AuraX's API, or an image URL the task gave. */
  image(location: { imageId: string } | { url: string }, signal: AbortSignal): Promise<ImageBytes> {
    if ('url' in location) return this.upstream.image(location.url, { signal, authHeaders: this.auth });
    return this.upstream.image(`/images/${encodeURIComponent(location.imageId)}`, { signal, authHeaders: this.auth, label: 'GET /images/:imageId' });
  }
}
