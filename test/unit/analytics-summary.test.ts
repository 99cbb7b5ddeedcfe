import { describe, expect, it } from 'vitest';
import type { DayAggregates } from '../../src/server/analytics/aggregates.js';
import { summarize } from '../../src/server/analytics/summary.js';

const day = (funnel: Record<string, number>, rest: Partial<DayAggregates> = {}): DayAggregates => ({ funnel, errors: {}, latency: {}, usage: {}, commerce: {}, ...rest });

describe('the summary of stored counters', () => {
  it('computes the lift of the current experiment only: a re-assigned holdout is never pooled with the old one', () => {
    const summary = summarize([
      // The old experiment: the holdout converted far better (it would drag a pooled lift down).
      {
        day: '2026-11-01',
        aggregates: day({ 'treatment\texposure\tp1\told': 1000, 'treatment\tadd_to_cart\tp1\told': 50, 'holdout\texposure\tp1\told': 1000, 'holdout\tadd_to_cart\tp1\told': 200 }),
      },
      {
        day: '2026-11-02',
        aggregates: day({
          'treatment\texposure\tp1\tnew': 900,
          'treatment\tadd_to_cart\tp1\tnew': 90,
          'holdout\texposure\tp1\tnew': 100,
          'holdout\tadd_to_cart\tp1\tnew': 5,
          'treatment\texposure\tp1\told': 10,
        }),
      },
    ]);
    expect(summary.lift.experiment).toBe('new');
    expect(summary.lift.addToCart).toMatchObject({ enough: false, treatment: { exposures: 900, conversions: 90 }, holdout: { exposures: 100, conversions: 5 } });
    expect(summary.experiments).toEqual([
      { experiment: 'new', from: '2026-11-02', to: '2026-11-02', exposures: { treatment: 900, holdout: 100 } },
      { experiment: 'old', from: '2026-11-01', to: '2026-11-02', exposures: { treatment: 1010, holdout: 1000 } },
    ]);
    // The funnel and the arms still count every experiment.
    expect(summary.arms.holdout.exposure).toBe(1100);
  });

  it('adds days up: try-ons per day, credits, attributed orders and their value per currency', () => {
    const summary = summarize([
      {
        day: '2026-11-01',
        aggregates: day(
          { 'treatment\tsubmit\tp1\te': 3, 'treatment\tresult\tp1\te': 2, 'treatment\terror\tp1\te': 1 },
          { usage: { upstream: 2, cached: 1 }, errors: { TRYON_FAILED: 1 } },
        ),
      },
      {
        day: '2026-11-02',
        aggregates: day(
          { 'treatment\tsubmit\tp2\te': 4 },
          {
            usage: { upstream: 1 },
            commerce: {
              'tried\ttreatment\torder': 2,
              'value\ttreatment\torder\tall\tEUR': 12_345,
              'value\ttreatment\torder\ttried\tEUR': 2_000,
              'value\tholdout\torder\tall\tUSD': 999,
            },
          },
        ),
      },
    ]);
    expect(summary.perDay).toEqual([
      { day: '2026-11-01', tryOns: 3, results: 2, errors: 1, upstreamRuns: 2, cachedRuns: 1 },
      { day: '2026-11-02', tryOns: 4, results: 0, errors: 0, upstreamRuns: 1, cachedRuns: 0 },
    ]);
    expect(summary.credits).toEqual({ used: 3, saved: 1 });
    expect(summary.attribution).toEqual({
      addToCartsAfterTryOn: 0,
      ordersAfterTryOn: 2,
      orderValue: [
        { currency: 'EUR', all: 123.45, afterTryOn: 20 },
        { currency: 'USD', all: 9.99, afterTryOn: 0 },
      ],
    });
    expect(summary.topProducts.map((product) => [product.productId, product.submit])).toEqual([
      ['p2', 4],
      ['p1', 3],
    ]);
  });
});
