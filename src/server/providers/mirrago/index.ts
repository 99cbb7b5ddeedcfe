/**
 * The Mirrago adapter: OAuth client credentials, image URLs in (the proxy's expiring
 * public links), a polled job, the result image downloaded from Mirrago's CDN.
 *
 * Environment: MIRRAGO_BASE_URL (default https://api.mirrago.com), MIRRAGO_CLIENT_ID,
 * MIRRAGO_CLIENT_SECRET, and FITTING_ROOM_PUBLIC_URL (Mirrago only takes image URLs).
 */
import { ProviderError, type ProviderAdapter, type ProviderFactory } from '../types.js';
import { upstreamFor, baseUrlFromEnv, failure, requireEnv, watchJob, type ProviderOptions } from '../upstream.js';
import { MirragoClient } from './client.js';
import { checkCategory, generateRequest, mapError, providerMessage, readJob, readJobId } from './mapping.js';

export const MIRRAGO_DEFAULT_BASE_URL = 'https://api.mirrago.com';

export function createMirragoFactory(options: ProviderOptions = {}): ProviderFactory {
  return (env, context): ProviderAdapter => {
    const baseUrl = baseUrlFromEnv(env, 'MIRRAGO_BASE_URL', 'Mirrago', MIRRAGO_DEFAULT_BASE_URL);
    const clientId = requireEnv(env, 'MIRRAGO_CLIENT_ID', 'Mirrago');
    const clientSecret = requireEnv(env, 'MIRRAGO_CLIENT_SECRET', 'Mirrago');
    if (!env.FITTING_ROOM_PUBLIC_URL?.trim()) {
      throw new Error('Mirrago needs FITTING_ROOM_PUBLIC_URL: it only accepts images by URL, so the proxy must be reachable from the internet at that address to serve the photo and garment to Mirrago.');
    }
    let client: MirragoClient | undefined;
    const upstream = upstreamFor(env, context, options, {
      provider: 'Mirrago',
      baseUrl,
      secrets: () => client?.secrets() ?? [clientSecret],
      authHint: 'Mirrago refused the credentials: check MIRRAGO_CLIENT_ID and MIRRAGO_CLIENT_SECRET (and MIRRAGO_BASE_URL).',
      mapError,
      messageOf: providerMessage,
    });
    client = new MirragoClient(upstream, { clientId, clientSecret });
    const mirrago = client;

    return {
      name: 'mirrago',
      maxGarments: 1,
      async submit(request, signal) {
        checkCategory(request.category);
        const person = request.person.publicUrl;
        const garment = request.garments[0]?.publicUrl;
        if (!person || !garment) {
          throw new ProviderError(failure('INTERNAL', false, { providerCode: 'NO_PUBLIC_URL', detail: 'Mirrago needs public image URLs but the request carries none (is FITTING_ROOM_PUBLIC_URL set for the proxy core?)' }));
        }
        const body = await mirrago.generate(generateRequest(person, garment), signal);
        const upstreamId = upstream.read(body, readJobId, 'POST /v1/mirrago/generate-image', 'no job_id');
        return { upstreamId };
      },
      watch(upstreamId, signal) {
        return watchJob({
          upstream,
          upstreamId,
          signal,
          poll: async (pollSignal) => {
            const body = await mirrago.job(upstreamId, pollSignal);
            const state = upstream.read(body, readJob, 'GET /v1/mirrago/job/{job_id}', 'no status');
            return state;
          },
          fetchResult: (url, fetchSignal) => mirrago.image(url, fetchSignal),
        });
      },
    };
  };
}

export const mirragoFactory: ProviderFactory = createMirragoFactory();
