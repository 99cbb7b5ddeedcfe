import { planFrame } from './plan-frame.js';
import { PhotoError } from './photo-error.js';
import { ANALYSIS_LONG_SIDE, greyStats, judgePhoto, type GreyStats, type PhotoCheck } from './preflight.js';
import { sniffImageFormat, type ImageFormat } from './sniff.js';

export { PhotoError, type PhotoErrorCode } from './photo-error.js';

export interface PreparedPhoto {
  blob: Blob;
  width: number;
  height: number;
  /** The preflight's findings about the original photo, most important first. */
  checks: PhotoCheck[];
  stats: GreyStats;
  /** Milliseconds spent decoding, analysing and encoding. */
  timings: { decode: number; analyse: number; encode: number };
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
 * On the way it runs the preflight checks on a small grey copy of the same frame.
 *
 * Runs in the photo worker (photo.worker.ts) or, where workers can't, on the main thread.
 */
export async function preparePhoto(file: Blob, { maxLongSide = 1024, quality = 0.85 }: PrepareOptions = {}): Promise<PreparedPhoto> {
  if (file.size === 0) throw new PhotoError('EMPTY_IMAGE');
  if (file.size > MAX_INPUT_BYTES) throw new PhotoError('IMAGE_TOO_LARGE');
  const format = sniffImageFormat(new Uint8Array(await file.slice(0, 16).arrayBuffer()));
  if (!format) throw new PhotoError('UNSUPPORTED_IMAGE_TYPE');

  const started = performance.now();
  const bitmap = await decode(file, format);
  const decoded = performance.now();
  try {
    const plan = planFrame(bitmap.width, bitmap.height, maxLongSide);
    const scale = ANALYSIS_LONG_SIDE / Math.max(plan.sw, plan.sh);
    const small = new OffscreenCanvas(Math.max(3, Math.round(plan.sw * scale)), Math.max(3, Math.round(plan.sh * scale)));
    const smallContext = small.getContext('2d', { willReadFrequently: true })!;
    onWhite(smallContext, small.width, small.height);
    smallContext.drawImage(bitmap, plan.sx, plan.sy, plan.sw, plan.sh, 0, 0, small.width, small.height);
    const stats = greyStats(smallContext.getImageData(0, 0, small.width, small.height).data, small.width, small.height);
    const checks = judgePhoto(bitmap.width, bitmap.height, stats);
    const analysed = performance.now();

    const canvas = new OffscreenCanvas(plan.width, plan.height);
    const context = canvas.getContext('2d', { alpha: false })!;
    context.imageSmoothingQuality = 'high';
    onWhite(context, plan.width, plan.height);
    context.drawImage(bitmap, plan.sx, plan.sy, plan.sw, plan.sh, 0, 0, plan.width, plan.height);
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality });
    const encoded = performance.now();
    return {
      blob,
      width: plan.width,
      height: plan.height,
      checks,
      stats,
      timings: { decode: decoded - started, analyse: analysed - decoded, encode: encoded - analysed },
    };
  } finally {
    bitmap.close();
  }
}

/**
 * The browser's own decoder first (Safari decodes HEIC itself); for a HEIC photo it can't
 * decode, libheif compiled to WebAssembly, loaded only now, from our own origin.
 */
async function decode(file: Blob, format: ImageFormat): Promise<ImageBitmap> {
  try {
    return await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    if (format !== 'heic') throw new PhotoError('IMAGE_UNREADABLE');
  }
  try {
    const { decodeHeic } = await import('./heic.js');
    return await decodeHeic(file);
  } catch (error) {
    console.warn('[fitting-room] HEIC decoding failed', error);
    throw new PhotoError('HEIC_UNSUPPORTED');
  }
}

/** A cut-out (transparent) photo goes on white, as a shop would show it: an opaque canvas starts black. */
function onWhite(context: OffscreenCanvasRenderingContext2D, width: number, height: number) {
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width, height);
}
