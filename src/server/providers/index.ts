import { ConfigError } from '../config.js';
import { sandboxFactory } from './sandbox/index.js';
import type { ProviderAdapter, ProviderContext, ProviderFactory } from './types.js';

/** Every provider `FITTING_ROOM_PROVIDER` can name. Adding one: see ARCHITECTURE.md. */
export const PROVIDERS: Record<string, ProviderFactory> = {
  sandbox: sandboxFactory,
};

export function createProvider(name: string, env: Record<string, string | undefined>, context: ProviderContext): ProviderAdapter {
  const factory = PROVIDERS[name];
  if (!factory) throw new ConfigError(`FITTING_ROOM_PROVIDER "${name}" is not one of: ${Object.keys(PROVIDERS).join(', ')}.`);
  return factory(env, context);
}
