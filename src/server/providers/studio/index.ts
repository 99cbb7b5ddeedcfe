/**
 * The Studio adapter: person and garments uploaded (`POST /v1/uploads`), one try-on with
 * several items, live progress from the job's event stream, the terminal render from
 * `GET /v1/jobs/{job_id}` (polled when the stream is unavailable).
 */
import { defineProvider } from '../define.js';
import { baseUrl, optional, required } from '../settings.js';
import { allOrNothing, watchJob, type JobState } from '../upstream/watch.js';
import { StudioClient } from './client.js';
import { itemCategory, mapError, providerMessage, readEvent, readJob, readJobId, tryOnBody } from './mapping.js';

/** Garments per job: the document says "one or more"; this cap is ours. */
export const STUDIO_MAX_GARMENTS = 4;

export const studio = defineProvider({
  name: 'studio',
  label: 'Studio',
  summary: 'API token; uploads, then one try-on with up to four garments; progress from its event stream.',
  settings: {
    baseUrl: baseUrl('STUDIO_BASE_URL', 'The API host Studio gave you.', {
      whyRequired: 'Studio’s documentation names no API host (its examples use https://example.com); set it to the host Studio gave you.',
    }),
    token: required('STUDIO_API_TOKEN', 'API token with the jobs:create and jobs:read capabilities.'),
    // Omitted when unset: we do not know the shopper's gender.
    userCategory: optional('STUDIO_USER_CATEGORY', 'Sent as `user_category` (e.g. FEMALE); omitted when unset.', {
      fallback: undefined as string | undefined,
      parse: (value) => (/^[A-Z_]+$/.test(value.toUpperCase()) ? value.toUpperCase() : undefined),
      expected: 'one of Studio’s user categories, e.g. FEMALE',
    }),
  },
  create({ baseUrl, token, userCategory }, { connect }) {
    const upstream = connect({
      baseUrl,
      secrets: () => [token],
      authHint: 'Studio refused the API token: check STUDIO_API_TOKEN (it needs the jobs:create and jobs:read capabilities) and STUDIO_BASE_URL.',
      mapError,
      messageOf: providerMessage,
    });
    const client = new StudioClient(upstream, token);

    return {
      maxGarments: STUDIO_MAX_GARMENTS,
      async submit(request, signal) {
        // Each item keeps its own category (a look: a top, trousers, shoes), in order.
        const categories = request.garments.map((_, index) => itemCategory(request.categories?.[index] ?? request.category));
        const garments = request.garments.slice(0, STUDIO_MAX_GARMENTS);
        const [person, ...items] = await allOrNothing(signal, [
          (uploadSignal) => client.upload(request.person, 'person', uploadSignal),
          ...garments.map((garment, index) => (uploadSignal: AbortSignal) => client.upload(garment, `item-${index + 1}`, uploadSignal)),
        ]);
        const body = await client.tryOn(tryOnBody(person!, items, categories, userCategory), signal);
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
          poll: async (pollSignal) => upstream.read(await client.job(upstreamId, pollSignal), readJob, 'GET /v1/jobs/{job_id}', 'no readable status'),
          fetchResult: (url, fetchSignal) => client.image(url, fetchSignal),
        });
      },
    };
  },
});
