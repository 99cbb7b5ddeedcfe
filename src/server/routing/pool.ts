/**
 * The providers of this proxy and the choice among them: a job's route (routing-config.ts),
 * filtered at the moment of each attempt by circuit breakers, credit pauses and each
 * provider's daily cap — all in the shared state, so every instance chooses alike.
 */
import type { Category } from '../../contract.js';
import { JobServiceError } from '../job-errors.js';
import type { Logger } from '../log.js';
import type { ProviderAdapter, ProviderFailure } from '../providers/types.js';
import type { SharedState } from '../state/types.js';
import { type BreakerState, CircuitBreakers } from './breaker.js';
import { troubleOf } from './failover.js';
import { type RoutingConfig, routeOf } from './routing-config.js';
import { dayOf, secondsToMidnight } from './quotas.js';

export interface ProviderStatus {
  name: string;
  state: BreakerState;
  /** Consecutive failures. */
  failures: number;
  /** Upstream runs started today (UTC) on this provider. */
  jobsToday: number;
  /** Its daily cap; 0 = none. */
  dailyLimit: number;
  /** When an open breaker or a pause ends (ISO time). */
  until?: string;
}

/** Why no provider of a route could take a job. */
export type NoProvider = { refusal: 'provider-paused' | 'route-cap'; retryAfterSeconds: number };

const providerBudgetKey = (name: string, day: string) => `budget:${day}:provider:${name}`;

export class ProviderPool {
  readonly #adapters: Map<string, ProviderAdapter>;
  readonly breakers: CircuitBreakers;

  constructor(
    adapters: readonly ProviderAdapter[],
    private readonly routing: Pick<RoutingConfig, 'routes' | 'providerDailyLimits' | 'breakerFailures' | 'breakerCooldownMs' | 'creditsPauseMs'>,
    private readonly state: SharedState,
    private readonly log: Logger,
    { instance, probeLeaseMs }: { instance: string; probeLeaseMs: number },
  ) {
    this.#adapters = new Map(adapters.map((adapter) => [adapter.name, adapter]));
    this.breakers = new CircuitBreakers(
      state,
      { failures: routing.breakerFailures, cooldownMs: routing.breakerCooldownMs, creditsPauseMs: routing.creditsPauseMs, probeLeaseMs },
      instance,
    );
  }

  get names(): string[] {
    return [...this.#adapters.keys()];
  }

  adapter(name: string): ProviderAdapter {
    const adapter = this.#adapters.get(name);
    if (!adapter) throw new Error(`no adapter for provider "${name}"`);
    return adapter;
  }

  /** The configured order for a category (only providers this pool holds). */
  route(category: Category): string[] {
    const route = routeOf(this.routing, category).filter((name) => this.#adapters.has(name));
    return route.length ? route : this.names.slice(0, 1);
  }

  /**
   * The first provider of the route, after those already tried, that may take a job now;
   * its daily cap is counted here. Half-open providers go to the one caller holding the probe.
   */
  async choose(route: readonly string[], tried: readonly string[] = []): Promise<string | NoProvider> {
    let capped = 0;
    let unavailableUntil = Infinity;
    for (const name of route.filter((candidate) => !tried.includes(candidate))) {
      if (!(await this.breakers.admit(name))) {
        unavailableUntil = Math.min(unavailableUntil, (await this.breakers.read(name)).until ?? Date.now() + 60_000);
        continue;
      }
      if (await this.#overDailyCap(name)) {
        await this.breakers.release(name);
        capped++;
        continue;
      }
      return name;
    }
    const untried = route.length - tried.filter((name) => route.includes(name)).length;
    if (untried > 0 && capped === untried) return { refusal: 'route-cap', retryAfterSeconds: secondsToMidnight() };
    return { refusal: 'provider-paused', retryAfterSeconds: Number.isFinite(unavailableUntil) ? Math.max(1, (unavailableUntil - Date.now()) / 1000) : 60 };
  }

  /** Refuses at once, without side effects, when no provider of the route could take a job now. */
  async assertRouteOpen(route: readonly string[]): Promise<void> {
    const statuses = await Promise.all(route.map((name) => this.status(name)));
    const open = (status: ProviderStatus) => status.state === 'closed' || status.state === 'half-open';
    if (statuses.some((status) => open(status) && (!status.dailyLimit || status.jobsToday < status.dailyLimit))) return;
    if (statuses.every((status) => status.dailyLimit && status.jobsToday >= status.dailyLimit)) throw new JobServiceError('route-cap', secondsToMidnight());
    const until = Math.min(...statuses.map((status) => (status.until ? Date.parse(status.until) : Infinity)));
    throw new JobServiceError('provider-paused', Number.isFinite(until) ? Math.max(1, (until - Date.now()) / 1000) : 60);
  }

  /** True when every provider is paused or open (try-on is off for every category). */
  async allUnavailable(): Promise<{ retryAfterSeconds: number } | undefined> {
    const readings = await Promise.all(this.names.map((name) => this.breakers.read(name)));
    if (readings.some((reading) => reading.state === 'closed' || reading.state === 'half-open')) return undefined;
    return { retryAfterSeconds: Math.max(1, (Math.min(...readings.map((reading) => reading.until ?? Infinity)) - Date.now()) / 1000) };
  }

  /** Feeds an attempt's outcome to the provider's breaker; undefined failure = the provider answered well. */
  async record(name: string, failure?: ProviderFailure): Promise<void> {
    const trouble = failure && troubleOf(failure);
    if (!trouble) return this.breakers.succeeded(name);
    if (trouble === 'credits') {
      const until = await this.breakers.pause(name);
      this.log.error('provider.paused', {
        provider: name,
        until: new Date(until).toISOString(),
        action: `Top up the provider account, then reset it: POST /admin/providers/${name}/reset.`,
      });
      return;
    }
    if (await this.breakers.failed(name)) this.log.warn('provider.breaker_open', { provider: name, code: failure.code, providerCode: failure.providerCode });
  }

  async status(name: string): Promise<ProviderStatus> {
    const reading = await this.breakers.read(name);
    const dailyLimit = this.routing.providerDailyLimits[name] ?? 0;
    const counted = Number((await this.state.get(providerBudgetKey(name, dayOf()))) ?? 0);
    return {
      name,
      state: reading.state,
      failures: reading.failures,
      jobsToday: dailyLimit ? Math.min(counted, dailyLimit) : counted,
      dailyLimit,
      ...(reading.until ? { until: new Date(reading.until).toISOString() } : {}),
    };
  }

  statuses(): Promise<ProviderStatus[]> {
    return Promise.all(this.names.map((name) => this.status(name)));
  }

  /** Counts one run against the provider's day; true when that is over its cap. */
  async #overDailyCap(name: string): Promise<boolean> {
    const limit = this.routing.providerDailyLimits[name] ?? 0;
    const count = await this.state.increment(providerBudgetKey(name, dayOf()), 26 * 3_600_000);
    if (limit > 0 && count > limit) {
      this.log.warn('budget.provider_limit_reached', { provider: name, limit });
      return true;
    }
    return false;
  }
}
