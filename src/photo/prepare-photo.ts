import { planFrame } from './plan-frame.js';
import { sniffImageFormat } from './sniff.js';

export type PhotoErrorCode = 'EMPTY_IMAGE' | 'UNSUPPORTED_IMAGE_TYPE' | 'IMAGE_UNREADABLE' | 'IMAGE_TOO_LARGE';

export class PhotoError extends Error {
  constructor(readonly code: PhotoErrorCode) {
    super(code);
    this.name = 'PhotoError';
  }
}

export interface PreparedPhoto {
  blob: Blob;
  width: number;
  height: number;
}

export interface PrepareOptions {
  maxLongSide?: number;
  quality?: number;
}

/** Phones shoot up to ~50 MP; anything bigger than this is not a photo of a person. */
const MAX_INPUT_BYTES = 40 * 1024 * 1024;

/**
 * Turns whatever the shopper picked into the one image that is uploaded: upright (EXIF
 * orientation applied by the decoder), cropped to a portrait where needed, long side at
 * most 1024 px, encoded once as JPEG ≈0.85. Re-encoding through a canvas also drops every
 * byte of metadata (GPS, camera, thumbnails), so the original file never leaves the device.
 */
export async function preparePhoto(file: Blob, { maxLongSide = 1024, quality = 0.85 }: PrepareOptions = {}): Promise<PreparedPhoto> {
  if (file.size === 0) throw new PhotoError('EMPTY_IMAGE');
  if (file.size > MAX_INPUT_BYTES) throw new PhotoError('IMAGE_TOO_LARGE');
  if (!sniffImageFormat(new Uint8Array(await file.slice(0, 16).arrayBuffer()))) throw new PhotoError('UNSUPPORTED_IMAGE_TYPE');

  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    throw new PhotoError('IMAGE_UNREADABLE');
  }
  try {
    const plan = planFrame(bitmap.width, bitmap.height, maxLongSide);
    const canvas = new OffscreenCanvas(plan.width, plan.height);
    const context = canvas.getContext('2d', { alpha: false })!;
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, plan.sx, plan.sy, plan.sw, plan.sh, 0, 0, plan.width, plan.height);
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality });
    return { blob, width: plan.width, height: plan.height };
  } finally {
    bitmap.close();
  }
}
