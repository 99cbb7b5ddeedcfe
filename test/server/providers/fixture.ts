import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import type { TimingOverrides } from '../../../src/server/providers/upstream/timing.js';
import { Probe, testImages, type Emulator } from '../../emulators/harness.js';

/** Fast timings for adapter tests: polling, backoff and retries in tens of milliseconds. */
export const FAST: TimingOverrides = { pollMs: 20, pollMaxMs: 60, backoffMs: 10, backoffMaxMs: 40, retries: 2, requestTimeoutMs: 3000 };

export interface AdapterFixture<E> {
  emulator: E;
  images: Awaited<ReturnType<typeof testImages>>;
  /** The adapter's log of the running test; checked for leaked secrets after each test. */
  probe: Probe;
}

/**
 * The set-up every adapter test file shares: one emulator for the file, reset before each
 * test, and after each test the check that no secret reached a log line or an error.
 */
export function useAdapterFixture<E extends Emulator>(start: () => Promise<E>, secretsOf: (emulator: E) => string[]): AdapterFixture<E> {
  const fixture = {} as AdapterFixture<E>;
  beforeAll(async () => {
    [fixture.emulator, fixture.images] = await Promise.all([start(), testImages()]);
  });
  afterAll(() => fixture.emulator?.close());
  beforeEach(async () => {
    await fixture.emulator.idle();
    fixture.emulator.reset();
    fixture.emulator.behave({ jobMs: 150 });
    fixture.probe = new Probe();
  });
  afterEach(() => {
    expect(fixture.probe.leaks(secretsOf(fixture.emulator))).toEqual([]);
  });
  return fixture;
}
