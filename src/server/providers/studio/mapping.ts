/**
 * Studio ↔ our types, as pure functions, following Studio’s API document.
 *
 * The document gives the try-on call, its 202 and its error envelope, but not the shape of
 * the upload call, of the progress events, nor of the terminal job. Each of those guesses
 * lives in ONE function below (`uploadCall`, `readEvent`, `readJob`) and is listed in
 * ARCHITECTURE-providers.md; when Studio's real shapes are known, only these change.
 */
import type { Category } from '../../../contract.js';
import { ProviderError, type PreparedImage, type ProviderFailure } from '../types.js';
import { SHOPPER_TEXT } from '../../shopper-text.js';
import type { ServerSentEvent } from '../upstream/event-stream.js';
import { describeAnswer, failure, genericHttpFailure, type HttpAnswer } from '../upstream/failures.js';
import { extensionOf, toBlob } from '../upstream/image-bytes.js';
import { clip, isObject, normalizeProgress, str, type JsonObject } from '../upstream/json.js';
import type { JobState } from '../upstream/watch.js';

/**
 * Our category → Studio's `trial_item_category`. The document shows 'top', 'shirt' and
 * 'jeans' and points to a TryItemCategory list it does not include; the other keys are
 * assumptions. Bags and accessories are not garments one wears on the body: refused.
 */
export const ITEM_CATEGORY: Readonly<Partial<Record<Category, string>>> = {
  top: 'top',
  bottom: 'bottom',
  dress: 'dress',
  outerwear: 'outerwear',
  full: 'full_body',
  shoes: 'shoes',
};

export function itemCategory(category: Category): string {
  const key = ITEM_CATEGORY[category];
  if (!key) throw new ProviderError(failure('INVALID_CATEGORY', false, { providerCode: 'UNSUPPORTED_CATEGORY', detail: `Studio has no trial item category for "${category}"` }));
  return key;
}

/**
 * GUESS (upload shape): `POST /v1/uploads` takes multipart/form-data with the image in a
 * `file` field and answers `{upload_key, image_url}`; `upload_key` is what `user_image` and
 * `trial_image` take (the doc's keys look like "uploads/<ULID>/person.jpg").
 */
export function uploadCall(image: PreparedImage, name: string): { form: FormData; readKey: (body: JsonObject) => string | undefined } {
  const form = new FormData();
  form.append('file', toBlob(image.bytes, image.contentType), `${name}.${extensionOf(image.contentType)}`);
  return { form, readKey: (body) => str(body.upload_key) ?? str(body.key) };
}

/** The documented try-on body: the person's key, optional user category, one item per garment with its own category. */
export function tryOnBody(userImage: string, itemKeys: string[], categories: string[], userCategory?: string) {
  return {
    user_image: userImage,
    ...(userCategory ? { user_category: userCategory } : {}),
    items: itemKeys.map((key, index) => ({ trial_image: key, trial_item_category: categories[index] })),
  };
}

/** The documented 202: `{request_id, job_id, status, credits_cost}`. */
export const readJobId = (body: JsonObject): string | undefined => str(body.job_id);

type Phase = 'queued' | 'running' | 'succeeded' | 'failed';

/** Studio's status words → ours. NOT_STARTED is documented; the rest are assumptions. */
export function phaseOf(status: string | undefined): Phase | undefined {
  switch (status?.toUpperCase()) {
    case 'NOT_STARTED':
    case 'QUEUED':
    case 'PENDING':
      return 'queued';
    case 'STARTED':
    case 'IN_PROGRESS':
    case 'RUNNING':
    case 'PROCESSING':
    case 'RENDERING':
      return 'running';
    case 'COMPLETED':
    case 'SUCCEEDED':
    case 'SUCCESS':
    case 'DONE':
      return 'succeeded';
    case 'FAILED':
    case 'ERROR':
    case 'CANCELED':
    case 'CANCELLED':
    case 'EXPIRED':
      return 'failed';
    default:
      return undefined;
  }
}

/**
 * GUESS (event shape): each event's `data` is JSON like the job, `{job_id, status,
 * progress}` (progress 0..1 or 0..100); the status may also be the event's name. A terminal
 * status (or an `end`/`done` event) ends the stream: the render is then read from
 * `GET /v1/jobs/{job_id}`. Events we cannot read are skipped.
 */
