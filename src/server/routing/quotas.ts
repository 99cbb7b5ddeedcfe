/**
 * Daily quotas on new upstream runs, counted in the shared state so they hold across
 * instances: the shop's global cap, one per session and one per browser. Cache hits and
 * shared runs cost nothing and count against nothing.
 *
 * A "browser" is recognised by its client address (the one the rate limits use, behind
 * trusted proxies the forwarded one): no identifier is stored in the shopper's browser and
 * nothing is derived from its traits. Shoppers behind one address (an office, a mobile
 * carrier's NAT) share a quota, so it should be set generously.
 */
import { JobServiceError, type JobRefusal } from '../job-errors.js';
import type { Logger } from '../log.js';
import type { SharedState } from '../state/types.js';

/** Today's UTC date, `2026-11-29`. */
export const dayOf = (now = Date.now()) => new Date(now).toISOString().slice(0, 10);

/** Seconds until the next UTC midnight, when every daily count starts again. */
export const secondsToMidnight = (now = Date.now()) => (Date.parse(`${dayOf(now)}T00:00:00Z`) + 86_400_000 - now) / 1000;

export interface QuotaLimits {
  /** Upstream runs per UTC day for the whole shop; 0 = none. */
  daily: number;
  session: number;
  browser: number;
}

/** Who is asking: the session and the client address standing for the browser. */
export interface Requester {
  sessionId: string;
  client?: string;
}

/** The quota counters, for `/metrics`. */
export type QuotaScope = 'daily' | 'session' | 'browser';

const REFUSAL: Record<QuotaScope, JobRefusal> = { daily: 'daily-cap', session: 'session-cap', browser: 'browser-cap' };

export class DailyQuotas {
  constructor(
    private readonly state: SharedState,
    private readonly limits: QuotaLimits,
    private readonly log: Logger,
    private readonly onRefused: (scope: QuotaScope) => void = () => {},
  ) {}

  /** Counts one new upstream run against every quota of the requester, refusing it once one is spent. */
  async spend(requester: Requester, now = Date.now()): Promise<void> {
    const day = dayOf(now);
    const checks: [QuotaScope, number, string | undefined][] = [
      ['session', this.limits.session, `budget:${day}:session:${requester.sessionId}`],
      ['browser', this.limits.browser, requester.client && `budget:${day}:browser:${requester.client}`],
      ['daily', this.limits.daily, `budget:${day}`],
    ];
    for (const [scope, limit, key] of checks) {
      if (limit <= 0 || !key) continue;
      if ((await this.state.increment(key, 26 * 3_600_000)) > limit) {
        // No address or session in the log line: the scope and the limit say what happened.
        this.log.warn('budget.limit_reached', { scope, limit, day });
        this.onRefused(scope);
        throw new JobServiceError(REFUSAL[scope], secondsToMidnight(now));
      }
    }
  }
}

/** Today's count of the shop-wide quota (counted while `FITTING_ROOM_DAILY_JOB_LIMIT` is set). */
export async function shopRunsToday(state: SharedState, now = Date.now()): Promise<number> {
  return Number((await state.get(`budget:${dayOf(now)}`)) ?? 0);
}
