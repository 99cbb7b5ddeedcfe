/**
 * The AuraX adapter: one VTO task with both images in base64, progress from the task's
 * event stream (polling `GET /api/ai/task/:id` when the stream fails), the result from
 * `GET /images/:imageId`.
 *
 * Environment: AURAX_BASE_URL (required: the document names no API host), AURAX_API_KEY,
 * AURAX_KEY_ID, and optionally AURAX_GARMENT_STRENGTH (1, 2 or 3; default 2).
 */
import type { ProviderAdapter, ProviderFactory } from '../types.js';
import { upstreamFor, baseUrlFromEnv, requireEnv, watchJob, type ProviderOptions } from '../upstream.js';
import { AuraxClient } from './client.js';
import { DEFAULT_GARMENT_STRENGTH, mapError, providerMessage, readStreamEvent, readTask, readTaskId, vtoBody, type AuraxResult } from './mapping.js';

export function createAuraxFactory(options: ProviderOptions = {}): ProviderFactory {
  return (env, context): ProviderAdapter => {
    const baseUrl = baseUrlFromEnv(env, 'AURAX_BASE_URL', 'AuraX', undefined, 'AuraX’s documentation names no API host; set it to the host AuraX gave you.');
    const apiKey = requireEnv(env, 'AURAX_API_KEY', 'AuraX');
    const keyId = requireEnv(env, 'AURAX_KEY_ID', 'AuraX');
    const strength = env.AURAX_GARMENT_STRENGTH?.trim() ? Number(env.AURAX_GARMENT_STRENGTH) : DEFAULT_GARMENT_STRENGTH;
    if (![1, 2, 3].includes(strength)) throw new Error('AURAX_GARMENT_STRENGTH must be 1, 2 or 3.');
    const upstream = upstreamFor(env, context, options, {
      provider: 'AuraX',
      baseUrl,
      secrets: () => [apiKey, keyId],
      authHint: 'AuraX refused the key: check AURAX_API_KEY and AURAX_KEY_ID (and AURAX_BASE_URL).',
      mapError,
      messageOf: providerMessage,
    });
    const client = new AuraxClient(upstream, { apiKey, keyId });

    return {
      name: 'aurax',
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
          poll: async (pollSignal) => {
            const body = await client.task(upstreamId, pollSignal);
            const state = upstream.read(body, readTask, 'GET /api/ai/task/:id', 'no readable status');
            return state;
          },
          fetchResult: (result, fetchSignal) => client.image(result, fetchSignal),
        });
      },
    };
  };
}

export const auraxFactory: ProviderFactory = createAuraxFactory();
