/**
 * The Miraflow adapter: person and garment uploaded as media, an image-to-image edit job
 * with both as references and a try-on prompt built from the category, polled until it
 * has a `downloadUrl`.
 */
import { defineProvider } from '../define.js';
import { baseUrl, required } from '../settings.js';
import { ProviderError } from '../types.js';
import { allOrNothing, watchJob } from '../upstream/watch.js';
import { MiraflowClient } from './client.js';
import { EDIT_PATH, editBody, mapError, providerMessage, readImageJob, readJobStart } from './mapping.js';

export const MIRAFLOW_DEFAULT_BASE_URL = 'https://miraflow.ai';

export const miraflow = defineProvider({
  name: 'miraflow',
  label: 'Miraflow',
  summary: 'API key; both images uploaded as media, then an image edit job; polled.',
  settings: {
    baseUrl: baseUrl('MIRAFLOW_BASE_URL', 'Miraflow API base URL.', { fallback: MIRAFLOW_DEFAULT_BASE_URL }),
    apiKey: required('MIRAFLOW_API_KEY', 'API key from the Miraflow dashboard.'),
  },
  create({ baseUrl, apiKey }, { connect }) {
    const upstream = connect({
      baseUrl,
      secrets: () => [apiKey],
      authHint: 'Miraflow refused the API key: check MIRAFLOW_API_KEY (and MIRAFLOW_BASE_URL).',
      mapError,
      messageOf: providerMessage,
    });
    const client = new MiraflowClient(upstream, apiKey);

    return {
      maxGarments: 1,
      async submit(request, signal) {
        const [person, garment] = await allOrNothing(signal, [
          (uploadSignal) => client.upload(request.person, 'person', uploadSignal),
          (uploadSignal) => client.upload(request.garments[0]!, 'garment', uploadSignal),
        ]);
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
          poll: async (pollSignal) => upstream.read(await client.job(upstreamId, pollSignal), readImageJob, 'GET /api/image/{jobId}', 'neither a status nor a downloadUrl'),
          fetchResult: (url, fetchSignal) => client.image(url, fetchSignal),
        });
      },
    };
  },
});
