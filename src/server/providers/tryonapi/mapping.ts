/**
 * TryonAPI ↔ our types, as pure functions, following TryonAPI’s API document. Every
 * documented `errorCode` has a contract code and a shopper-facing message here.
 */
import type { Category } from '../../../contract.js';
import { ProviderError, type ProviderFailure } from '../types.js';
import { PHOTO_UNUSABLE_TEXT, SHOPPER_TEXT } from '../../shopper-text.js';
import { describeAnswer, failure, genericHttpFailure, type HttpAnswer } from '../upstream/failures.js';
import { clip, isObject, str, type JsonObject } from '../upstream/json.js';
import type { JobState } from '../upstream/watch.js';

/** Apparel try-on: one person photo and one garment photo, no category field. Shoes, bags and accessories are refused (assumption). */
const SUPPORTED: ReadonlySet<Category> = new Set(['top', 'bottom', 'dress', 'outerwear', 'full']);

export function checkCategory(category: Category): void {
  if (!SUPPORTED.has(category)) {
    throw new ProviderError(failure('INVALID_CATEGORY', false, { providerCode: 'UNSUPPORTED_CATEGORY', detail: `TryonAPI tries on apparel only, not "${category}"` }));
  }
}

const PERSON_GUIDANCE = SHOPPER_TEXT.TRYON_REJECTED;

/** Every documented errorCode → contract code, retryability and the shopper's message. */
export const ERROR_CODES: Readonly<Record<string, Pick<ProviderFailure, 'code' | 'retryable' | 'message'>>> = {
  INVALID_PERSON_IMAGE: { code: 'TRYON_REJECTED', retryable: false, message: PERSON_GUIDANCE },
  INVALID_GARMENT_IMAGE: { code: 'GARMENT_UNREADABLE', retryable: false, message: SHOPPER_TEXT.GARMENT_UNREADABLE },
  VALIDATION_FAILED: { code: 'TRYON_REJECTED', retryable: false, message: PHOTO_UNUSABLE_TEXT },
  GENERATION_FAILED: { code: 'TRYON_FAILED', retryable: true, message: SHOPPER_TEXT.TRYON_FAILED },
  STORAGE_FAILED: { code: 'TRYON_FAILED', retryable: true, message: SHOPPER_TEXT.TRYON_FAILED },
  R2_FETCH_FAILED: { code: 'TRYON_FAILED', retryable: true, message: SHOPPER_TEXT.TRYON_FAILED },
  RESULT_UNAVAILABLE: { code: 'TRYON_FAILED', retryable: true, message: SHOPPER_TEXT.TRYON_FAILED },
  QUEUE_INVALID_INPUT_DATA: { code: 'TRYON_FAILED', retryable: true, message: SHOPPER_TEXT.TRYON_FAILED },
  CONSUMER_CONFIG_ERROR: { code: 'PROVIDER_UNAVAILABLE', retryable: false, message: SHOPPER_TEXT.PROVIDER_UNAVAILABLE },
  INVALID_SERVICE_PROVIDER: { code: 'PROVIDER_UNAVAILABLE', retryable: false, message: SHOPPER_TEXT.PROVIDER_UNAVAILABLE },
  QUEUE_PROCESSING_FAILED: { code: 'TRYON_FAILED', retryable: true, message: SHOPPER_TEXT.TRYON_FAILED },
  SERVICE_SPECIFIC_ERROR: { code: 'TRYON_FAILED', retryable: true, message: SHOPPER_TEXT.TRYON_FAILED },
  INTERNAL_ERROR: { code: 'TRYON_FAILED', retryable: true, message: SHOPPER_TEXT.TRYON_FAILED },
};

/** A failed job's `errorCode` (+ its `error` text for the log) → a failure. Unknown codes are TRYON_FAILED. */
export function failureOf(errorCode: string | undefined, error: string | undefined): ProviderFailure {
  const known = errorCode ? ERROR_CODES[errorCode] : undefined;
  const base = known ?? { code: 'TRYON_FAILED' as const, retryable: true, message: SHOPPER_TEXT.TRYON_FAILED };
  return { ...base, providerCode: errorCode ?? 'UNKNOWN', detail: `TryonAPI job failed${errorCode ? ` (${errorCode})` : ''}${error ? `: ${clip(error)}` : ''}` };
}

export const readJobId = (body: JsonObject): string | undefined => str(body.jobId);

/** How a completed job hands over its image: a (possibly signed) URL, or the bytes in base64. */
export type TryonResult = { url: string } | { base64: string };

/**
 * A status body → our state; undefined without a `status`. processing → running;
 * completed → `imageBase64` (no second request) or else `imageUrl`; failed (and the
 * `invalid_input` of the doc's examples) → the errorCode's failure. An unknown status
 * counts as still running.
 */
export function readStatus(body: JsonObject): JobState<TryonResult> | undefined {
  const status = str(body.status)?.toLowerCase();
  if (!status) return undefined;
  if (status === 'completed') {
    const base64 = str(body.imageBase64);
    const url = str(body.imageUrl) ?? str(body.resultImageUrl);
    if (base64) return { status: 'succeeded', result: { base64 } };
    if (url) return { status: 'succeeded', result: { url } };
    return { status: 'failed', error: failureOf('RESULT_UNAVAILABLE', 'completed without imageUrl or imageBase64') };
  }
  if (status === 'failed' || status === 'invalid_input') {
    const nested = isObject(body.result) ? body.result : {};
    const errorCode = str(body.errorCode) ?? str(nested.errorCode) ?? (status === 'invalid_input' ? 'VALIDATION_FAILED' : undefined);
    return { status: 'failed', error: failureOf(errorCode, str(body.error) ?? str(nested.error) ?? str(nested.message)) };
  }
  if (status === 'queued' || status === 'pending') return { status: 'queued' };
  return { status: 'running' };
}

/** `error` (string) or `message` of an error body. */
export function providerMessage(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  return str(body.error) ?? str(body.message) ?? (isObject(body.error) ? str(body.error.message) : undefined);
}

/**
 * Error answers (400, 401, 402, 403, 404, 429, 500 are documented): an `errorCode` in the
 * body wins (an INVALID_PERSON_IMAGE at submit is a rejected photo); a 400 without one is
 * our request's fault; 403 is a key that does not own the job; 404 a job that is gone.
 */
export function mapError(answer: HttpAnswer): ProviderFailure | undefined {
  const message = providerMessage(answer.body);
  const errorCode = isObject(answer.body) ? str(answer.body.errorCode) : undefined;
  const detail = describeAnswer(answer, message);
  if (errorCode && ERROR_CODES[errorCode] && answer.status >= 400 && answer.status < 500 && answer.status !== 429) return { ...failureOf(errorCode, message), detail };
  if (answer.status === 403) return failure('PROVIDER_UNAVAILABLE', false, { providerCode: 'HTTP_403', detail: `${detail} (the API key does not own this job)` });
  if (answer.status === 404) return failure('PROVIDER_ERROR', true, { providerCode: 'HTTP_404', detail: `${detail} (job not found)` });
  return genericHttpFailure(answer, message);
}
