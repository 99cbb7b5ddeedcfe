import { sniffImageFormat } from '../photo/sniff.js';
import { ApiError } from './errors.js';

/**
 * What every image cleaner shares, whatever does the image work: the types, the checks that
 * need no image library (size, magic bytes, pixel count), and the wording of each failure.
 * `images.ts` (sharp, Node) and `images-portable.ts` (plain TypeScript, edge runtimes) both
 * build on it, so a shopper gets the same error from either.
 */

export interface ImageLimits {
  maxBytes: number;
  maxPixels: number;
}

export interface CleanImage {
  bytes: Uint8Array;
  contentType: 'image/jpeg' | 'image/png' | 'image/webp';
  width: number;
  height: number;
}

/** Which image is being checked, so each failure names the right thing and code. */
export type ImageRole = 'person' | 'garment' | 'result';

/**
 * Validates and strips one image. The proxy takes it as a dependency so the app itself
 * needs no image library: Node uses `cleanImage` (sharp); edge runtimes `cleanImagePortable`.
 */
export type ImageCleaner = (bytes: Uint8Array, limits: ImageLimits, role: ImageRole, options?: CleanOptions) => Promise<CleanImage>;

/** Pixels drawn over the image at a place (the results' visible AI mark). */
export interface Overlay {
  input: Uint8Array;
  left: number;
  top: number;
}

export interface CleanOptions {
  /**
   * What to draw into the pixels, given the upright size, while they are re-encoded anyway (one
   * decode, one encode). A cleaner that does not decode (the edge's) draws nothing.
   */
  overlay?: (width: number, height: number) => Overlay;
}

export const CONTENT_TYPES = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' } as const;
export type UploadFormat = keyof typeof CONTENT_TYPES;

const DESCRIPTION: Record<ImageRole, string> = { person: 'The photo', garment: 'The garment image', result: 'The provider’s result image' };

/** The checks before any parsing: not empty, not too large, and by its magic bytes a JPEG, PNG or WebP. */
export function checkUpload(bytes: Uint8Array, limits: ImageLimits, role: ImageRole): UploadFormat {
  const what = DESCRIPTION[role];
  if (bytes.byteLength === 0) throw new ApiError('EMPTY_IMAGE', `${what} is empty (0 bytes).`);
  if (bytes.byteLength > limits.maxBytes) {
    throw new ApiError('IMAGE_TOO_LARGE', `${what} is ${megabytes(bytes.byteLength)}; the limit is ${megabytes(limits.maxBytes)}.`);
  }
  const sniffed = sniffImageFormat(bytes.subarray(0, 32));
  // The widget decodes HEIC/AVIF on the device; the proxy and providers take these three only.
  if (!sniffed || !(sniffed in CONTENT_TYPES)) throw new ApiError('UNSUPPORTED_IMAGE_TYPE', `${what} is not a JPEG, PNG or WebP image.`);
  return sniffed as UploadFormat;
}

/** The pixel limit, from the header's dimensions: a 50 000 × 50 000 PNG of a few kilobytes is refused undecoded. */
export function checkPixels(width: number, height: number, limits: ImageLimits, role: ImageRole) {
  if (!width || !height) throw unreadable(role);
  if (width * height > limits.maxPixels) {
    throw new ApiError('IMAGE_TOO_MANY_PIXELS', `${DESCRIPTION[role]} has ${((width * height) / 1e6).toFixed(0)} megapixels; the limit is ${limits.maxPixels / 1e6}.`);
  }
}

const UNREADABLE_CODE = { person: 'IMAGE_UNREADABLE', garment: 'GARMENT_UNREADABLE', result: 'PROVIDER_ERROR' } as const;

/** The image cannot be used: damaged, or (`reason`) in a form this proxy does not take. */
export const unreadable = (role: ImageRole, reason = 'could not be decoded; the file may be damaged.') => new ApiError(UNREADABLE_CODE[role], `${DESCRIPTION[role]} ${reason}`);

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
