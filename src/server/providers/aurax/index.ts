/**
 * The AuraX adapter: one VTO task with both images in base64, progress from the task's
 * event stream (polling `GET /api/ai/task/:id` when the stream fails), the result from
 * `GET /images/:imageId`.
 */
import { defineProvider } from '../define.js';
import { baseUrl, optional, required } from '../settings.js';
import { watchJob } from '../upstream/watch.js';
import { AuraxClient } from './client.js';
import { DEFAULT_GARMENT_STRENGTH, mapError, providerMessage, readStreamEvent, readTask, readTaskId, vtoBody, type AuraxResult } from './mapping.js';

export const aurax = defineProvider({
  name: 'aurax',
  label: 'AuraX',
  summary: 'API key and key id; one task with both images in base64; progress from its event stream.',
  settings: {
    baseUrl: baseUrl('AURAX_BASE_URL', 'The API host AuraX gave you.', { whyRequired: 'AuraX’s documentation names no API host; set it to the host AuraX gave you.' }),
    apiKey: required('AURAX_API_KEY', 'API key.'),
    keyId: required('AURAX_KEY_ID', 'The id of that API key.'),
    strength: optional('AURAX_GARMENT_STRENGTH', 'How strongly the garment is applied: 1, 2 or 3.', {
      fallback: DEFAULT_GARMENT_STRENGTH,
      shownDefault: String(DEFAULT_GARMENT_STRENGTH),
      parse: (value) => [1, 2, 3].find((strength) => strength === Number(value)),
      expected: '1, 2 or 3',
    }),
  },
  create({ baseUrl, apiKey, keyId, strength }, { connect }) {
    const upstream = connect({
      baseUrl,
      secrets: () => [apiKey, keyId],
      authHint: 'AuraX refused the key: check AURAX_API_KEY and AURAX_KEY_ID (and AURAX_BASE_URL).',
      mapError,
      messageOf: providerMessage,
    });
    const client = new AuraxClient(upstream, { apiKey, keyId });

    return {
      maxGarments: 1,
      async submit(request, signal) {
        const body = await client.vto(vtoBody(request.person, request.garments[0]!, request.category, strength), signal);
        const upstreamId = upstream.read(body, readTaskId, 'POST /api/ai/vto', 'no taskId');
        return { upstreamId };
      },
      watch(upstreamId, signal) {
        return watchJob<AuraxResult>({
          upstream,
          upstreamId,
          signal,
          stream: async function* (streamSignal) {
            for await (const event of client.stream(upstreamId, streamSignal)) {
              const state = readStreamEvent(event);
              if (state === 'ended') return;
              if (state) yield state;
            }
          },
          poll: async (pollSignal) => upstream.read(await client.task(upstreamId, pollSignal), readTask, 'GET /api/ai/task/:id', 'no readable status'),
          fetchResult: (result, fetchSignal) => client.image(result, fetchSignal),
        });
      },
    };
  },
});
