/**
 * The Studio adapter: person and garments uploaded (`POST /v1/uploads`), one try-on with
 * several items, live progress from the job's event stream, the terminal render from
 * `GET /v1/jobs/{job_id}` (polled when the stream is unavailable).
 *
 * Environment: STUDIO_BASE_URL (required: the document's examples use https://example.com),
 * STUDIO_API_TOKEN, and optionally STUDIO_USER_CATEGORY (e.g. FEMALE; sent as
 * `user_category`, omitted when unset since we do not know the shopper's gender).
 */
import type { ProviderAdapter, ProviderFactory } from '../types.js';
import { upstreamFor, allOrNothing, baseUrlFromEnv, requireEnv, watchJob, type JobState, type ProviderOptions } from '../upstream.js';
import { StudioClient } from './client.js';
import { itemCategory, mapError, providerMessage, readEvent, readJob, readJobId, tryOnBody } from './mapping.js';

/** Garments per job: the document says "one or more"; this cap is ours. */
export const STUDIO_MAX_GARMENTS = 4;

export function createStudioFactory(options: ProviderOptions = {}): ProviderFactory {
  return (env, context): ProviderAdapter => {
    const baseUrl = baseUrlFromEnv(env, 'STUDIO_BASE_URL', 'Studio', undefined, 'Studio’s documentation names no API host (its examples use https://example.com); set it to the host Studio gave you.');
    const token = requireEnv(env, 'STUDIO_API_TOKEN', 'Studio');
    const userCategory = env.STUDIO_USER_CATEGORY?.trim().toUpperCase() || undefined;
    if (userCategory && !/^[A-Z_]+$/.test(userCategory)) throw new Error('STUDIO_USER_CATEGORY must be one of Studio’s user categories, e.g. FEMALE.');
    const upstream = upstreamFor(env, context, options, {
      provider: 'Studio',
      baseUrl,
      secrets: () => [token],
      authHint: 'Studio refused the API token: check STUDIO_API_TOKEN (it needs the jobs:create and jobs:read capabilities) and STUDIO_BASE_URL.',
      mapError,
      messageOf: providerMessage,
    });
    const client = new StudioClient(upstream, token);

    return {
      name: 'studio',
      maxGarments: STUDIO_MAX_GARMENTS,
      async submit(request, signal) {
        const category = itemCategory(request.category);
        const garments = request.garments.slice(0, STUDIO_MAX_GARMENTS);
        const [person, ...items] = await allOrNothing(signal, [
          (uploadSignal) => client.upload(request.person, 'person', uploadSignal),
          ...garments.map((garment, index) => (uploadSignal: AbortSignal) => client.upload(garment, `item-${index + 1}`, uploadSignal)),
        ]);
        const body = await client.tryOn(tryOnBody(person!, items, category, userCategory), signal);
        const upstreamId = upstream.read(body, readJobId, 'POST /v1/try-on', 'no job_id', 202);
        return { upstreamId };
      },
      watch(upstreamId, signal) {
        return watchJob({
          upstream,
          upstreamId,
          signal,
          stream: async function* (streamSignal): AsyncGenerator<JobState<string>> {
            for await (const event of client.events(upstreamId, streamSignal)) {
              const update = readEvent(event);
              if (update === 'ended') return;
              if (update) yield update;
            }
          },
          poll: async (pollSignal) => {
            const body = await client.job(upstreamId, pollSignal);
            const state = upstream.read(body, readJob, 'GET /v1/jobs/{job_id}', 'no readable status');
            return state;
          },
          fetchResult: (url, fetchSignal) => client.image(url, fetchSignal),
        });
      },
    };
  };
}

export const studioFactory: ProviderFactory = createStudioFactory();
