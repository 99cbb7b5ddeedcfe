import { describe, expect, it } from 'vitest';
import { bucketOf, LATENCY_BUCKETS_MS, quantileOf } from '../../src/server/analytics/aggregates.js';
import { differenceInterval, liftOf, wilsonInterval } from '../../src/server/analytics/lift.js';

describe('the lift interval', () => {
  it('matches the Wilson score interval of the textbook (Newcombe 1998, Table I)', () => {
    // 81 of 263: 0.2553 to 0.3662; 15 of 148: 0.0624 to 0.1605; 0 of 20: 0 to 0.1611.
    const cases: [number, number, number, number][] = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ];
    for (const [successes, trials, lower, upper] of cases) {
      const interval = wilsonInterval(successes, trials);
      expect([interval.lower, interval.upper].map((x) => x.toFixed(4))).toEqual([lower.toFixed(4), upper.toFixed(4)]);
    }
  });

  it("matches Newcombe's hybrid score interval for a difference (method 10 of Table II)", () => {
    const cases: [number, number, number, number, number, number][] = [
      [56, 70, 48, 80, 0.0524, 0.3339],
      [9, 10, 3, 10, 0.1705, 0.809],
      [6, 7, 2, 7, 0.0582, 0.8062],
      [5, 56, 0, 29, -0.0381, 0.1926],
      [0, 10, 0, 20, -0.1611, 0.2775],
      [0, 10, 0, 10, -0.2775, 0.2775],
      [10, 10, 0, 20, 0.6791, 1],
      [10, 10, 0, 10, 0.6075, 1],
    ];
    for (const [a, m, b, n, lower, upper] of cases) {
      const interval = differenceInterval(a, m, b, n);
      expect(
        [interval.lower, interval.upper].map((x) => x.toFixed(4)),
        `${a}/${m} − ${b}/${n}`,
      ).toEqual([lower.toFixed(4), upper.toFixed(4)]);
    }
  });

  it('says there is not enough data below 100 views or 10 conversions in either group', () => {
    expect(liftOf({ exposures: 99, conversions: 30 }, { exposures: 5000, conversions: 300 }).enough).toBe(false);
    expect(liftOf({ exposures: 5000, conversions: 300 }, { exposures: 500, conversions: 9 }).enough).toBe(false);
    const lift = liftOf({ exposures: 1000, conversions: 80 }, { exposures: 1000, conversions: 50 });
    expect(lift).toMatchObject({ enough: true, treatmentRate: 0.08, holdoutRate: 0.05, significant: true });
    if (!lift.enough) throw new Error('unreachable');
    expect(lift.difference).toBeCloseTo(0.03, 10);
    expect(lift.relative).toBeCloseTo(0.6, 10);
    expect(lift.lower).toBeGreaterThan(0.008);
    expect(lift.upper).toBeLessThan(0.052);
  });

  it('reports no clear effect when the interval spans zero, and caps conversions at views', () => {
    expect(liftOf({ exposures: 200, conversions: 12 }, { exposures: 200, conversions: 11 })).toMatchObject({ enough: true, significant: false });
    expect(liftOf({ exposures: 100, conversions: 130 }, { exposures: 100, conversions: 10 })).toMatchObject({ enough: true, treatmentRate: 1 });
  });
});

describe('time to result from fixed buckets', () => {
  it('puts a latency in the first bucket that holds it', () => {
    expect([0, 1_000, 1_001, 4_200, 599_999, 600_000].map(bucketOf)).toEqual([1_000, 1_000, 2_000, 5_000, 600_000, 600_000]);
  });

  it('interpolates quantiles inside the bucket they fall in', () => {
    // 10 results between 2 and 3 s, 10 between 3 and 4 s: the median is 3 s, the 95th percentile 3.9 s.
    const histogram = new Map([
      [3_000, 10],
      [4_000, 10],
    ]);
    expect(quantileOf(histogram, 0.5)).toBe(3_000);
    expect(quantileOf(histogram, 0.95)).toBe(3_900);
    expect(quantileOf(new Map(), 0.5)).toBeNull();
    expect(quantileOf(new Map([[LATENCY_BUCKETS_MS[0], 1]]), 0.95)).toBe(950);
  });
});