export function readEvent(event: ServerSentEvent): { status: 'queued' | 'running'; progress?: number } | 'ended' | undefined {
  let data: unknown;
  try {
    data = JSON.parse(event.data);
  } catch {
    data = undefined;
  }
  const fields = isObject(data) ? data : {};
  if (/^(end|done|complete|close)$/i.test(event.event)) return 'ended';
  const phase = phaseOf(str(fields.status) ?? str(fields.state) ?? (event.event === 'message' ? undefined : event.event));
  if (phase === 'succeeded' || phase === 'failed') return 'ended';
  if (!phase) return undefined;
  const progress = normalizeProgress(fields.progress);
  return progress == null ? { status: phase } : { status: phase, progress };
}

/**
 * GUESS (job shape): `GET /v1/jobs/{job_id}` answers `{job_id, status, progress?, render?,
 * error?}`; the render's image is a presigned URL at `render.image_url` (also accepted:
 * `renders[0].image_url`, `result.image_url`, `image_url`, `output_url`); a failure carries
 * `error: {code, message}` (or a string). Undefined without a readable status.
 */
export function readJob(body: JsonObject): JobState<string> | undefined {
  const phase = phaseOf(str(body.status));
  if (!phase) return undefined;
  if (phase === 'queued' || phase === 'running') {
    const progress = normalizeProgress(body.progress);
    return progress == null ? { status: phase } : { status: phase, progress };
  }
  if (phase === 'succeeded') {
    const url = renderUrl(body);
    if (!url)
      return { status: 'failed', error: failure('PROVIDER_ERROR', true, { providerCode: 'RESULT_MISSING', detail: 'Studio reported the job completed without a render URL' }) };
    return { status: 'succeeded', result: url };
  }
  return { status: 'failed', error: jobFailure(body) };
}

function renderUrl(body: JsonObject): string | undefined {
  const first = Array.isArray(body.renders) ? body.renders[0] : undefined;
  for (const holder of [body.render, first, body.result, body.output]) {
    if (isObject(holder)) {
      const url = str(holder.image_url) ?? str(holder.url);
      if (url) return url;
    }
  }
  return str(body.image_url) ?? str(body.output_url) ?? str(body.render_url);
}

/** A failed job: TRYON_FAILED (Studio refunds it), unless its code names the person or garment image. */
function jobFailure(body: JsonObject): ProviderFailure {
  const error = isObject(body.error) ? body.error : {};
  const code = str(error.code) ?? str(body.error_code) ?? str(body.status) ?? 'FAILED';
  const message = str(error.message) ?? str(body.error) ?? str(body.failure_reason);
  const detail = `Studio job ${str(body.status)?.toUpperCase() ?? 'failed'}${message ? `: ${clip(message)}` : ''}`;
  if (/USER_IMAGE|PERSON|POSE|BODY/i.test(code)) return { code: 'TRYON_REJECTED', retryable: false, message: SHOPPER_TEXT.TRYON_REJECTED, providerCode: code, detail };
  if (/TRIAL_IMAGE|GARMENT|ITEM/i.test(code)) return { code: 'GARMENT_UNREADABLE', retryable: false, message: SHOPPER_TEXT.GARMENT_UNREADABLE, providerCode: code, detail };
  return failure('TRYON_FAILED', true, { providerCode: code, detail });
}

/** The documented envelope: `{error: {code, message, request_id}}`. */
export function envelope(body: unknown): { code?: string; message?: string; requestId?: string } {
  const error = isObject(body) && isObject(body.error) ? body.error : undefined;
  return { code: str(error?.code), message: str(error?.message), requestId: str(error?.request_id) };
}

export const providerMessage = (body: unknown): string | undefined => envelope(body).message;

/**
 * Error answers by their documented codes first: INSUFFICIENT_BALANCE (credits),
 * VALIDATION_ERROR (our request: not retryable), RATE_LIMITED; then by status.
 */
export function mapError(answer: HttpAnswer): ProviderFailure | undefined {
  const { code, message, requestId } = envelope(answer.body);
  const detail = `${describeAnswer(answer, message)}${code ? ` [${code}]` : ''}${requestId ? ` (request_id ${requestId})` : ''}`;
  if (code === 'INSUFFICIENT_BALANCE') return failure('PROVIDER_UNAVAILABLE', false, { providerCode: code, creditsExhausted: true, detail });
  if (code === 'VALIDATION_ERROR') return failure('PROVIDER_ERROR', false, { providerCode: code, detail: `${detail}; if Studio requires user_category, set STUDIO_USER_CATEGORY` });
  if (code === 'RATE_LIMITED') return failure('RATE_LIMITED', true, { providerCode: code, detail });
  return { ...genericHttpFailure(answer, message), ...(code ? { providerCode: code } : {}), detail };
}
