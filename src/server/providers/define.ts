/**
 * `defineProvider`: what every adapter's `index.ts` used to repeat — reading its variables,
 * building its `Upstream` with the proxy's fetch, a tagged log and the timing — done once.
 * A provider folder declares its settings and a `create` that receives them typed; the
 * registry (registry.ts) lists the definitions.
 */
import type { ProviderAdapter, ProviderContext } from './types.js';
import { readSettings, type SettingsOf, type SettingsSchema } from './settings.js';
import { Upstream, type UpstreamOptions } from './upstream/http.js';
import { resolveTiming, type Timing } from './upstream/timing.js';

/** What `create` gets besides its settings. */
export interface AdapterKit {
  /** The proxy's fetch, a log tagged with the provider, and the timing. */
  context: ProviderContext;
  timing: Timing;
  /** An Upstream for the provider's API: everything but what the kit already knows. */
  connect(spec: Omit<UpstreamOptions, 'provider' | 'fetch' | 'log' | 'timing'>): Upstream;
}

export interface ProviderSpec<N extends string, S extends SettingsSchema> {
  /** What `FITTING_ROOM_PROVIDER` takes, e.g. "mirrago". */
  name: N;
  /** The provider's own spelling, e.g. "TryonAPI"; used in messages and the docs. */
  label: string;
  /** One line for the docs: how the provider is reached. */
  summary: string;
  settings: S;
  create(settings: SettingsOf<S>, kit: AdapterKit): Omit<ProviderAdapter, 'name'>;
}

export interface ProviderDefinition<N extends string = string, S extends SettingsSchema = SettingsSchema> extends Omit<ProviderSpec<N, S>, 'create'> {
  /** The typed settings from the environment; a ConfigError names what is missing or malformed. */
  readSettings(env: Record<string, string | undefined>): SettingsOf<S>;
  /** The adapter, from settings already read. `context.timing` replaces any part of the default timing. */
  create(settings: SettingsOf<S>, context: ProviderContext): ProviderAdapter;
  /** Both at once, with `FITTING_ROOM_POLL_MS` from the environment under `context.timing`. */
  fromEnv(env: Record<string, string | undefined>, context: ProviderContext): ProviderAdapter;
}

/** A provider definition from its spec. */
export function defineProvider<const N extends string, S extends SettingsSchema>(spec: ProviderSpec<N, S>): ProviderDefinition<N, S> {
  const definition: ProviderDefinition<N, S> = {
    name: spec.name,
    label: spec.label,
    summary: spec.summary,
    settings: spec.settings,
    readSettings: (env) => readSettings(spec.settings, env, spec.label),
    create(settings, context) {
      const timing = resolveTiming({}, context.timing);
      const log = context.log.child({ provider: spec.name });
      const kit: AdapterKit = { context, timing, connect: (upstream) => new Upstream({ ...upstream, provider: spec.label, fetch: context.fetch, log, timing }) };
      return { name: spec.name, ...spec.create(settings, kit) };
    },
    fromEnv: (env, context) => definition.create(definition.readSettings(env), { ...context, timing: resolveTiming(env, context.timing) }),
  };
  return definition;
}
