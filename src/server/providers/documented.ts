/**
 * The adapters of the five documented provider APIs (summed up in ARCHITECTURE-providers.md),
 * by the name `FITTING_ROOM_PROVIDER` takes. Each reads its own variables and throws an Error naming
 * the one that is missing. `create…Factory(options)` in each folder builds one with other
 * timing (tests use it to poll fast).
 */
import { auraxFactory } from './aurax/index.js';
import { miraflowFactory } from './miraflow/index.js';
import { mirragoFactory } from './mirrago/index.js';
import { studioFactory } from './studio/index.js';
import { tryonApiFactory } from './tryonapi/index.js';
import type { ProviderFactory } from './types.js';

export type DocumentedProvider = 'mirrago' | 'tryonapi' | 'studio' | 'miraflow' | 'aurax';

export const DOCUMENTED_PROVIDERS: Record<DocumentedProvider, ProviderFactory> = {
  mirrago: mirragoFactory,
  tryonapi: tryonApiFactory,
  studio: studioFactory,
  miraflow: miraflowFactory,
  aurax: auraxFactory,
};
