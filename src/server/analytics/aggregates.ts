import type { AnalyticsEvent } from '../../analytics-contract.js';
import type { SharedState } from '../state/types.js';

/**
 * The collector's memory: counters only, per UTC day, in the shared state (a Redis hash per
 * day and kind, so every instance adds to the same numbers). No event is kept as it came:
 * nothing here says who did what, only how many did. Every key expires `retentionDays` after
 * its day ends.
 *
 * Keys and their fields (tab-separated; ids never hold a tab, validate.ts refuses it):
 * - `an:{day}:funnel`   `{arm}\t{event}\t{productId}\t{experiment}` → events (the lift compares arms of one experiment)
 * - `an:{day}:errors`   `{code}` → try-on errors
 * - `an:{day}:latency`  `{provider}\t{bucket upper bound, ms}` → results
 * - `an:{day}:usage`    `upstream` (a new provider run: credits used) | `cached` (served from a run: credits saved) → runs
 * - `an:{day}:commerce` `tried\t{arm}\t{event}` → add-to-carts/orders by shoppers who tried on;
 *                       `value\t{arm}\t{event}\t{all|tried}\t{currency}` → their value
 */

/** Upper bounds of the time-to-result buckets, in ms (the last catches everything slower). */
export const LATENCY_BUCKETS_MS = [1_000, 2_000, 3_000, 4_000, 5_000, 7_500, 10_000, 15_000, 20_000, 30_000, 45_000, 60_000, 90_000, 120_000, 180_000, 600_000] as const;

/**
 * Fields per key and day. Exposures may come without a session, so a script could send made-up
 * product ids: past this many, new products of that day are no longer counted (known ones are).
 */
export const MAX_FIELDS_PER_DAY = 20_000;

export type AggregateKind = 'funnel' | 'errors' | 'latency' | 'usage' | 'commerce';
export const AGGREGATE_KINDS: readonly AggregateKind[] = ['funnel', 'errors', 'latency', 'usage', 'commerce'];

/** The day's counters of one kind, as stored. */
export type DayAggregates = Record<AggregateKind, Record<string, number>>;

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of a moment, in UTC. */
export const utcDay = (now: number) => new Date(now).toISOString().slice(0, 10);

export class AnalyticsAggregates {
  constructor(
    private readonly state: SharedState,
    private readonly retentionDays: number,
  ) {}

  /** Counts a validated batch; `provider` is the proxy's provider (time to result is kept per provider). */
  async record(events: readonly AnalyticsEvent[], provider: string, now = Date.now()): Promise<void> {
    const add: Record<AggregateKind, Record<string, number>> = { funnel: {}, errors: {}, latency: {}, usage: {}, commerce: {} };
    const bump = (kind: AggregateKind, field: string, by = 1) => (add[kind][field] = (add[kind][field] ?? 0) + by);
    for (const event of events) {
      bump('funnel', `${event.arm}\t${event.name}\t${event.productId ?? ''}\t${event.experiment}`);
      if (event.name === 'error') bump('errors', event.code ?? 'UNKNOWN');
      if (event.name === 'result' && event.latencyMs !== undefined) bump('latency', `${provider}\t${bucketOf(event.latencyMs)}`);
      if (event.name === 'add_to_cart' || event.name === 'order') {
        if (event.triedOn) bump('commerce', `tried\t${event.arm}\t${event.name}`);
        if (event.value !== undefined && event.currency) {
          // Integer cents: a sum of floats drifts; HINCRBYFLOAT of whole numbers does not.
          const cents = Math.round(event.value * 100);
          bump('commerce', `value\t${event.arm}\t${event.name}\tall\t${event.currency}`, cents);
          if (event.triedOn) bump('commerce', `value\t${event.arm}\t${event.name}\ttried\t${event.currency}`, cents);
        }
      }
    }
    await this.#add(add, now);
  }

  /** One provider run: `upstream` when it cost credits, `cached` when a finished or running one was reused. */
  async recordRun(kind: 'upstream' | 'cached', now = Date.now()): Promise<void> {
    await this.#add({ funnel: {}, errors: {}, latency: {}, usage: { [kind]: 1 }, commerce: {} }, now);
  }

  /** The counters of the `days` UTC days up to and including today's, oldest first. */
  async read(days: number, now = Date.now()): Promise<{ day: string; aggregates: DayAggregates }[]> {
    const list = Array.from({ length: days }, (_, index) => utcDay(now - (days - 1 - index) * DAY_MS));
    return Promise.all(
      list.map(async (day) => {
        const entries = await Promise.all(AGGREGATE_KINDS.map(async (kind) => [kind, await this.state.fields(`an:${day}:${kind}`)] as const));
        return { day, aggregates: Object.fromEntries(entries) as DayAggregates };
      }),
    );
  }

  async #add(add: Record<AggregateKind, Record<string, number>>, now: number) {
    const day = utcDay(now);
    // The day's counters outlive its end by the retention period: expiry, not a sweeper, forgets them.
    const ttlMs = Date.parse(`${day}T00:00:00Z`) + (this.retentionDays + 1) * DAY_MS - now;
    await Promise.all(
      AGGREGATE_KINDS.filter((kind) => Object.keys(add[kind]).length).map((kind) => this.state.addToFields(`an:${day}:${kind}`, add[kind], ttlMs, MAX_FIELDS_PER_DAY)),
    );
  }
}

/** The bucket (its upper bound) a latency falls in. */
export function bucketOf(latencyMs: number): number {
  return LATENCY_BUCKETS_MS.find((bound) => latencyMs <= bound) ?? LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1]!;
}

/**
 * The `q` quantile (0.5, 0.95) of a histogram of bucket upper bounds → counts, interpolated
 * linearly inside the bucket it falls in: accurate to the bucket's width, which is all a
 * fixed-bucket histogram can promise.
 */
export function quantileOf(histogram: ReadonlyMap<number, number>, q: number): number | null {
  const total = [...histogram.values()].reduce((sum, count) => sum + count, 0);
  if (!total) return null;
  const rank = q * total;
  let below = 0;
  let lowerBound = 0;
  for (const bound of LATENCY_BUCKETS_MS) {
    const count = histogram.get(bound) ?? 0;
    if (count && below + count >= rank) return Math.round(lowerBound + ((rank - below) / count) * (bound - lowerBound));
    below += count;
    lowerBound = bound;
  }
  return LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1]!;
}
