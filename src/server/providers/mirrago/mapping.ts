/**
 * Mirrago ↔ our types, as pure functions, following Mirrago’s API document. Where the
 * document is silent the assumption is stated here and in ARCHITECTURE-providers.md.
 */
import type { Category } from '../../../contract.js';
import { ProviderError, type ProviderFailure } from '../types.js';
import { describeAnswer, failure, type HttpAnswer } from '../upstream/failures.js';
import { clip, isObject, str, type JsonObject } from '../upstream/json.js';
import type { JobState } from '../upstream/watch.js';

/**
 * Mirrago takes one garment photo and no category; it is a clothing try-on (`cloth_id`),
 * so worn garments are accepted and shoes, bags and accessories are not (assumption).
 */
const SUPPORTED: ReadonlySet<Category> = new Set(['top', 'bottom', 'dress', 'outerwear', 'full']);

export function checkCategory(category: Category): void {
  if (!SUPPORTED.has(category)) {
    throw new ProviderError(failure('INVALID_CATEGORY', false, { providerCode: 'UNSUPPORTED_CATEGORY', detail: `Mirrago tries on clothing only, not "${category}"` }));
  }
}

export const tokenRequest = (clientId: string, clientSecret: string) => ({ client_id: clientId, client_secret: clientSecret, grant_type: 'client_credentials' });

export interface Token {
  value: string;
  /** When to stop using it (ms since epoch): shortly before `expires_in` runs out. */
  refreshAt: number;
}

/**
 * `{access_token, expires_in, token_type}` → a cached token. It is dropped a tenth of its
 * lifetime (at most a minute) before `expires_in`; a missing `expires_in` counts as 5 minutes.
 */
export function readToken(body: JsonObject, obtainedAt: number): Token | undefined {
  const value = str(body.access_token);
  if (!value) return undefined;
  const seconds = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 300;
  const margin = Math.min(60_000, seconds * 100);
  return { value, refreshAt: obtainedAt + seconds * 1000 - margin };
}

export const generateRequest = (personUrl: string, garmentUrl: string) => ({ model_image_url: personUrl, garment_image_url: garmentUrl });

export const readJobId = (body: JsonObject): string | undefined => str(body.job_id);

/**
 * A job status body → our state; undefined when it has no `status` (malformed).
 * queued → queued; pending (and other in-progress words) → running; completed → the
 * `result_image_url` (or `result_url`); failed → TRYON_FAILED with `error` or `error_msg.error`.
 * An unknown status counts as still running (the watch deadline bounds it).
 */
export function readJob(body: JsonObject): JobState<string> | undefined {
  const status = str(body.status)?.toLowerCase();
  if (!status) return undefined;
  if (status === 'queued') return { status: 'queued' };
  if (status === 'completed' || status === 'succeeded' || status === 'success') {
    const url = str(body.result_image_url) ?? str(body.result_url);
    if (!url)
      return {
        status: 'failed',
        error: failure('PROVIDER_ERROR', true, { providerCode: 'RESULT_MISSING', detail: 'Mirrago reported the job completed without a result_image_url' }),
      };
    return { status: 'succeeded', result: url };
  }
  if (status === 'failed' || status === 'error') {
    const reason = failureReason(body);
    return {
      status: 'failed',
      error: failure('TRYON_FAILED', true, { providerCode: 'JOB_FAILED', detail: reason ? `Mirrago job failed: ${clip(reason)}` : 'Mirrago job failed without a reason' }),
    };
  }
  return { status: 'running' };
}

/** `error` (a string), or `error_msg.error`, or `error_msg` as a string. */
function failureReason(body: JsonObject): string | undefined {
  if (str(body.error)) return str(body.error);
  if (isObject(body.error_msg)) return str(body.error_msg.error) ?? str(body.error_msg.message);
  return str(body.error_msg);
}

/** The provider's words in an error body: FastAPI `detail` (string or list), `error`, or `message`. */
export function providerMessage(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  if (Array.isArray(body.detail)) {
    return body.detail
      .map((item) => (isObject(item) ? [Array.isArray(item.loc) ? item.loc.join('.') : '', str(item.msg) ?? ''].filter(Boolean).join(': ') : String(item)))
      .join('; ');
  }
  return str(body.detail) ?? str(body.error_description) ?? str(body.error) ?? str(body.message);
}

/** Error answers: credit words make it creditsExhausted; the rest is the generic mapping. */
export function mapError(answer: HttpAnswer): ProviderFailure | undefined {
  const message = providerMessage(answer.body);
  if (answer.status >= 400 && answer.status < 500 && answer.status !== 429 && message && /credit|balance|insufficient funds/i.test(message)) {
    return failure('PROVIDER_UNAVAILABLE', false, { providerCode: `HTTP_${answer.status}`, creditsExhausted: true, detail: describeAnswer(answer, message) });
  }
  return undefined;
}
