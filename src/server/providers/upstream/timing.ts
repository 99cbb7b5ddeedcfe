/** How long an adapter waits, how often it polls and how hard it retries. */
export interface Timing {
  /** Budget of one ordinary call, connect to last byte. */
  requestTimeoutMs: number;
  /** Budget of a call that carries an image (uploads, result downloads). */
  transferTimeoutMs: number;
  /** First poll interval; it grows by half each poll up to `pollMaxMs`. */
  pollMs: number;
  pollMaxMs: number;
  /** A job with no terminal status after this long fails with PROVIDER_ERROR. */
  watchTimeoutMs: number;
  /** An event stream silent (not even a heartbeat) this long is dropped for polling. */
  streamIdleMs: number;
  /** Extra attempts for a call that is safe to repeat. */
  retries: number;
  /** Exponential backoff base and ceiling; each delay is jittered between half and all of it. */
  backoffMs: number;
  backoffMaxMs: number;
  /** A 429 asking for a longer wait than this is not waited out: the caller gets RATE_LIMITED. */
  maxRetryAfterMs: number;
  /** Consecutive failed polls (each already retried) before the job is failed. */
  maxPollFailures: number;
  /** Clock, replaceable in tests (token lifetimes). */
  now: () => number;
}

export const DEFAULT_TIMING: Timing = {
  requestTimeoutMs: 15_000,
  transferTimeoutMs: 45_000,
  pollMs: 1_000,
  pollMaxMs: 3_000,
  watchTimeoutMs: 150_000,
  streamIdleMs: 30_000,
  retries: 3,
  backoffMs: 300,
  backoffMaxMs: 5_000,
  maxRetryAfterMs: 10_000,
  maxPollFailures: 3,
  now: () => Date.now(),
};

/** Any part of the timing, replacing the defaults (tests make it fast, the soak makes it short). */
export type TimingOverrides = Partial<Timing>;

/** Defaults, then `FITTING_ROOM_POLL_MS` (first poll interval) from the environment, then explicit overrides. */
export function resolveTiming(env: Record<string, string | undefined>, overrides: TimingOverrides = {}): Timing {
  const timing = { ...DEFAULT_TIMING };
  const pollMs = Number(env.FITTING_ROOM_POLL_MS);
  if (env.FITTING_ROOM_POLL_MS && Number.isFinite(pollMs) && pollMs > 0) {
    timing.pollMs = pollMs;
    timing.pollMaxMs = Math.max(pollMs, timing.pollMaxMs);
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
  return { ...timing, ...defined };
}

/** Milliseconds from a Retry-After header (seconds or an HTTP date), or undefined. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value == null || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with jitter: between half and all of min(max, base·2^attempt). */
export function backoff(attempt: number, timing: Pick<Timing, 'backoffMs' | 'backoffMaxMs'>): number {
  const ceiling = Math.min(timing.backoffMaxMs, timing.backoffMs * 2 ** attempt);
  return ceiling / 2 + (Math.random() * ceiling) / 2;
}

/** A little spread on top of a server-requested wait, so many clients don't return at once. */
export const jitter = (ms: number) => Math.random() * Math.min(250, ms * 0.1);

/** Statuses worth repeating a retry-safe call for: the upstream may well answer next time. */
export const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([408, 500, 502, 503, 504]);
