/**
 * The Mirrago adapter: OAuth client credentials, image URLs in (the proxy's expiring
 * public links), a polled job, the result image downloaded from Mirrago's CDN.
 */
import { defineProvider } from '../define.js';
import { baseUrl, required } from '../settings.js';
import { ProviderError } from '../types.js';
import { failure } from '../upstream/failures.js';
import { watchJob } from '../upstream/watch.js';
import { MirragoClient } from './client.js';
import { checkCategory, generateRequest, mapError, providerMessage, readJob, readJobId } from './mapping.js';

export const MIRRAGO_DEFAULT_BASE_URL = 'https://api.mirrago.com';

export const mirrago = defineProvider({
  name: 'mirrago',
  label: 'Mirrago',
  summary: 'OAuth client credentials; fetches the photo and garment from the proxy by URL; polled.',
  settings: {
    baseUrl: baseUrl('MIRRAGO_BASE_URL', 'Mirrago API base URL.', { fallback: MIRRAGO_DEFAULT_BASE_URL }),
    clientId: required('MIRRAGO_CLIENT_ID', 'OAuth client id from the Mirrago dashboard.'),
    clientSecret: required('MIRRAGO_CLIENT_SECRET', 'OAuth client secret from the Mirrago dashboard.'),
    publicUrl: required(
      'FITTING_ROOM_PUBLIC_URL',
      'The proxy’s public base URL: Mirrago fetches the images from it.',
      () =>
        'Mirrago needs FITTING_ROOM_PUBLIC_URL: it only accepts images by URL, so the proxy must be reachable from the internet at that address to serve the photo and garment to Mirrago.',
    ),
  },
  create({ baseUrl, clientId, clientSecret }, { connect }) {
    let client: MirragoClient | undefined;
    const upstream = connect({
      baseUrl,
      secrets: () => client?.secrets() ?? [clientSecret],
      authHint: 'Mirrago refused the credentials: check MIRRAGO_CLIENT_ID and MIRRAGO_CLIENT_SECRET (and MIRRAGO_BASE_URL).',
      mapError,
      messageOf: providerMessage,
    });
    client = new MirragoClient(upstream, { clientId, clientSecret });
    const mirrago = client;

    return {
      maxGarments: 1,
      async submit(request, signal) {
        checkCategory(request.category);
        const person = request.person.publicUrl;
        const garment = request.garments[0]?.publicUrl;
        if (!person || !garment) {
          throw new ProviderError(
            failure('INTERNAL', false, {
              providerCode: 'NO_PUBLIC_URL',
              detail: 'Mirrago needs public image URLs but the request carries none (is FITTING_ROOM_PUBLIC_URL set for the proxy core?)',
            }),
          );
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
          poll: async (pollSignal) => upstream.read(await mirrago.job(upstreamId, pollSignal), readJob, 'GET /v1/mirrago/job/{job_id}', 'no status'),
          fetchResult: (url, fetchSignal) => mirrago.image(url, fetchSignal),
        });
      },
    };
  },
});
