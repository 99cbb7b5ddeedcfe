/**
 * AuraX ↔ our types, as pure functions, following AuraX’s API document.
 *
 * The document lists the VTO call's body and the task endpoints but no response body at
 * all. The guesses — the submit answer (`readTaskId`), the task (`readTask`, used for the
 * stream's events and the polled status alike) and the error body (`providerMessage`) —
 * are each one function here and are listed in ARCHITECTURE-providers.md.
 */
import type { Category } from '../../../contract.js';
import type { PreparedImage, ProviderFailure } from '../types.js';
import type { ServerSentEvent } from '../upstream/event-stream.js';
import { describeAnswer, failure, type HttpAnswer } from '../upstream/failures.js';
import { toBase64 } from '../upstream/image-bytes.js';
import { clip, idOf, isObject, normalizeProgress, readJson, str, type JsonObject } from '../upstream/json.js';
import type { JobState } from '../upstream/watch.js';

/** Our category → AuraX's documented productType. Accessories go to OTHER: we cannot tell jewellery from eyewear. */
export const PRODUCT_TYPE: Readonly<Record<Category, string>> = {
  top: 'GARMENT',
  bottom: 'GARMENT',
  outerwear: 'GARMENT',
  dress: 'DRESS',
  full: 'OUTFIT',
  shoes: 'FOOTWEAR',
  bag: 'BAG',
  accessory: 'OTHER',
};

/** `garmentStrength` ("complexity of the garment", 1–3) when AURAX_GARMENT_STRENGTH is unset. */
export const DEFAULT_GARMENT_STRENGTH = 2;

/** The documented VTO body; images as plain base64 (no `data:` prefix — the document says "Base64 encoded"). */
export function vtoBody(person: PreparedImage, garment: PreparedImage, category: Category, garmentStrength: number) {
  return { personImage: toBase64(person.bytes), garmentImage: toBase64(garment.bytes), productType: PRODUCT_TYPE[category], garmentStrength };
}

/** Unwraps a `{data: …}` envelope when there is one. */
const unwrap = (body: JsonObject): JsonObject => (isObject(body.data) ? body.data : body);

/** GUESS (submit answer): `{taskId}`, possibly inside `{data: …}` (`id` accepted too). */
export function readTaskId(body: JsonObject): string | undefined {
  const task = unwrap(body);
  return idOf(task.taskId) ?? idOf(body.taskId) ?? idOf(task.id);
}

/** How a finished task hands over its image: an image id for `GET /images/:imageId`, or a URL. */
export type AuraxResult = { imageId: string } | { url: string };

/**
 * GUESS (task shape), for stream events and polled status alike: `{taskId, status,
 * progress?, imageId?, error?}`, possibly inside `{data: …}`; status words in any case
 * (PENDING/QUEUED → queued, PROCESSING/RUNNING → running, COMPLETED/SUCCESS → succeeded,
 * FAILED/ERROR → failed); the image as `imageId`, `resultImageId`, `outputImageId`,
 * `result.imageId`, `images[0]` (an id or `{id}`), or an `imageUrl`. Undefined when the
 * body has no readable status.
 */
export function readTask(body: JsonObject): JobState<AuraxResult> | undefined {
  const task = unwrap(body);
  const status = (str(task.status) ?? str(task.state))?.toUpperCase();
  if (!status) return undefined;
  if (/^(PENDING|QUEUED|CREATED|WAITING|SUBMITTED)$/.test(status)) return { status: 'queued' };
  if (/^(COMPLETED?|SUCCESS|SUCCEEDED|DONE|FINISHED)$/.test(status)) {
    const result = resultOf(task);
    if (!result)
      return { status: 'failed', error: failure('PROVIDER_ERROR', true, { providerCode: 'RESULT_MISSING', detail: 'AuraX reported the task completed without an image' }) };
    return { status: 'succeeded', result };
  }
  if (/^(FAILED|FAILURE|ERROR|CANCELL?ED|TIMEOUT)$/.test(status)) {
    const reason = str(task.error) ?? (isObject(task.error) ? str(task.error.message) : undefined) ?? str(task.message) ?? str(task.reason);
    return { status: 'failed', error: failure('TRYON_FAILED', true, { providerCode: `TASK_${status}`, detail: `AuraX task failed${reason ? `: ${clip(reason)}` : ''}` }) };
  }
  const progress = normalizeProgress(task.progress);
  return progress == null ? { status: 'running' } : { status: 'running', progress };
}

function resultOf(task: JsonObject): AuraxResult | undefined {
  const nested = isObject(task.result) ? task.result : {};
  const first = Array.isArray(task.images) ? task.images[0] : undefined;
  const imageId =
    idOf(task.imageId) ?? idOf(task.resultImageId) ?? idOf(task.outputImageId) ?? idOf(nested.imageId) ?? idOf(first) ?? (isObject(first) ? idOf(first.id) : undefined);
  if (imageId) return { imageId };
  const url = str(task.imageUrl) ?? str(nested.imageUrl);
  return url ? { url } : undefined;
}

/** GUESS (stream events): each `data:` is the task JSON (see `readTask`); an `error` or `end` event ends the stream (polling takes over), unreadable events are skipped. */
export function readStreamEvent(event: ServerSentEvent): JobState<AuraxResult> | 'ended' | undefined {
  if (event.event === 'error' || event.event === 'end') return 'ended';
  const data = readJson(event.data);
  return isObject(data) ? readTask(data) : undefined;
}

/** GUESS (error body): `{success: false, message}` or `{error}` (a string or `{message}`). */
export function providerMessage(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  return str(body.message) ?? str(body.error) ?? (isObject(body.error) ? str(body.error.message) : undefined);
}

/** Error answers: the document lists none; 402 or credit words mean credits, the rest is generic. */
export function mapError(answer: HttpAnswer): ProviderFailure | undefined {
  const message = providerMessage(answer.body);
  if (answer.status >= 400 && answer.status < 500 && answer.status !== 429 && message && /credit|balance|insufficient/i.test(message)) {
    return failure('PROVIDER_UNAVAILABLE', false, { providerCode: `HTTP_${answer.status}`, creditsExhausted: true, detail: describeAnswer(answer, message) });
  }
  return undefined;
}
