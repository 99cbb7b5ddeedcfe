import type { ProviderDefinition } from './define.js';
import { createProviderFrom, DOCUMENTED_PROVIDERS } from './registry.js';
import { sandbox } from './sandbox/index.js';
import type { ProviderAdapter, ProviderContext } from './types.js';

/**
 * Every provider `FITTING_ROOM_PROVIDER` can name on Node. Adding one: see ARCHITECTURE.md.
 * Node-only: the sandbox composites with sharp. Edge runtimes use `EDGE_PROVIDERS` (edge.ts).
 */
export const PROVIDERS: readonly ProviderDefinition[] = [...DOCUMENTED_PROVIDERS, sandbox];

/** The adapter `name` stands for, its settings read from `env`; a ConfigError says what is missing. */
export function createProvider(name: string, env: Record<string, string | undefined>, context: ProviderContext): ProviderAdapter {
  return createProviderFrom(PROVIDERS, name, env, context);
}
