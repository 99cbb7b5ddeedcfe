import { type Arm, FUNNEL_EVENTS, type FunnelEvent } from '../../analytics-contract.js';
import { type DayAggregates, quantileOf } from './aggregates.js';
import { type Lift, liftOf } from './lift.js';

type Counts = Record<FunnelEvent, number>;

/** What the dashboard shows (`GET /admin/api/summary`): numbers only, no shopper in them. */
export interface AnalyticsSummary {
  from: string;
  to: string;
  /** Both arms' events, summed (try-on events only happen in the treatment arm). */
  funnel: Counts;
  /** Per arm, all experiments of the period together. */
  arms: Record<Arm, Counts>;
  perDay: { day: string; tryOns: number; results: number; errors: number; upstreamRuns: number; cachedRuns: number }[];
  /** Time from submit to the result shown, per provider, in ms (from fixed buckets). */
  latency: { provider: string; results: number; p50: number | null; p95: number | null }[];
  errors: { code: string; count: number }[];
  /** Provider runs that cost credits, and try-ons served from an earlier or running identical run. */
  credits: { used: number; saved: number };
  /** Orders and add-to-carts by shoppers who tried something on in their session, and values by currency. */
  attribution: {
    addToCartsAfterTryOn: number;
    ordersAfterTryOn: number;
    orderValue: { currency: string; all: number; afterTryOn: number }[];
  };
  /**
   * The lift of the current experiment (the one with exposures on the latest day of the period):
   * arms of different experiments are never pooled, since a new experiment re-assigns browsers
   * and may hold out a different share.
   */
  lift: { experiment: string | null; addToCart: Lift; order: Lift };
  /** Every experiment seen in the period, newest first. */
  experiments: { experiment: string; from: string; to: string; exposures: Record<Arm, number> }[];
  /** The products tried on most, with their funnel. */
  topProducts: ({ productId: string } & Counts)[];
}

const TOP_PRODUCTS = 10;
const zeroCounts = (): Counts => Object.fromEntries(FUNNEL_EVENTS.map((name) => [name, 0])) as Counts;

