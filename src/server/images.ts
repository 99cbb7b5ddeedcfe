import sharp, { type Sharp } from 'sharp';
import { sniffImageFormat } from '../photo/sniff.js';
import { ApiError } from './errors.js';

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

/**
 * Validates and strips one image. The proxy takes it as a dependency so the app itself
 * needs no image library: Node uses `cleanImage` (sharp); other runtimes bring their own.
 */
export type ImageCleaner = (bytes: Uint8Array, limits: ImageLimits, role: ImageRole) => Promise<CleanImage>;

const CONTENT_TYPES = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' } as const;
type UploadFormat = keyof typeof CONTENT_TYPES;

/** Which image is being checked, so each failure names the right thing and code. */
export type ImageRole = 'person' | 'garment' | 'result';

const DESCRIPTION: Record<ImageRole, string> = { person: 'The photo', garment: 'The garment image', result: 'The provider’s result image' };

/**
 * Validates an uploaded, fetched or provider-made image and re-encodes it without metadata. The checks
 * run cheapest first: byte length, magic bytes, then the pixel count from the header,
 * all before the one full decode. Re-encoding applies the EXIF orientation and drops
 * EXIF, XMP, ICC comments and GPS, so nothing but pixels ever leaves the proxy.
 */
export const cleanImage: ImageCleaner = async (bytes, limits, role) => {
  const what = DESCRIPTION[role];
  if (bytes.byteLength === 0) throw new ApiError('EMPTY_IMAGE', `${what} is empty (0 bytes).`);
  if (bytes.byteLength > limits.maxBytes) {
    throw new ApiError('IMAGE_TOO_LARGE', `${what} is ${megabytes(bytes.byteLength)}; the limit is ${megabytes(limits.maxBytes)}.`);
  }
  const sniffed = sniffImageFormat(bytes.subarray(0, 32));
  // The widget decodes HEIC/AVIF on the device; the proxy and providers take these three only.
  const format = sniffed && sniffed in CONTENT_TYPES ? (sniffed as UploadFormat) : undefined;
  if (!format) throw new ApiError('UNSUPPORTED_IMAGE_TYPE', `${what} is not a JPEG, PNG or WebP image.`);

  let width: number;
  let height: number;
  try {
    // Reads the header only: a 50 000 × 50 000 PNG of a few kilobytes is refused here, undecoded.
    ({ width = 0, height = 0 } = await sharp(bytes, { limitInputPixels: false }).metadata());
  } catch {
    throw unreadable(role, what);
  }
  if (!width || !height) throw unreadable(role, what);
  if (width * height > limits.maxPixels) {
    throw new ApiError('IMAGE_TOO_MANY_PIXELS', `${what} has ${(width * height / 1e6).toFixed(0)} megapixels; the limit is ${limits.maxPixels / 1e6}.`);
  }

  try {
    const { data, info } = await reencode(sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'error' }).rotate(), format).toBuffer({ resolveWithObject: true });
    return { bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), contentType: CONTENT_TYPES[format], width: info.width, height: info.height };
  } catch {
    throw unreadable(role, what);
  }
};

function reencode(image: Sharp, format: UploadFormat): Sharp {
  // sharp writes no metadata unless asked (withMetadata), which is exactly what we want.
  if (format === 'png') return image.png({ compressionLevel: 8 });
  if (format === 'webp') return image.webp({ quality: 90 });
  return image.jpeg({ quality: 90, mozjpeg: true });
}

const UNREADABLE_CODE = { person: 'IMAGE_UNREADABLE', garment: 'GARMENT_UNREADABLE', result: 'PROVIDER_ERROR' } as const;

const unreadable = (role: ImageRole, what: string) => new ApiError(UNREADABLE_CODE[role], `${what} could not be decoded; the file may be damaged.`);

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
