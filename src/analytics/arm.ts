import type { Arm } from '../analytics-contract.js';

/** The one first-party storage key of the holdout: `<arm>:<experiment>`. Nothing else about the browser is kept or read. */
export const ARM_KEY = 'fitting-room:arm';

/**
 * The experiment a holdout share belongs to: the merchant's `experiment` name and the share, so
 * changing either re-assigns every browser. The name keeps letters, digits and `_` (anything else
 * becomes `-`): the collector takes experiments of letters, digits and `_ . - :` only.
 */
export const experimentId = (share: number, name?: string | null) => `${(name || 'holdout').replace(/\W/g, '-')}:${share}`;

/**
 * The arm of this browser in `experiment`: the one stored under `ARM_KEY` when it belongs to
 * the same experiment, else a fresh draw (`holdout` with probability `share`), stored. `storage`
 * is a getter because reading `localStorage` itself throws where storage is blocked; then each
 * page draws again, which keeps the split random.
 */
export function assignArm(share: number, experiment: string, storage: () => Pick<Storage, 'getItem' | 'setItem'>, random = Math.random): Arm {
  let arm: Arm = random() < share ? 'holdout' : 'treatment';
  try {
    const stored = storage().getItem(ARM_KEY);
    for (const kept of ['holdout', 'treatment'] as const) if (stored === `${kept}:${experiment}`) arm = kept;
    storage().setItem(ARM_KEY, `${arm}:${experiment}`);
  } catch {
    // No storage (blocked, full): this page still gets an arm.
  }
  return arm;
}
