/**
 * Lift from the randomized holdout: the difference between the treatment's and the
 * holdout's conversion rates (add-to-carts or orders per exposure), with a 95% confidence
 * interval by Newcombe's hybrid score method (Newcombe 1998, "Interval estimation for the
 * difference between independent proportions", method 10): Wilson score intervals for
 * each arm, combined. It behaves well at small counts and rates near 0, where the simple
 * two-proportion z interval does not. Pure: numbers in, numbers out.
 */

/** z for a two-sided 95% interval. */
export const Z_95 = 1.959963984540054;

/** Below these, per arm, the dashboard says there is not enough data instead of a number. */
export const MIN_EXPOSURES_PER_ARM = 100;
export const MIN_CONVERSIONS_PER_ARM = 10;

export interface Interval {
  lower: number;
  upper: number;
}

/** The Wilson score interval of `successes` out of `trials`. */
export function wilsonInterval(successes: number, trials: number, z = Z_95): Interval {
  if (trials <= 0) return { lower: 0, upper: 1 };
  const p = successes / trials;
  const z2 = z * z;
  const centre = 2 * trials * p + z2;
  const spread = z * Math.sqrt(z2 + 4 * trials * p * (1 - p));
  const denominator = 2 * (trials + z2);
  return { lower: Math.max(0, (centre - spread) / denominator), upper: Math.min(1, (centre + spread) / denominator) };
}

/** Newcombe's hybrid score interval for p1 − p2 (arm 1 minus arm 2). */
export function differenceInterval(successes1: number, trials1: number, successes2: number, trials2: number, z = Z_95): Interval & { difference: number } {
  const p1 = successes1 / trials1;
  const p2 = successes2 / trials2;
  const one = wilsonInterval(successes1, trials1, z);
  const two = wilsonInterval(successes2, trials2, z);
  const difference = p1 - p2;
  return {
    difference,
    lower: difference - Math.sqrt((p1 - one.lower) ** 2 + (two.upper - p2) ** 2),
    upper: difference + Math.sqrt((one.upper - p1) ** 2 + (p2 - two.lower) ** 2),
  };
}

export interface ArmCounts {
  exposures: number;
  conversions: number;
}

export type Lift =
  | { enough: false; treatment: ArmCounts; holdout: ArmCounts; reason: string }
  | {
      enough: true;
      treatment: ArmCounts;
      holdout: ArmCounts;
      treatmentRate: number;
      holdoutRate: number;
      /** Treatment rate minus holdout rate (0.012 = 1.2 percentage points) and its 95% interval. */
      difference: number;
      lower: number;
      upper: number;
      /** The difference relative to the holdout's rate (0.25 = +25%); null when the holdout's rate is 0. */
      relative: number | null;
      /** The interval excludes 0. */
      significant: boolean;
    };

/**
 * The lift of one conversion (add-to-cart or order) per exposure, or why there is not enough
 * data yet. An exposure may lead to more than one conversion (two items added): conversions
 * are capped at exposures so the rate stays a proportion.
 */
export function liftOf(treatment: ArmCounts, holdout: ArmCounts): Lift {
  const short = [treatment, holdout].some((arm) => arm.exposures < MIN_EXPOSURES_PER_ARM || arm.conversions < MIN_CONVERSIONS_PER_ARM);
  if (short) {
    return { enough: false, treatment, holdout, reason: `Each group needs at least ${MIN_EXPOSURES_PER_ARM} product views and ${MIN_CONVERSIONS_PER_ARM} conversions.` };
  }
  const t = Math.min(treatment.conversions, treatment.exposures);
  const h = Math.min(holdout.conversions, holdout.exposures);
  const { difference, lower, upper } = differenceInterval(t, treatment.exposures, h, holdout.exposures);
  const holdoutRate = h / holdout.exposures;
  return {
    enough: true,
    treatment,
    holdout,
    treatmentRate: t / treatment.exposures,
    holdoutRate,
    difference,
    lower,
    upper,
    relative: holdoutRate > 0 ? difference / holdoutRate : null,
    significant: lower > 0 || upper < 0,
  };
}
