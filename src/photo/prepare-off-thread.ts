import { PhotoError, type PhotoErrorCode } from './photo-error.js';
import type { PreparedPhoto } from './prepare-photo.js';

let worker: Worker | undefined;
/** Set once the worker could not start (old browser, cross-origin script, CSP): later photos go straight to the fallback. */
let unavailable = typeof Worker === 'undefined' || typeof OffscreenCanvas === 'undefined';
let nextId = 0;
const pending = new Map<number, { resolve(photo: PreparedPhoto): void; reject(error: unknown): void }>();

/**
 * Prepares a photo in the photo worker; where a worker can't run, on the main thread with
 * the same code (a lazy chunk). The shopper's photo never leaves the device here.
 */
export async function preparePhotoOffThread(file: Blob): Promise<PreparedPhoto> {
  if (!unavailable) {
    try {
      return await viaWorker(file);
    } catch (error) {
      if (error instanceof PhotoError) throw error;
      unavailable = true;
    }
  }
  const { preparePhoto } = await import('./prepare-photo.js');
  return preparePhoto(file);
}

function viaWorker(file: Blob): Promise<PreparedPhoto> {
  if (!worker) {
    // Throws synchronously when the widget's script is on another origin (a CDN).
    worker = new Worker(new URL('./photo.worker.ts', import.meta.url), { type: 'module', name: 'fitting-room-photo' });
    worker.onmessage = ({ data }: MessageEvent<{ id: number; photo?: PreparedPhoto; error?: PhotoErrorCode }>) => {
      const request = pending.get(data.id);
      pending.delete(data.id);
      if (data.photo) request?.resolve(data.photo);
      else request?.reject(new PhotoError(data.error!));
    };
    // A worker blocked by CSP or failing to load reports here, not in the constructor.
    worker.onerror = (event) => {
      event.preventDefault();
      worker?.terminate();
      worker = undefined;
      for (const request of pending.values()) request.reject(new Error('photo worker failed'));
      pending.clear();
    };
  }
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker!.postMessage({ id, file });
  });
}
