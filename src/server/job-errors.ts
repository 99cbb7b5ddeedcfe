/**
 * Why the job service refused a request, in its own terms. It knows nothing of HTTP: the
 * routes turn each reason into the contract's error (routes/errors.ts, `apiErrorOf`).
 */
export type JobRefusal =
  /** No such job, or another session's: the two are told apart by no one. */
  | 'not-found'
  /** The job has no image: not finished, failed, or the image is gone. */
  | 'result-missing'
  /** The photo a `personRef` names is not (or no longer) this session's. */
  | 'person-ref-missing'
  /** The `modelId` names no model of the merchant's gallery. */
  | 'model-missing'
  /** An idempotency key was reused for other content. */
  | 'idempotency-conflict'
  /** The provider account ran out of credits; try-on is off until `retryAfterSeconds`. */
  | 'provider-paused'
  /** The day's cap on upstream runs is reached; it resets at UTC midnight, `retryAfterSeconds` away. */
  | 'daily-cap'
  /** This session's daily quota of new try-ons is spent. */
  | 'session-cap'
  /** This browser's (client address's) daily quota of new try-ons is spent. */
  | 'browser-cap'
  /** Every provider of the category's route reached its own daily cap. */
  | 'route-cap';

export class JobServiceError extends Error {
  constructor(
    readonly reason: JobRefusal,
    /** When asking again may succeed, in seconds from now. */
    readonly retryAfterSeconds?: number,
  ) {
    super(`job service: ${reason}`);
    this.name = 'JobServiceError';
  }
}
