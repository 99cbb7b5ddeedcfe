import { TERMINAL_STATUSES, type JobView } from '../contract.js';
import { ApiError } from './errors.js';
import type { JobEvent } from './job-records.js';
import type { Metrics } from './metrics.js';

/**
 * How long `GET /jobs/{id}/events` may hold a connection, and how many it may hold. A job
 * has a few dozen events at most and times out after three minutes, so none of this is ever
 * noticed by a shopper: a stream that reaches its lifetime ends cleanly and the widget's
 * client reconnects with `Last-Event-ID`, and one turned away falls back to polling.
 */
export interface StreamLimits {
  /** Open streams per session: one per tab a shopper keeps the dialog open in. 0 = no limit. */
  perSession: number;
  /** Open streams per client address: a household or an office behind one NAT. 0 = no limit. */
  perAddress: number;
  /** A stream ends after this long, terminal or not. */
  lifetimeMs: number;
}

/** The defaults; `readConfig` reads FITTING_ROOM_STREAMS_PER_SESSION, FITTING_ROOM_STREAMS_PER_IP and FITTING_ROOM_STREAM_LIFETIME_S over them. */
export const DEFAULT_STREAM_LIMITS: StreamLimits = { perSession: 8, perAddress: 200, lifetimeMs: 5 * 60_000 };

/** Seconds a client turned away should wait: streams end within a job's few seconds. */
const RETRY_AFTER_S = 10;

/** A plain event id: digits only, more of them than any job's event count will ever need. */
const EVENT_ID = /^\d{1,9}$/;

export interface ResumePoint {
  /** The last event id the stream counts as sent: later events, replayed or live, follow it. */
  after: number;
  /** What to send first, oldest first. */
  replay: JobEvent[];
}

/**
 * Where an event stream starts. A `Last-Event-ID` that is a plain event id up to the job's
 * last resumes after it; anything else (malformed, negative, fractional, absurdly long, past
 * the last id) is treated as absent, and the stream starts from the current state. A
 * finished job's stream always replays its final event, so it ends at once whatever the
 * header says; `current` stands in for that event if the history lost it.
 */
export function resumePoint(lastEventIdHeader: string | undefined, history: readonly JobEvent[], current: JobView): ResumePoint {
  const last = history.at(-1);
  const lastId = last?.id ?? 0;
  const claimed = EVENT_ID.test(lastEventIdHeader ?? '') ? Number(lastEventIdHeader) : undefined;
  const resumeAfter = claimed !== undefined && claimed <= lastId ? claimed : Math.max(0, lastId - 1);
  if (!isTerminal(current)) return { after: resumeAfter, replay: history.filter((event) => event.id > resumeAfter) };
  const final = last && isTerminal(last.view) ? last : { id: lastId + 1, view: current };
  const after = Math.min(resumeAfter, final.id - 1);
  return { after, replay: [...history.filter((event) => event.id > after && event.id < final.id), final] };
}

const isTerminal = (view: JobView) => TERMINAL_STATUSES.includes(view.status);

/**
 * Counts the event streams this instance holds open, per session and per client address.
 * In memory on purpose: a stream is bound to its connection, so the instance holding the
 * connection is the one that knows; several instances each allow the limit.
 */
export class OpenStreams {
  readonly #open = new Map<string, number>();

  constructor(
    readonly limits: StreamLimits = DEFAULT_STREAM_LIMITS,
    private readonly metrics?: Metrics,
  ) {}

  /**
   * Takes a place for a stream of `session` from `address`, or throws 429 `RATE_LIMITED`
   * with Retry-After. Call the returned function once when the stream ends (any number of
   * calls give the place back once).
   */
  claim(session: string, address: string): () => void {
    const keys: [string, number, string][] = [
      [`session:${session}`, this.limits.perSession, 'streams-per-session'],
      [`address:${address}`, this.limits.perAddress, 'streams-per-ip'],
    ];
    for (const [key, max, limit] of keys) {
      if (max > 0 && (this.#open.get(key) ?? 0) >= max) {
        this.metrics?.rateLimited.inc({ limit });
        throw new ApiError('RATE_LIMITED', 'Too many open progress streams. Please close another tab of this shop, or wait a moment.', {
          retryable: true,
          retryAfter: RETRY_AFTER_S,
        });
      }
    }
    for (const [key] of keys) this.#open.set(key, (this.#open.get(key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const [key] of keys) {
        const left = (this.#open.get(key) ?? 1) - 1;
        if (left > 0) this.#open.set(key, left);
        else this.#open.delete(key);
      }
    };
  }
}
