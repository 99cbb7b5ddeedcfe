/**
 * One circuit breaker per provider, kept in the shared state so every instance sees the same
 * one (Redis across instances): closed → after N consecutive failures open for a cool-down →
 * half-open, where exactly one probe (a lease in the shared state) may use the provider; its
 * outcome closes the breaker or opens it again. Out of credits is a pause of its own that
 * lasts until its interval passes or an operator resets it.
 */
import type { SharedState } from '../state/types.js';

export type BreakerState = 'closed' | 'open' | 'half-open' | 'paused';

export interface BreakerSettings {
  failures: number;
  cooldownMs: number;
  creditsPauseMs: number;
  /** How long a probe may take before another instance may probe instead. */
  probeLeaseMs: number;
}

/** A day of failures is more than any breaker needs to remember. */
const FAILURES_TTL_MS = 86_400_000;

const keys = {
  failures: (provider: string) => `breaker:${provider}:failures`,
  openUntil: (provider: string) => `breaker:${provider}:open-until`,
  probe: (provider: string) => `breaker:${provider}:probe`,
  pausedUntil: (provider: string) => `breaker:${provider}:paused-until`,
};

export interface BreakerReading {
  state: BreakerState;
  /** Consecutive failures so far. */
  failures: number;
  /** When an open breaker or a pause ends (ms since the epoch). */
  until?: number;
}

export class CircuitBreakers {
  constructor(
    private readonly state: SharedState,
    private readonly settings: BreakerSettings,
    /** Tells probes of one instance from another's. */
    private readonly instance: string,
  ) {}

  async read(provider: string, now = Date.now()): Promise<BreakerReading> {
    const [failures, openUntil, pausedUntil] = await Promise.all([
      this.state.get(keys.failures(provider)),
      this.state.get(keys.openUntil(provider)),
      this.state.get(keys.pausedUntil(provider)),
    ]);
    const count = Number(failures ?? 0);
    if (Number(pausedUntil) > now) return { state: 'paused', failures: count, until: Number(pausedUntil) };
    if (Number(openUntil) > now) return { state: 'open', failures: count, until: Number(openUntil) };
    return { state: count >= this.settings.failures ? 'half-open' : 'closed', failures: count };
  }

  /**
   * May this instance send a job to the provider now? Closed: yes. Half-open: only the one
   * caller that takes the probe lease. Open or paused: no.
   */
  async admit(provider: string): Promise<boolean> {
    const reading = await this.read(provider);
    if (reading.state === 'closed') return true;
    if (reading.state !== 'half-open') return false;
    return this.state.setIfAbsent(keys.probe(provider), this.instance, this.settings.probeLeaseMs);
  }

  /** The provider answered (a success or its own verdict on a photo): the breaker closes. */
  async succeeded(provider: string): Promise<void> {
    await this.state.delete(keys.failures(provider), keys.openUntil(provider), keys.probe(provider));
  }

  /**
   * One more consecutive failure: at N the breaker opens, a failed probe opens it again, and a
   * failure of a job already under way while it is open keeps it open from now. True when this
   * failure opened it (rather than kept it open).
   */
  async failed(provider: string, now = Date.now()): Promise<boolean> {
    const count = await this.state.increment(keys.failures(provider), FAILURES_TTL_MS);
    const probing = (await this.state.get(keys.probe(provider))) !== undefined;
    await this.state.delete(keys.probe(provider));
    if (count < this.settings.failures) return false;
    const wasOpen = Number(await this.state.get(keys.openUntil(provider))) > now;
    await this.state.set(keys.openUntil(provider), String(now + this.settings.cooldownMs), this.settings.cooldownMs);
    return count === this.settings.failures || (probing && !wasOpen);
  }

  /** Out of credits: left alone for the pause interval, whatever the breaker says. */
  async pause(provider: string, now = Date.now()): Promise<number> {
    const until = now + this.settings.creditsPauseMs;
    await this.state.set(keys.pausedUntil(provider), String(until), this.settings.creditsPauseMs);
    await this.state.delete(keys.probe(provider));
    return until;
  }

  /** An operator's reset: closed, no failures, no pause. */
  async reset(provider: string): Promise<void> {
    await this.state.delete(keys.failures(provider), keys.openUntil(provider), keys.probe(provider), keys.pausedUntil(provider));
  }

  /** Lets go of a probe lease taken by `admit` without using it (the provider was skipped after all). */
  async release(provider: string): Promise<void> {
    if ((await this.state.get(keys.probe(provider))) === this.instance) await this.state.delete(keys.probe(provider));
  }
}
