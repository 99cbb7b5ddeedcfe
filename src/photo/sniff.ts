export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'heic' | 'avif';

/** ISO-BMFF brands of HEIF files as phones write them (HEVC stills, sequences and the generic image brand). */
const HEIF_BRANDS = ['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'];

/**
 * Identifies JPEG, PNG, WebP, GIF, HEIC and AVIF by their first bytes: the one sniffer of the
 * widget and the proxy. File names and MIME types lie (a PDF renamed to .jpg says image/jpeg),
 * magic bytes do not.
 */
export function sniffImageFormat(head: Uint8Array): ImageFormat | undefined {
  const at = (offset: number, ...bytes: number[]) => bytes.every((byte, i) => head[offset + i] === byte);
  if (at(0, 0xff, 0xd8, 0xff)) return 'jpeg';
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'webp';
  if (at(0, 0x47, 0x49, 0x46, 0x38)) return 'gif';
  // ISO-BMFF: [size][ftyp][major brand]
  if (at(4, 0x66, 0x74, 0x79, 0x70)) {
    const brand = String.fromCharCode(...head.subarray(8, 12));
    if (brand === 'avif' || brand === 'avis') return 'avif';
    if (HEIF_BRANDS.includes(brand)) return 'heic';
  }
  return undefined;
}
