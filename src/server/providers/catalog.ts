import type { ProviderDefinition } from './define.js';
import { EDGE_PROVIDERS } from './edge.js';
import { PROVIDERS } from './index.js';

/** One provider as the docs list it (README, "Providers"). */
export interface ProviderEntry {
  /** The value of `FITTING_ROOM_PROVIDER`. */
  name: string;
  label: string;
  summary: string;
  /** Also runs on Workers, Deno and Bun (dist/edge), not only on Node. */
  edge: boolean;
  settings: { variable: string; required: boolean; default?: string; description: string }[];
}

const entryOf = (definition: ProviderDefinition): ProviderEntry => ({
  name: definition.name,
  label: definition.label,
  summary: definition.summary,
  edge: EDGE_PROVIDERS.includes(definition),
  settings: Object.values(definition.settings).map(({ variable, required, default: fallback, description }) => ({
    variable,
    required,
    ...(fallback ? { default: fallback } : {}),
    description,
  })),
});

/** Every provider and its environment settings, for the README's provider table (and a test that keeps them in step). */
export const PROVIDER_CATALOG: readonly ProviderEntry[] = PROVIDERS.map(entryOf);
