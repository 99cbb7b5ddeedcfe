/**
 * Which providers serve which categories, and the guards around them, read from the
 * environment (server/README.md, "Several providers"). Every mistake is collected and
 * reported together, one line each, so an operator fixes them in one go.
 */
import { CATEGORIES, type Category } from '../../contract.js';
import { ConfigError, list } from '../config-values.js';

type Env = Record<string, string | undefined>;

/** The route key that applies to every category without a route of its own. */
export const ANY_CATEGORY = '*';

export interface RoutingConfig {
  /** Every provider the proxy talks to, in the default order (`FITTING_ROOM_PROVIDERS`, or the one `FITTING_ROOM_PROVIDER`). */
  providers: string[];
  /** Ordered providers per category; `*` for the rest. The first is tried first, the others take over on failure. */
  routes: Partial<Record<Category | typeof ANY_CATEGORY, string[]>>;
  /** Consecutive failures that open a provider's circuit breaker. */
  breakerFailures: number;
  /** How long an open breaker stays open before one probe may try the provider again. */
  breakerCooldownMs: number;
  /** How long a provider that ran out of credits is left alone (an operator can reset it sooner). */
  creditsPauseMs: number;
  /** Upstream runs per UTC day, per provider; a provider missing here has no cap of its own. */
  providerDailyLimits: Record<string, number>;
  /** Upstream runs one session may start per UTC day; 0 = no quota. */
  sessionDailyLimit: number;
  /** Upstream runs one browser (recognised by its client address) may start per UTC day; 0 = no quota. */
  browserDailyLimit: number;
}

/**
 * Reads the routing settings. `known` are the provider names this runtime can build; without
 * it (config.ts imports no provider) names are checked when the adapters are made.
 */
export function readRouting(env: Env, known?: readonly string[]): RoutingConfig {
  const mistakes: string[] = [];
  const checkName = (name: string, variable: string) => {
    if (known && !known.includes(name)) mistakes.push(`${variable}: "${name}" is not one of: ${known.join(', ')}.`);
  };

  if (env.FITTING_ROOM_PROVIDERS && env.FITTING_ROOM_PROVIDER)
    mistakes.push('FITTING_ROOM_PROVIDER and FITTING_ROOM_PROVIDERS are both set; keep FITTING_ROOM_PROVIDERS (the list) only.');
  const providers = (env.FITTING_ROOM_PROVIDERS ? list(env.FITTING_ROOM_PROVIDERS) : [env.FITTING_ROOM_PROVIDER || 'sandbox']).map((name) => name.toLowerCase());
  const variable = env.FITTING_ROOM_PROVIDERS ? 'FITTING_ROOM_PROVIDERS' : 'FITTING_ROOM_PROVIDER';
  for (const name of providers) checkName(name, variable);
  if (new Set(providers).size !== providers.length) mistakes.push(`${variable} names a provider twice: "${env.FITTING_ROOM_PROVIDERS}".`);

  const routes: RoutingConfig['routes'] = {};
  for (const entry of list(env.FITTING_ROOM_ROUTES)) {
    const match = /^([a-z*]+)\s*:\s*([a-z0-9_+\s-]+)$/i.exec(entry);
    if (!match) {
      mistakes.push(`FITTING_ROOM_ROUTES: "${entry}" is not category:provider+provider (e.g. shoes:aurax or *:studio+tryonapi).`);
      continue;
    }
    const category = match[1]!.toLowerCase() as Category | typeof ANY_CATEGORY;
    const names = match[2]!.split('+').map((name) => name.trim().toLowerCase());
    if (category !== ANY_CATEGORY && !CATEGORIES.includes(category)) mistakes.push(`FITTING_ROOM_ROUTES: "${category}" is not a category (${CATEGORIES.join(', ')} or *).`);
    if (routes[category]) mistakes.push(`FITTING_ROOM_ROUTES: "${category}" has two routes.`);
    for (const name of names) {
      if (!name) mistakes.push(`FITTING_ROOM_ROUTES: "${entry}" has an empty provider name.`);
      else if (!providers.includes(name)) mistakes.push(`FITTING_ROOM_ROUTES: "${name}" (route ${category}) is not in ${variable} (${providers.join(', ')}).`);
    }
    routes[category] = names;
  }
  routes[ANY_CATEGORY] ??= providers;

  const count = (name: string, fallback: number, minimum = 0) => {
    const value = env[name];
    if (value == null || value === '') return fallback;
    const number = Number(value);
    if (!Number.isInteger(number) || number < minimum) {
      mistakes.push(`${name} must be a whole number of at least ${minimum}, got "${value}".`);
      return fallback;
    }
    return number;
  };

  const providerDailyLimits: Record<string, number> = {};
  for (const entry of list(env.FITTING_ROOM_PROVIDER_DAILY_LIMITS)) {
    const match = /^([a-z0-9_-]+)\s*:\s*(\d+)$/i.exec(entry);
    if (!match) {
      mistakes.push(`FITTING_ROOM_PROVIDER_DAILY_LIMITS: "${entry}" is not provider:count (e.g. studio:500).`);
      continue;
    }
    const name = match[1]!.toLowerCase();
    if (!providers.includes(name)) mistakes.push(`FITTING_ROOM_PROVIDER_DAILY_LIMITS: "${name}" is not in ${variable} (${providers.join(', ')}).`);
    providerDailyLimits[name] = Number(match[2]);
  }

  const config: RoutingConfig = {
    providers,
    routes,
    breakerFailures: count('FITTING_ROOM_BREAKER_FAILURES', 5, 1),
    breakerCooldownMs: count('FITTING_ROOM_BREAKER_COOLDOWN_S', 30, 1) * 1000,
    creditsPauseMs: count('FITTING_ROOM_CREDITS_PAUSE_S', 300, 1) * 1000,
    providerDailyLimits,
    sessionDailyLimit: count('FITTING_ROOM_SESSION_DAILY_LIMIT', 0),
    browserDailyLimit: count('FITTING_ROOM_BROWSER_DAILY_LIMIT', 0),
  };
  if (mistakes.length) throw new ConfigError(mistakes.join('\n'));
  return config;
}

/** The ordered providers for a category: its own route, else the `*` route. */
export function routeOf(config: Pick<RoutingConfig, 'routes'>, category: Category): string[] {
  return config.routes[category] ?? config.routes[ANY_CATEGORY]!;
}
