/**
 * Each provider's state as Prometheus gauges, read from the shared state when `/metrics` is
 * scraped (so every instance reports the same, shared numbers).
 */
import type { ProviderStatus } from './pool.js';

const STATES = ['closed', 'open', 'half-open', 'paused'] as const;

export function renderProviderGauges(statuses: readonly ProviderStatus[], shop: { runs: number; limit: number }): string {
  const lines = [
    '# HELP fitting_room_provider_state 1 for the state each provider is in (closed, open, half-open, paused).',
    '# TYPE fitting_room_provider_state gauge',
    ...statuses.flatMap((status) => STATES.map((state) => `fitting_room_provider_state{provider="${status.name}",state="${state}"} ${status.state === state ? 1 : 0}`)),
    "# HELP fitting_room_provider_failures Consecutive failures counted by each provider's circuit breaker.",
    '# TYPE fitting_room_provider_failures gauge',
    ...statuses.map((status) => `fitting_room_provider_failures{provider="${status.name}"} ${status.failures}`),
    '# HELP fitting_room_provider_runs_today Upstream runs started today (UTC) per provider.',
    '# TYPE fitting_room_provider_runs_today gauge',
    ...statuses.map((status) => `fitting_room_provider_runs_today{provider="${status.name}"} ${status.jobsToday}`),
    "# HELP fitting_room_provider_daily_limit Each provider's daily cap (0 = none).",
    '# TYPE fitting_room_provider_daily_limit gauge',
    ...statuses.map((status) => `fitting_room_provider_daily_limit{provider="${status.name}"} ${status.dailyLimit}`),
    "# HELP fitting_room_runs_today New upstream runs today (UTC) under the shop's daily cap (counted while one is set).",
    '# TYPE fitting_room_runs_today gauge',
    `fitting_room_runs_today ${shop.limit ? Math.min(shop.runs, shop.limit) : shop.runs}`,
    "# HELP fitting_room_daily_limit The shop's daily cap on new upstream runs (0 = none).",
    '# TYPE fitting_room_daily_limit gauge',
    `fitting_room_daily_limit ${shop.limit}`,
  ];
  return `${lines.join('\n')}\n`;
}
