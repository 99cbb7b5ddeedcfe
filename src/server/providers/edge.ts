import { ConfigError } from '../config-values.js';
import type { ProviderDefinition } from './define.js';
import { createProviderFrom, DOCUMENTED_PROVIDERS } from './registry.js';
import type { ProviderAdapter, ProviderContext } from './types.js';

/**
 * The providers an edge runtime (Workers, Deno, Bun) can run: the documented APIs, which
 * are plain `fetch`. Importing this never pulls in sharp.
 */
export const EDGE_PROVIDERS: readonly ProviderDefinition[] = DOCUMENTED_PROVIDERS;

export function createEdgeProvider(name: string, env: Record<string, string | undefined>, context: ProviderContext): ProviderAdapter {
  // The sandbox composites the garment onto the photo with sharp (libvips, native code). A
  // "preview" that is not one would mislead a merchant testing their deployment, so say so.
  if (name === 'sandbox') {
    throw new ConfigError(
      `FITTING_ROOM_PROVIDER is "sandbox" (the default), which needs sharp and runs on Node only (fitting-room-proxy). On this runtime set FITTING_ROOM_PROVIDER to one of: ${EDGE_PROVIDERS.map((provider) => provider.name).join(', ')}.`,
    );
  }
  return createProviderFrom(EDGE_PROVIDERS, name, env, context);
}
