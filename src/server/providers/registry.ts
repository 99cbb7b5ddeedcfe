import { ConfigError } from '../config-values.js';
import { aurax } from './aurax/index.js';
import type { ProviderDefinition } from './define.js';
import { miraflow } from './miraflow/index.js';
import { mirrago } from './mirrago/index.js';
import { studio } from './studio/index.js';
import type { ProviderAdapter, ProviderContext } from './types.js';
import { tryonapi } from './tryonapi/index.js';

/**
 * The adapters of the documented provider APIs (each vendor's published API document): plain `fetch`,
 * so every runtime can run them. Adding a provider is its folder and one line here; the
 * Node and edge registries, the emulator list, the soak and the docs table follow.
 */
export const DOCUMENTED_PROVIDERS = [mirrago, tryonapi, studio, miraflow, aurax] as const;

export type DocumentedProvider = (typeof DOCUMENTED_PROVIDERS)[number]['name'];

/** The definition `FITTING_ROOM_PROVIDER` names in a runtime's registry, or a ConfigError listing the choices. */
export function findProvider(registry: readonly ProviderDefinition[], name: string): ProviderDefinition {
  const definition = registry.find((candidate) => candidate.name === name);
  if (!definition) throw new ConfigError(`FITTING_ROOM_PROVIDER "${name}" is not one of: ${registry.map((candidate) => candidate.name).join(', ')}.`);
  return definition;
}

/**
 * Builds the adapter `FITTING_ROOM_PROVIDER` names from a registry, its settings read from
 * `env`. Each runtime has its own registry: Node's (index.ts) adds the sandbox, which needs
 * sharp; the edge one (edge.ts) has the documented providers only.
 */
export function createProviderFrom(registry: readonly ProviderDefinition[], name: string, env: Record<string, string | undefined>, context: ProviderContext): ProviderAdapter {
  return findProvider(registry, name).fromEnv(env, context);
}
