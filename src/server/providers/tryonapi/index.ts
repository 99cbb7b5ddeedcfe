/**
 * The TryonAPI adapter: multipart upload of the two photos, a polled job, the result as
 * `imageBase64` or `imageUrl`, and every documented `errorCode` mapped to shopper words.
 */
import { defineProvider } from '../define.js';
import { baseUrl, required } from '../settings.js';
import { imageFromBase64 } from '../upstream/image-bytes.js';
import { watchJob } from '../upstream/watch.js';
import { TryonApiClient } from './client.js';
import { checkCategory, mapError, providerMessage, readJobId, readStatus } from './mapping.js';

export const tryonapi = defineProvider({
  name: 'tryonapi',
  label: 'TryonAPI',
  summary: 'API key; multipart upload of both photos; polled; result as base64 or a URL.',
  settings: {
    baseUrl: baseUrl('TRYONAPI_BASE_URL', 'The API host your TryonAPI dashboard gives.', {
      whyRequired: 'TryonAPI’s documentation names no API host (its examples use https://your-domain.com); set it to the host your TryonAPI dashboard gives.',
    }),
    apiKey: required('TRYONAPI_API_KEY', 'API key (sent as a Bearer token).'),
  },
  create({ baseUrl, apiKey }, { connect }) {
    const upstream = connect({
      baseUrl,
      secrets: () => [apiKey],
      authHint: 'TryonAPI refused the API key: check TRYONAPI_API_KEY (and TRYONAPI_BASE_URL).',
      mapError,
      messageOf: providerMessage,
    });
    const client = new TryonApiClient(upstream, apiKey);

    return {
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
          poll: async (pollSignal) => upstream.read(await client.status(upstreamId, pollSignal), readStatus, 'GET /api/v1/tryon/status/{jobId}', 'no status'),
          fetchResult: async (result, fetchSignal) => ('base64' in result ? imageFromBase64(result.base64, 'TryonAPI imageBase64') : client.image(result.url, fetchSignal)),
        });
      },
    };
  },
});
