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

/** The definition `FITTING_ROOM_PROVIDER` (or an entry of `variable`) names in a runtime's registry, or a ConfigError listing the choices. */
export function findProvider(registry: readonly ProviderDefinition[], name: string, variable = 'FITTING_ROOM_PROVIDER'): ProviderDefinition {
  const definition = registry.find((candidate) => candidate.name === name);
  if (!definition) throw new ConfigError(`${variable} "${name}" is not one of: ${registry.map((candidate) => candidate.name).join(', ')}.`);
  return definition;
}

/**
 * Every adapter of `names`, made by `create`; the ConfigErrors of all of them are reported
 * together, one line each, so an operator sees every mistake at once.
 */
export function createAll(names: readonly string[], create: (name: string) => ProviderAdapter): ProviderAdapter[] {
  const mistakes: string[] = [];
  const adapters = names.flatMap((name) => {
    try {
      return [create(name)];
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      mistakes.push(error.message);
      return [];
    }
  });
  if (mistakes.length) throw new ConfigError(mistakes.join('\n'));
  return adapters;
}

/**
 * Builds the adapter `FITTING_ROOM_PROVIDER` names from a registry, its settings read from
 * `env`. Each runtime has its own registry: Node's (index.ts) adds the sandbox, which needs
 * sharp; the edge one (edge.ts) has the documented providers only.
 */
export function createProviderFrom(registry: readonly ProviderDefinition[], name: string, env: Record<string, string | undefined>, context: ProviderContext): ProviderAdapter {
  return findProvider(registry, name, env.FITTING_ROOM_PROVIDERS ? 'FITTING_ROOM_PROVIDERS' : 'FITTING_ROOM_PROVIDER').fromEnv(env, context);
}
