import { ConfigError } from '../config.js';
import type { ProviderAdapter, ProviderContext, ProviderFactory } from './types.js';

/**
 * Builds the adapter `FITTING_ROOM_PROVIDER` names from a registry. Each runtime has its own
 * registry: Node's (index.ts) adds the sandbox, which needs sharp; the edge one (edge.ts)
 * has the documented providers only. This module imports neither, so both can use it.
 */
export function createProviderFrom(registry: Record<string, ProviderFactory>, name: string, env: Record<string, string | undefined>, context: ProviderContext): ProviderAdapter {
  const factory = Object.hasOwn(registry, name) ? registry[name] : undefined;
  if (!factory) throw new ConfigError(`FITTING_ROOM_PROVIDER "${name}" is not one of: ${Object.keys(registry).join(', ')}.`);
  return factory(env, context);
}
