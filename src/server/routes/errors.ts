import type { Context, ErrorHandler } from 'hono';
import { ApiError } from '../errors.js';
import { JobServiceError, type JobRefusal } from '../job-errors.js';
import type { Logger } from '../log.js';
import type { RequestContextEnv } from '../middleware/request-context.js';
import { respond } from '../middleware/response-headers.js';

/** The contract's answer to each refusal of the job service: code, message, whether retrying may help. */
const REFUSALS: Record<JobRefusal, [ApiError['code'], string, boolean]> = {
  'not-found': ['JOB_NOT_FOUND', 'No such try-on job in this session.', false],
  'result-missing': ['RESULT_NOT_FOUND', 'This try-on has no image (yet, or any more).', false],
  'person-ref-missing': ['PERSON_REF_NOT_FOUND', 'That photo is no longer stored; upload it again.', false],
  'model-missing': ['MODEL_NOT_FOUND', 'This shop has no such model.', false],
  'idempotency-conflict': ['IDEMPOTENCY_CONFLICT', 'This Idempotency-Key was already used for a different request.', false],
  'provider-paused': ['PROVIDER_UNAVAILABLE', 'Try-on is unavailable right now.', false],
  'daily-cap': ['DAILY_LIMIT_REACHED', 'Try-on has reached its limit for today on this shop.', false],
  'session-cap': ['SESSION_LIMIT_REACHED', 'You have reached the number of try-ons for this visit today.', false],
  'browser-cap': ['BROWSER_LIMIT_REACHED', 'You have reached the number of try-ons for today on this device.', false],
  'route-cap': ['CATEGORY_LIMIT_REACHED', 'Try-on for this kind of item has reached its limit for today.', false],
};

/** The one place a refusal of the job service becomes an HTTP answer. */
export function apiErrorOf(error: JobServiceError): ApiError {
  const [code, message, retryable] = REFUSALS[error.reason];
  return new ApiError(code, message, { retryable, retryAfter: error.retryAfterSeconds });
}

/** The error envelope as this request's response, with the headers the middleware prepared for it. */
export function errorResponse(c: Context, error: ApiError): Response {
  return respond(c, JSON.stringify(error.toEnvelope()), error.status, error.headers());
}

/** `app.onError`: the contract's errors as they are, refusals mapped, anything else logged and answered as INTERNAL. */
export function handleErrors<E extends RequestContextEnv>(log: Logger): ErrorHandler<E> {
  return (error, c) => {
    if (error instanceof ApiError) return errorResponse(c, error);
    if (error instanceof JobServiceError) return errorResponse(c, apiErrorOf(error));
    log.error('request.failed', { requestId: c.get('requestId'), error });
    return errorResponse(c, new ApiError('INTERNAL', 'Something went wrong in the try-on proxy.'));
  };
}
