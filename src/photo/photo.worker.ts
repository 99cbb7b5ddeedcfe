/**
 * The photo worker: decoding a 12 MP photo, the preflight analysis and the JPEG encode take
 * hundreds of milliseconds, so they run here, off the main thread. Built by Vite as its own
 * file next to the widget's chunks (same origin, so `worker-src 'self'` allows it).
 */
import { PhotoError } from './photo-error.js';
import { preparePhoto } from './prepare-photo.js';

export interface PhotoRequest {
  id: number;
  file: Blob;
}

addEventListener('message', async (event: MessageEvent<PhotoRequest>) => {
  const { id, file } = event.data;
  try {
    postMessage({ id, photo: await preparePhoto(file) });
  } catch (error) {
    postMessage({ id, error: error instanceof PhotoError ? error.code : 'IMAGE_UNREADABLE', message: String(error) });
  }
});
