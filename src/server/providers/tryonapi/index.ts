/**
 * The TryonAPI adapter: multipart upload of the two photos, a polled job, the result as
 * `imageBase64` or `imageUrl`, and every documented `errorCode` mapped to shopper words.
 *
 * Environment: TRYONAPI_BASE_URL (required: the document names no host, its examples use
 * https://your-domain.com), TRYONAPI_API_KEY.
 */
import type { ProviderAdapter, ProviderFactory } from '../types.js';
import { upstreamFor, baseUrlFromEnv, imageFromBase64, requireEnv, watchJob, type ProviderOptions } from '../upstream.js';
import { TryonApiClient } from './client.js';
import { checkCategory, mapError, providerMessage, readJobId, readStatus } from './mapping.js';

export function createTryonApiFactory(options: ProviderOptions = {}): ProviderFactory {
  return (env, context): ProviderAdapter => {
    const baseUrl = baseUrlFromEnv(env, 'TRYONAPI_BASE_URL', 'TryonAPI', undefined, 'TryonAPI’s documentation names no API host (its examples use https://your-domain.com); set it to the host your TryonAPI dashboard gives.');
    const apiKey = requireEnv(env, 'TRYONAPI_API_KEY', 'TryonAPI');
    const upstream = upstreamFor(env, context, options, {
      provider: 'TryonAPI',
      baseUrl,
      secrets: () => [apiKey],
      authHint: 'TryonAPI refused the API key: check TRYONAPI_API_KEY (and TRYONAPI_BASE_URL).',
      mapError,
      messageOf: providerMessage,
    });
    const client = new TryonApiClient(upstream, apiKey);

    return {
      name: 'tryonapi',
      maxGarments: 1,
      async submit(request, signal) {
        checkCategory(request.category);
        const body = await client.submit(request.person, request.garments[0]!, signal);
        const upstreamId = upstream.read(body, readJobId, 'POST /api/v1/tryon', 'no jobId', 202);
        return { upstreamId };
      },
      watch(upstreamId, signal) {
        return watchJob({
          upstream,
          upstreamId,
          signal,
          poll: async (pollSignal) => {
            const body = await client.status(upstreamId, pollSignal);
            const state = upstream.read(body, readStatus, 'GET /api/v1/tryon/status/{jobId}', 'no status');
            return state;
          },
          fetchResult: async (result, fetchSignal) => ('base64' in result ? imageFromBase64(result.base64, 'TryonAPI imageBase64') : client.image(result.url, fetchSignal)),
        });
      },
    };
  };
}

export const tryonApiFactory: ProviderFactory = createTryonApiFactory();
