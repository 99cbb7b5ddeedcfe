import sharp, { type Sharp } from 'sharp';
import { CONTENT_TYPES, checkPixels, checkUpload, unreadable, type ImageCleaner, type UploadFormat } from './image-checks.js';

export type { CleanImage, CleanOptions, ImageCleaner, ImageLimits, ImageRole, Overlay } from './image-checks.js';

/**
 * Validates an uploaded, fetched or provider-made image and re-encodes it without metadata. The checks
 * run cheapest first: byte length, magic bytes, then the pixel count from the header,
 * all before the one full decode. Re-encoding applies the EXIF orientation and drops
 * EXIF, XMP, ICC comments and GPS, so nothing but pixels ever leaves the proxy.
 * (Edge runtimes have no sharp: they use `cleanImagePortable`, images-portable.ts.)
 */
export const cleanImage: ImageCleaner = async (bytes, limits, role, options = {}) => {
  const format = checkUpload(bytes, limits, role);

  let width: number;
  let height: number;
  let orientation: number | undefined;
  try {
    // Reads the header only: a 50 000 × 50 000 PNG of a few kilobytes is refused here, undecoded.
    ({ width = 0, height = 0, orientation } = await sharp(bytes, { limitInputPixels: false }).metadata());
  } catch {
    throw unreadable(role);
  }
  checkPixels(width, height, limits, role);

  try {
    let image = sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'error' }).rotate();
    // EXIF orientations 5–8 turn the image a quarter: the overlay is placed on the upright size.
    const overlay = options.overlay && ((orientation ?? 1) >= 5 ? options.overlay(height, width) : options.overlay(width, height));
    if (overlay) image = image.composite([{ ...overlay, input: Buffer.from(overlay.input.buffer, overlay.input.byteOffset, overlay.input.byteLength) }]);
    const { data, info } = await reencode(image, format).toBuffer({ resolveWithObject: true });
    return { bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), contentType: CONTENT_TYPES[format], width: info.width, height: info.height };
  } catch {
    throw unreadable(role);
  }
};

function reencode(image: Sharp, format: UploadFormat): Sharp {
  // sharp writes no metadata unless asked (withMetadata), which is exactly what we want.
  if (format === 'png') return image.png({ compressionLevel: 8 });
  if (format === 'webp') return image.webp({ quality: 90 });
  return image.jpeg({ quality: 90, mozjpeg: true });
}
