/**
 * `defineProvider`: what every adapter's `index.ts` would otherwise repeat — reading its variables,
 * building its `Upstream` with the proxy's fetch, a tagged log and the timing — done once.
 * A provider folder declares its settings and a `create` that receives them typed; the
 * registry (registry.ts) lists the definitions.
 */
import type { ProviderAdapter, ProviderContext } from './types.js';
import { readSettings, type SettingsOf, type SettingsSchema } from './settings.js';
import { Upstream, type UpstreamOptions } from './upstream/http.js';
import { resolveTiming } from './upstream/timing.js';

/** What `create` gets besides its settings. */
export interface AdapterKit {
  /** An Upstream for the provider's API with the proxy's fetch, a log tagged with the provider, and the timing. */
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
  /**
   * The adapter, its settings read from `env` (a ConfigError when one is wrong). The timing is
   * the default, then `FITTING_ROOM_POLL_MS`, then `context.timing`.
   */
  fromEnv(env: Record<string, string | undefined>, context: ProviderContext): ProviderAdapter;
}

/** A provider definition from its spec. */
export function defineProvider<const N extends string, S extends SettingsSchema>(spec: ProviderSpec<N, S>): ProviderDefinition<N, S> {
  const readSettingsOf = (env: Record<string, string | undefined>) => readSettings(spec.settings, env, spec.label);
  return {
    name: spec.name,
    label: spec.label,
    summary: spec.summary,
    settings: spec.settings,
    readSettings: readSettingsOf,
    fromEnv(env, context) {
      const settings = readSettingsOf(env);
      const timing = resolveTiming(env, context.timing);
      const log = context.log.child({ provider: spec.name });
      const connect: AdapterKit['connect'] = (upstream) => new Upstream({ ...upstream, provider: spec.label, fetch: context.fetch, log, timing });
      return { name: spec.name, label: spec.label, ...spec.create(settings, { connect }) };
    },
  };
}
