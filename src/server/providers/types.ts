import type { Category, ErrorCode } from '../../contract.js';
import type { Logger } from '../log.js';
import type { TimingOverrides } from './upstream/timing.js';

/** An image the proxy has validated and stripped of metadata. */
export interface PreparedImage {
  bytes: Uint8Array;
  contentType: 'image/jpeg' | 'image/png' | 'image/webp';
  /**
   * An unguessable, expiring URL under `FITTING_ROOM_PUBLIC_URL` that serves exactly these
   * bytes, for providers that fetch images by URL. Undefined when no public URL is configured.
   */
  publicUrl?: string;
}

export interface TryOnRequest {
  person: PreparedImage;
  /** One or more garments; adapters of single-garment providers use the first. */
  garments: PreparedImage[];
  /** The first garment's category. */
  category: Category;
  /** Per garment, in order, when several are sent at once (a look); absent = `category` for all. */
  categories?: Category[];
  productId?: string;
  variantId?: string;
}

/** One observation of an upstream job, already mapped to the contract's vocabulary. */
export type ProviderUpdate =
  | { status: 'queued' | 'running'; progress?: number }
  | { status: 'succeeded'; image: { bytes: Uint8Array; contentType: string }; preview?: boolean }
  | { status: 'failed'; error: ProviderFailure };

/**
 * A failure mapped to a contract error code. `providerCode` and `detail` are for the
 * merchant's server log only and never reach the browser.
 */
export interface ProviderFailure {
  code: ErrorCode;
  message?: string;
  retryable: boolean;
  providerCode?: string;
  detail?: string;
  /**
   * The merchant's account has run out of credits or balance. The proxy then stops
   * starting upstream jobs for a while and tells shoppers try-on is unavailable.
   */
  creditsExhausted?: boolean;
  /**
   * The proxy cannot tell whether the upstream job exists or may still succeed: a submit
   * that got no answer, polls that kept failing, a result that could not be downloaded, a
   * watch that timed out. Such a job is never handed to another provider unless canceled
   * first (routing/failover.ts).
   */
  outcomeUnknown?: boolean;
}

/** Thrown by adapters for failures of a call (as opposed to a job that failed upstream). */
export class ProviderError extends Error implements ProviderFailure {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly providerCode?: string;
  readonly detail?: string;
  readonly creditsExhausted?: boolean;
  readonly outcomeUnknown?: boolean;
  /** Seconds, from an upstream `Retry-After`. */
  readonly retryAfter?: number;
  constructor(failure: ProviderFailure & { retryAfter?: number }) {
    super(failure.message ?? failure.code);
    this.name = 'ProviderError';
    this.code = failure.code;
    this.retryable = failure.retryable;
    this.providerCode = failure.providerCode;
    this.detail = failure.detail;
    this.creditsExhausted = failure.creditsExhausted;
    this.outcomeUnknown = failure.outcomeUnknown;
    this.retryAfter = failure.retryAfter;
  }
}

/**
 * What every provider implements. The proxy calls `submit` once per job, then iterates
 * `watch` exactly once per job however many browser tabs listen, and calls `cancel`
 * when the shopper gives up. Adapters hold their own credentials and never return them.
 */
export interface ProviderAdapter {
  readonly name: string;
  /** The provider's own spelling ("TryonAPI"), as the privacy notice names it; `name` when absent. */
  readonly label?: string;
  /** How many garments one job may carry (Studio takes several, most take one). */
  readonly maxGarments: number;
  /** Starts an upstream job and returns the provider's handle for it. */
  submit(request: TryOnRequest, signal: AbortSignal): Promise<{ upstreamId: string }>;
  /** Yields updates until (and including) a terminal one. Must end on abort. */
  watch(upstreamId: string, signal: AbortSignal): AsyncIterable<ProviderUpdate>;
  /** Best effort; a provider without cancellation simply stops being watched. */
  cancel?(upstreamId: string): Promise<void>;
}

/** What the proxy hands every adapter besides its own settings. */
export interface ProviderContext {
  log: Logger;
  /** Injected so tests can observe upstream calls; defaults to the global fetch. */
  fetch: typeof fetch;
  /** Any part of the upstream timing (upstream/timing.ts); tests poll fast, the soak times out sooner. */
  timing?: TimingOverrides;
}
