import { DOCUMENTED_PROVIDERS } from './documented.js';
import { createProviderFrom } from './registry.js';
import { sandboxFactory } from './sandbox/index.js';
import type { ProviderAdapter, ProviderContext, ProviderFactory } from './types.js';

/**
 * Every provider `FITTING_ROOM_PROVIDER` can name on Node. Adding one: see ARCHITECTURE.md.
 * Node-only: the sandbox composites with sharp. Edge runtimes use `EDGE_PROVIDERS` (edge.ts).
 */
export const PROVIDERS: Record<string, ProviderFactory> = {
  ...DOCUMENTED_PROVIDERS,
  sandbox: sandboxFactory,
};

export function createProvider(name: string, env: Record<string, string | undefined>, context: ProviderContext): ProviderAdapter {
  return createProviderFrom(PROVIDERS, name, env, context);
}
