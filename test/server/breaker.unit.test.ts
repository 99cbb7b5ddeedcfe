import { describe, expect, it } from 'vitest';
import { CircuitBreakers } from '../../src/server/routing/breaker.js';
import { MemoryState } from '../../src/server/state/memory.js';

/** The breaker's states on one shared state, as two instances see it. */
describe('CircuitBreakers', () => {
  const settings = { failures: 2, cooldownMs: 1_000, creditsPauseMs: 5_000, probeLeaseMs: 10_000 };
  const pair = () => {
    const state = new MemoryState();
    return [new CircuitBreakers(state, settings, 'instance-a'), new CircuitBreakers(state, settings, 'instance-b')] as const;
  };

  it('opens after N consecutive failures, and a healthy answer in between starts the count again', async () => {
    const [a, b] = pair();
    await a.failed('studio');
    await b.succeeded('studio');
    await b.failed('studio');
    expect(await a.read('studio')).toMatchObject({ state: 'closed', failures: 1 });
    expect(await a.failed('studio')).toBe(true);
    expect(await b.read('studio')).toMatchObject({ state: 'open', failures: 2 });
    expect(await b.admit('studio')).toBe(false);
  });

  it('after the cool-down lets exactly one probe through, whichever instance asks; the probe decides', async () => {
    const [a, b] = pair();
    const now = Date.now();
    await a.failed('studio', now - 2_000);
    await a.failed('studio', now - 2_000);
    expect((await a.read('studio')).state).toBe('half-open');
    expect([await a.admit('studio'), await b.admit('studio'), await a.admit('studio')]).toEqual([true, false, false]);
    expect(await a.failed('studio')).toBe(true);
    expect((await b.read('studio')).state).toBe('open');

    await b.failed('other', now - 2_000);
    await b.failed('other', now - 2_000);
    expect(await b.admit('other')).toBe(true);
    await b.succeeded('other');
    expect(await a.read('other')).toMatchObject({ state: 'closed', failures: 0 });
    expect(await a.admit('other')).toBe(true);
  });

  it('out of credits pauses the provider until the interval passes or an operator resets it', async () => {
    const [a, b] = pair();
    const until = await a.pause('studio');
    expect(await b.read('studio')).toMatchObject({ state: 'paused', until });
    expect(await b.admit('studio')).toBe(false);
    await b.reset('studio');
    expect(await a.read('studio')).toMatchObject({ state: 'closed', failures: 0 });
  });
});
