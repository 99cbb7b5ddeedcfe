/**
 * The Miraflow adapter: person and garment uploaded as media, an image-to-image edit job
 * with both as references and a try-on prompt built from the category, polled until it
 * has a `downloadUrl`.
 *
 * Environment: MIRAFLOW_BASE_URL (default https://miraflow.ai), MIRAFLOW_API_KEY.
 */
import { ProviderError, type ProviderAdapter, type ProviderFactory } from '../types.js';
import { upstreamFor, allOrNothing, baseUrlFromEnv, requireEnv, watchJob, type ProviderOptions } from '../upstream.js';
import { MiraflowClient } from './client.js';
import { EDIT_PATH, editBody, mapError, providerMessage, readImageJob, readJobStart } from './mapping.js';

export const MIRAFLOW_DEFAULT_BASE_URL = 'https://miraflow.ai';

export function createMiraflowFactory(options: ProviderOptions = {}): ProviderFactory {
  return (env, context): ProviderAdapter => {
    const baseUrl = baseUrlFromEnv(env, 'MIRAFLOW_BASE_URL', 'Miraflow', MIRAFLOW_DEFAULT_BASE_URL);
    const apiKey = requireEnv(env, 'MIRAFLOW_API_KEY', 'Miraflow');
    const upstream = upstreamFor(env, context, options, {
      provider: 'Miraflow',
      baseUrl,
      secrets: () => [apiKey],
      authHint: 'Miraflow refused the API key: check MIRAFLOW_API_KEY (and MIRAFLOW_BASE_URL).',
      mapError,
      messageOf: providerMessage,
    });
    const client = new MiraflowClient(upstream, apiKey);

    return {
      name: 'miraflow',
      maxGarments: 1,
      async submit(request, signal) {
        const [person, garment] = await allOrNothing(signal, [(uploadSignal) => client.upload(request.person, 'person', uploadSignal), (uploadSignal) => client.upload(request.garments[0]!, 'garment', uploadSignal)]);
        const body = await client.edit(editBody(person!, garment!, request.category), signal);
        const started = upstream.read(body, readJobStart, `POST ${EDIT_PATH}`, 'no jobId');
        if ('error' in started) throw new ProviderError(upstream.clean(started.error));
        return { upstreamId: started.jobId };
      },
      watch(upstreamId, signal) {
        return watchJob({
          upstream,
          upstreamId,
          signal,
          poll: async (pollSignal) => {
            const body = await client.job(upstreamId, pollSignal);
            const state = upstream.read(body, readImageJob, 'GET /api/image/{jobId}', 'neither a status nor a downloadUrl');
            return state;
          },
          fetchResult: (url, fetchSignal) => client.image(url, fetchSignal),
        });
      },
    };
  };
}

export const miraflowFactory: ProviderFactory = createMiraflowFactory();
