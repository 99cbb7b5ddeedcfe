import { describe, expect, it } from 'vitest';
import { ARM_KEY, assignArm, experimentId } from '../../src/analytics/arm.js';

/** A browser's localStorage, fresh: what a new shopper's browser has. */
class FreshStorage {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

describe('the holdout assignment', () => {
  it('puts a share of 500 fresh browsers in the holdout within statistical tolerance (10% ± 4σ)', () => {
    const share = 0.1;
    const browsers = 500;
    const experiment = experimentId(share, 'spring');
    let holdout = 0;
    for (let i = 0; i < browsers; i++) if (assignArm(share, experiment, () => new FreshStorage()) === 'holdout') holdout++;
    const sigma = Math.sqrt(browsers * share * (1 - share));
    expect(Math.abs(holdout - browsers * share)).toBeLessThanOrEqual(4 * sigma);
    // Not every browser in one arm either: the split really is random.
    expect(holdout).toBeGreaterThan(0);
    expect(holdout).toBeLessThan(browsers);
  });

  it('keeps a browser in its arm on every later page, whatever the draw would say', () => {
    const storage = new FreshStorage();
    const experiment = experimentId(0.5, undefined);
    const first = assignArm(
      0.5,
      experiment,
      () => storage,
      () => 0.1,
    );
    expect(first).toBe('holdout');
    for (const draw of [0.9, 0.6, 0.2])
      expect(
        assignArm(
          0.5,
          experiment,
          () => storage,
          () => draw,
        ),
      ).toBe('holdout');
  });

  it('keeps one storage key, holding only the arm and the experiment', () => {
    const storage = new FreshStorage();
    assignArm(
      0.1,
      experimentId(0.1, 'spring'),
      () => storage,
      () => 0.5,
    );
    expect([...storage.items]).toEqual([[ARM_KEY, 'treatment:spring:0.1']]);
  });

  it('draws again when the merchant changes the share or the experiment', () => {
    const storage = new FreshStorage();
    expect(
      assignArm(
        0.1,
        experimentId(0.1, 'spring'),
        () => storage,
        () => 0.05,
      ),
    ).toBe('holdout');
    // A new share: a new experiment, a new draw.
    expect(
      assignArm(
        0.02,
        experimentId(0.02, 'spring'),
        () => storage,
        () => 0.05,
      ),
    ).toBe('treatment');
    expect(storage.getItem(ARM_KEY)).toBe('treatment:spring:0.02');
    // A new name with the same share: a new draw too.
    expect(
      assignArm(
        0.02,
        experimentId(0.02, 'summer'),
        () => storage,
        () => 0.01,
      ),
    ).toBe('holdout');
  });

  it('ignores a stored value it did not write', () => {
    const storage = new FreshStorage();
    storage.setItem(ARM_KEY, 'control:holdout:0.1');
    expect(
      assignArm(
        0.1,
        experimentId(0.1),
        () => storage,
        () => 0.5,
      ),
    ).toBe('treatment');
  });

  it('still gives an arm when storage is blocked (reading localStorage throws)', () => {
    const blocked = () => {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    };
    expect(assignArm(0.1, experimentId(0.1), blocked, () => 0.05)).toBe('holdout');
    expect(assignArm(0.1, experimentId(0.1), blocked, () => 0.5)).toBe('treatment');
  });

  it('names experiments the way the collector takes them: letters, digits and _ . - : only', () => {
    const collectorPattern = /^[A-Za-z0-9._:-]{1,64}$/;
    expect(experimentId(0.1, null)).toBe('holdout:0.1');
    expect(experimentId(0.1, 'Spring sale 2026!')).toBe('Spring-sale-2026-:0.1');
    expect(experimentId(0.05, 'été/«test»')).toBe('-t---test-:0.05');
    for (const id of [experimentId(0.1, null), experimentId(0.1, 'Spring sale 2026!'), experimentId(0.05, 'été/«test»'), experimentId(Number('x'), 'a')])
      expect(id).toMatch(collectorPattern);
  });

  it('puts nobody in the holdout without a share', () => {
    for (const draw of [0, 0.5, 0.999])
      expect(
        assignArm(
          0,
          experimentId(0),
          () => new FreshStorage(),
          () => draw,
        ),
      ).toBe('treatment');
  });
});