/** Adds up days of stored counters into the dashboard's summary. */
export function summarize(days: { day: string; aggregates: DayAggregates }[]): AnalyticsSummary {
  const funnel = zeroCounts();
  const arms: Record<Arm, Counts> = { treatment: zeroCounts(), holdout: zeroCounts() };
  const products = new Map<string, Counts>();
  const errors = new Map<string, number>();
  const latency = new Map<string, Map<number, number>>();
  const values = new Map<string, { all: number; afterTryOn: number }>();
  const credits = { used: 0, saved: 0 };
  const attribution = { addToCartsAfterTryOn: 0, ordersAfterTryOn: 0 };
  const perDay: AnalyticsSummary['perDay'] = [];
  const experiments = new Map<string, { from: string; to: string; arms: Record<Arm, Counts> }>();

  for (const { day, aggregates } of days) {
    const today = { day, tryOns: 0, results: 0, errors: 0, upstreamRuns: aggregates.usage.upstream ?? 0, cachedRuns: aggregates.usage.cached ?? 0 };
    for (const [field, count] of Object.entries(aggregates.funnel)) {
      const [arm, name, productId, experimentId = ''] = field.split('\t') as [Arm, FunnelEvent, string, string?];
      if (!(arm in arms) || !(name in funnel)) continue;
      funnel[name] += count;
      arms[arm][name] += count;
      const experiment = experiments.get(experimentId) ?? { from: day, to: day, arms: { treatment: zeroCounts(), holdout: zeroCounts() } };
      experiment.to = day;
      experiment.arms[arm][name] += count;
      experiments.set(experimentId, experiment);
      if (productId) {
        const product = products.get(productId) ?? zeroCounts();
        product[name] += count;
        products.set(productId, product);
      }
      if (name === 'submit') today.tryOns += count;
      if (name === 'result') today.results += count;
      if (name === 'error') today.errors += count;
    }
    for (const [code, count] of Object.entries(aggregates.errors)) errors.set(code, (errors.get(code) ?? 0) + count);
    for (const [field, count] of Object.entries(aggregates.latency)) {
      const [provider, bound] = field.split('\t') as [string, string];
      const histogram = latency.get(provider) ?? new Map<number, number>();
      histogram.set(Number(bound), (histogram.get(Number(bound)) ?? 0) + count);
      latency.set(provider, histogram);
    }
    for (const [field, amount] of Object.entries(aggregates.commerce)) {
      const parts = field.split('\t');
      if (parts[0] === 'tried' && parts[1] === 'treatment') {
        if (parts[2] === 'add_to_cart') attribution.addToCartsAfterTryOn += amount;
        if (parts[2] === 'order') attribution.ordersAfterTryOn += amount;
      }
      if (parts[0] === 'value' && parts[2] === 'order') {
        const currency = parts[4]!;
        const value = values.get(currency) ?? { all: 0, afterTryOn: 0 };
        if (parts[3] === 'all') value.all += amount / 100;
        if (parts[3] === 'tried' && parts[1] === 'treatment') value.afterTryOn += amount / 100;
        values.set(currency, value);
      }
    }
    credits.used += today.upstreamRuns;
    credits.saved += today.cachedRuns;
    perDay.push(today);
  }

  const newestFirst = [...experiments].sort(
    ([, a], [, b]) =>
      b.to.localeCompare(a.to) || b.from.localeCompare(a.from) || b.arms.treatment.exposure + b.arms.holdout.exposure - a.arms.treatment.exposure - a.arms.holdout.exposure,
  );
  const [currentId, current] = newestFirst[0] ?? [null, { arms: { treatment: zeroCounts(), holdout: zeroCounts() } }];
  const conversions = (name: 'add_to_cart' | 'order') => (arm: Arm) => ({ exposures: current.arms[arm].exposure, conversions: current.arms[arm][name] });
  const addToCart = conversions('add_to_cart');
  const order = conversions('order');
  return {
    from: days[0]?.day ?? '',
    to: days[days.length - 1]?.day ?? '',
    funnel,
    arms,
    perDay,
    latency: [...latency].map(([provider, histogram]) => ({
      provider,
      results: [...histogram.values()].reduce((sum, count) => sum + count, 0),
      p50: quantileOf(histogram, 0.5),
      p95: quantileOf(histogram, 0.95),
    })),
    errors: [...errors].map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count),
    credits,
    attribution: { ...attribution, orderValue: [...values].map(([currency, value]) => ({ currency, all: round2(value.all), afterTryOn: round2(value.afterTryOn) })) },
    lift: { experiment: currentId, addToCart: liftOf(addToCart('treatment'), addToCart('holdout')), order: liftOf(order('treatment'), order('holdout')) },
    experiments: newestFirst.map(([experiment, { from, to, arms: counts }]) => ({
      experiment,
      from,
      to,
      exposures: { treatment: counts.treatment.exposure, holdout: counts.holdout.exposure },
    })),
    topProducts: [...products]
      .map(([productId, counts]) => ({ productId, ...counts }))
      .sort((a, b) => b.submit - a.submit || b.open - a.open || b.exposure - a.exposure)
      .slice(0, TOP_PRODUCTS),
  };
}

const round2 = (amount: number) => Math.round(amount * 100) / 100;

/** A cell a spreadsheet will not run: text starting with = + - @ (or a tab/CR) is prefixed with '. */
function csvCell(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const CSV_COLUMNS = ['day', 'kind', 'experiment', 'arm', 'event', 'product', 'code', 'provider', 'bucket_ms', 'currency', 'measure', 'value'] as const;
type CsvRow = Partial<Record<(typeof CSV_COLUMNS)[number], string | number>>;

/** One stored counter as named columns (see the key layout in aggregates.ts). */
function csvRow(kind: string, field: string, value: number): CsvRow {
  const parts = field.split('\t');
  if (kind === 'funnel') return { arm: parts[0], event: parts[1], product: parts[2], experiment: parts[3], measure: 'events', value };
  if (kind === 'errors') return { event: 'error', code: parts[0], measure: 'events', value };
  if (kind === 'latency') return { event: 'result', provider: parts[0], bucket_ms: parts[1], measure: 'results', value };
  if (kind === 'usage') return { event: parts[0], measure: 'provider_runs', value };
  if (parts[0] === 'tried') return { arm: parts[1], event: parts[2], measure: 'after_try_on', value };
  return { arm: parts[1], event: parts[2], currency: parts[4], measure: parts[3] === 'tried' ? 'value_after_try_on' : 'value', value: value / 100 };
}

/** Every stored counter as CSV, one row each, for a spreadsheet or another tool. */
export function aggregatesCsv(days: { day: string; aggregates: DayAggregates }[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const { day, aggregates } of days) {
    for (const [kind, fields] of Object.entries(aggregates)) {
      for (const [field, value] of Object.entries(fields).sort(([a], [b]) => a.localeCompare(b))) {
        const row: CsvRow = { day, kind, ...csvRow(kind, field, value) };
        lines.push(CSV_COLUMNS.map((column) => csvCell(row[column] ?? '')).join(','));
      }
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
