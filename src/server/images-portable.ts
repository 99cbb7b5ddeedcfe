import { CONTENT_TYPES, checkPixels, checkUpload, unreadable, type ImageCleaner, type UploadFormat } from './image-checks.js';

/**
 * The image cleaner for runtimes without sharp (Cloudflare Workers, Deno, Bun): plain
 * TypeScript, no dependency, no decode. It runs the same checks as `cleanImage` (size, magic
 * bytes, pixels read from the header) and then removes metadata *losslessly*, by copying the
 * file's structure without the parts that carry it:
 *
 * - JPEG: drops APP1 (EXIF, XMP), APP3–APP13, APP15, COM, non-ICC APP2 (MPF, FlashPix) and
 *   every byte after EOI (phones append depth maps, gain maps and second images there). Keeps
 *   the frame, tables and scans, JFIF (rewritten without its thumbnail), APP14/Adobe (needed
 *   to decode CMYK/YCCK colour) and the ICC profile: without sharp there is no conversion to
 *   sRGB, so dropping the profile would change the colours.
 * - PNG: keeps the chunks needed to draw the image (IHDR, PLTE, IDAT, IEND, transparency,
 *   colour space, animation) and drops all others: tEXt, zTXt, iTXt, eXIf, tIME and any
 *   private chunk. Every chunk's CRC is checked.
 * - WebP: keeps the image, alpha, ICC and animation chunks, drops EXIF, XMP and unknown ones,
 *   and clears the EXIF and XMP flags of VP8X.
 *
 * Orientation: sharp rotates the pixels upright; this cleaner cannot without decoding. A JPEG
 * whose EXIF orientation is not 1 would show sideways once its EXIF is gone, and most try-on
 * models ignore EXIF anyway, so it is refused with IMAGE_UNREADABLE (GARMENT_UNREADABLE for a
 * garment) and a message that says why. The widget always uploads upright JPEGs without EXIF.
 *
 * Not decoding means damage inside the compressed data goes unnoticed here (a broken scan
 * decodes to grey); the structure around it is checked strictly.
 */
export const cleanImagePortable: ImageCleaner = async (bytes, limits, role) => {
  const format = checkUpload(bytes, limits, role);
  const parser = PARSERS[format];
  try {
    const { width, height } = parser.size(bytes);
    checkPixels(width, height, limits, role);
    return { bytes: parser.strip(bytes), contentType: CONTENT_TYPES[format], width, height };
  } catch (error) {
    if (error instanceof Rotated) throw unreadable(role, `is stored rotated (EXIF orientation ${error.orientation}); send it upright, without EXIF orientation.`);
    if (error instanceof Malformed) throw unreadable(role);
    throw error;
  }
};

/** The file's structure is broken (the message says where, for debugging; never shown). */
class Malformed extends Error {}

class Rotated extends Error {
  constructor(readonly orientation: number) {
    super(`EXIF orientation ${orientation}`);
  }
}

interface Parser {
  /** Width and height from the header, before anything else is read. */
  size(bytes: Uint8Array): { width: number; height: number };
  /** The same image without metadata; throws `Malformed` on a broken structure. */
  strip(bytes: Uint8Array): Uint8Array;
}

// ---------------------------------------------------------------------------------------
// Byte helpers
// ---------------------------------------------------------------------------------------

function need(bytes: Uint8Array, end: number, what: string) {
  if (end > bytes.length) throw new Malformed(`${what}: truncated`);
}
const u16be = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;
const u32be = (b: Uint8Array, at: number) => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
const u16le = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8);
const u24le = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);
const u32le = (b: Uint8Array, at: number) => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
const ascii = (b: Uint8Array, at: number, length: number) => String.fromCharCode(...b.subarray(at, at + length));

/** The parts one after the other in one new array. */
export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// JPEG
// ---------------------------------------------------------------------------------------

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const APP0 = 0xe0;
const APP1 = 0xe1;
const APP2 = 0xe2;
const APP14 = 0xee;
/** Start-of-frame markers (baseline, extended, progressive, lossless, arithmetic); not DHT C4, JPG C8, DAC CC. */
const isFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
/** Tables and markers the decoder needs besides frames and scans: DHT, DAC, DQT, DNL, DRI. */
const JPEG_TABLES = new Set([0xc4, 0xcc, 0xdb, 0xdc, 0xdd]);
/** Markers that stand alone, without a length: RST0–7 and TEM. */
const isStandalone = (marker: number) => (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01;

interface JpegSegment {
  marker: number;
  /** The whole segment, marker and length included. */
  start: number;
  end: number;
}

/**
 * Walks a JPEG's marker segments from SOI, calling `visit` for each; the entropy-coded data
 * after each SOS is skipped (stuffed FF00 bytes and RST markers included). Stops after EOI,
 * or when `visit` returns false.
 */
function walkJpeg(bytes: Uint8Array, visit: (segment: JpegSegment, scanEnd?: number) => boolean | undefined) {
  if (bytes[0] !== 0xff || bytes[1] !== SOI) throw new Malformed('JPEG: no SOI');
  let at = 2;
  for (;;) {
    need(bytes, at + 2, 'JPEG marker');
    if (bytes[at] !== 0xff) throw new Malformed(`JPEG: expected a marker at ${at}`);
    while (bytes[at + 1] === 0xff) at++; // fill bytes before a marker
    need(bytes, at + 2, 'JPEG marker');
    const marker = bytes[at + 1]!;
    if (marker === EOI) return void visit({ marker, start: at, end: at + 2 });
    if (marker === SOI) throw new Malformed('JPEG: SOI inside the image');
    if (isStandalone(marker)) {
      if (visit({ marker, start: at, end: at + 2 }) === false) return;
      at += 2;
      continue;
    }
    need(bytes, at + 4, 'JPEG segment length');
    const length = u16be(bytes, at + 2);
    if (length < 2) throw new Malformed('JPEG: segment length below 2');
    const end = at + 2 + length;
    need(bytes, end, 'JPEG segment');
    if (marker !== SOS) {
      if (visit({ marker, start: at, end }) === false) return;
      at = end;
      continue;
    }
    // Entropy-coded data runs to the next marker that is not stuffing (FF00) or a restart (FFD0–D7).
    let scan = end;
    for (;;) {
      need(bytes, scan + 2, 'JPEG scan data');
      if (bytes[scan] === 0xff) {
        const next = bytes[scan + 1]!;
        if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) scan += 2;
        else if (next === 0xff) scan += 1;
        else break;
      } else scan += 1;
    }
    if (visit({ marker, start: at, end }, scan) === false) return;
    at = scan;
  }
}

function frameSize(bytes: Uint8Array, segment: JpegSegment) {
  if (segment.end - segment.start < 9) throw new Malformed('JPEG: short frame header');
  // FFCn, length(2), precision(1), height(2), width(2). A height of 0 (set later by DNL) is refused.
  return { height: u16be(bytes, segment.start + 5), width: u16be(bytes, segment.start + 7) };
}

/** The EXIF orientation in an APP1 segment, or undefined when it has none or cannot be read. */
function exifOrientation(bytes: Uint8Array, segment: JpegSegment): number | undefined {
  const tiff = segment.start + 10; // FFE1, length, "Exif\0\0"
  if (segment.end - segment.start < 18 || ascii(bytes, segment.start + 4, 6) !== 'Exif\0\0') return undefined;
  const order = ascii(bytes, tiff, 2);
  if (order !== 'II' && order !== 'MM') return undefined;
  const u16 = (at: number) => (order === 'II' ? u16le(bytes, at) : u16be(bytes, at));
  const u32 = (at: number) => (order === 'II' ? u32le(bytes, at) : u32be(bytes, at));
  const ifd = tiff + u32(tiff + 4);
  if (ifd + 2 > segment.end) return undefined;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > segment.end) return undefined;
    // Tag 0x0112 (Orientation), type SHORT: the value sits in the first two bytes of the value field.
    if (u16(entry) === 0x0112 && u16(entry + 2) === 3) return u16(entry + 8);
  }
  return undefined;
}

/** APP0 JFIF rebuilt with a 0 × 0 thumbnail: JFIF may embed one, and it is a copy of the photo. */
function jfifWithoutThumbnail(bytes: Uint8Array, segment: JpegSegment): Uint8Array | undefined {
  if (segment.end - segment.start < 18 || ascii(bytes, segment.start + 4, 5) !== 'JFIF\0') return undefined;
  const out = bytes.slice(segment.start, segment.start + 18);
  out[2] = 0;
  out[3] = 16; // length: "JFIF\0", version(2), units(1), densities(4), thumbnail size(2)
  out[16] = 0;
  out[17] = 0;
  return out;
}

const jpeg: Parser = {
  size(bytes) {
    let size: { width: number; height: number } | undefined;
    walkJpeg(bytes, (segment) => {
      if (segment.marker === SOS) throw new Malformed('JPEG: scan before frame');
      if (!isFrame(segment.marker)) return true;
      size = frameSize(bytes, segment);
      return false;
    });
    if (!size) throw new Malformed('JPEG: no frame');
    return size;
  },
  strip(bytes) {
    const parts: Uint8Array[] = [bytes.subarray(0, 2)];
    let frame = false;
    let scans = 0;
    let ended = false;
    walkJpeg(bytes, (segment, scanEnd) => {
      const { marker, start, end } = segment;
      const keep = () => parts.push(bytes.subarray(start, scanEnd ?? end));
      if (marker === EOI) {
        ended = true;
        keep();
      } else if (marker === SOS) {
        if (!frame) throw new Malformed('JPEG: scan before frame');
        scans++;
        keep();
      } else if (isFrame(marker)) {
        if (frame) throw new Malformed('JPEG: second frame');
        frame = true;
        keep();
      } else if (JPEG_TABLES.has(marker) || isStandalone(marker)) {
        keep();
      } else if (marker === APP0) {
        const jfif = jfifWithoutThumbnail(bytes, segment);
        if (jfif) parts.push(jfif);
      } else if (marker === APP1) {
        const orientation = exifOrientation(bytes, segment);
        if (orientation !== undefined && orientation !== 1) throw new Rotated(orientation);
      } else if (marker === APP2) {
        if (end - start > 16 && ascii(bytes, start + 4, 12) === 'ICC_PROFILE\0') keep();
      } else if (marker === APP14) {
        if (end - start >= 16 && ascii(bytes, start + 4, 5) === 'Adobe') keep();
      }
      // Everything else goes: APP1 (EXIF, XMP), APP3–13, APP15, COM (FE), JPG extensions.
    });
    if (!ended || !scans) throw new Malformed('JPEG: no image data');
    return concat(parts);
  },
};

// ---------------------------------------------------------------------------------------
// PNG
// ---------------------------------------------------------------------------------------

const PNG_SIGNATURE_LENGTH = 8;
/**
 * Chunks needed to draw the image as it was: critical ones, transparency, colour space
 * (gamma, chromaticities, sRGB, ICC, cICP, HDR metadata), background, pixel size, bit
 * depths, and APNG animation. Every other chunk is dropped — text, EXIF, time, private.
 */
const PNG_KEEP = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND', 'tRNS', 'gAMA', 'cHRM', 'sRGB', 'iCCP', 'cICP', 'mDCV', 'cLLI', 'sBIT', 'bKGD', 'pHYs', 'acTL', 'fcTL', 'fdAT']);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO 3309), as PNG chunks carry it. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const png: Parser = {
  size(bytes) {
    // The signature, then IHDR first: length 13, "IHDR", width(4), height(4).
    need(bytes, 24, 'PNG header');
    if (u32be(bytes, 8) !== 13 || ascii(bytes, 12, 4) !== 'IHDR') throw new Malformed('PNG: IHDR is not first');
    return { width: u32be(bytes, 16), height: u32be(bytes, 20) };
  },
  strip(bytes) {
    const parts: Uint8Array[] = [bytes.subarray(0, PNG_SIGNATURE_LENGTH)];
    let at = PNG_SIGNATURE_LENGTH;
    let data = false;
    for (;;) {
      need(bytes, at + 12, 'PNG chunk');
      const length = u32be(bytes, at);
      const type = ascii(bytes, at + 4, 4);
      const end = at + 12 + length;
      if (length > 0x7fffffff || !/^[A-Za-z]{4}$/.test(type)) throw new Malformed(`PNG: bad chunk at ${at}`);
      need(bytes, end, `PNG ${type}`);
      if (crc32(bytes.subarray(at + 4, end - 4)) !== u32be(bytes, end - 4)) throw new Malformed(`PNG: ${type} CRC mismatch`);
      if (PNG_KEEP.has(type)) parts.push(bytes.subarray(at, end));
      // An unknown critical chunk (upper-case first letter) means we cannot know the image is drawable.
      else if (type.charCodeAt(0) < 0x61) throw new Malformed(`PNG: unknown critical chunk ${type}`);
      if (type === 'IDAT') data = true;
      if (type === 'IEND') break; // anything after IEND is not part of the image
      at = end;
    }
    if (!data) throw new Malformed('PNG: no IDAT');
    return concat(parts);
  },
};

// ---------------------------------------------------------------------------------------
// WebP
// ---------------------------------------------------------------------------------------

const VP8X_EXIF = 0x08;
const VP8X_XMP = 0x04;
const WEBP_KEEP = new Set(['VP8 ', 'VP8L', 'VP8X', 'ALPH', 'ICCP', 'ANIM', 'ANMF']);

interface RiffChunk {
  fourcc: string;
  /** Payload start and end (the padding byte of an odd-sized chunk excluded). */
  data: number;
  end: number;
}

function riffChunks(bytes: Uint8Array): RiffChunk[] {
  need(bytes, 12, 'WebP header');
  const riffEnd = 8 + u32le(bytes, 4);
  need(bytes, riffEnd, 'WebP RIFF');
  const chunks: RiffChunk[] = [];
  for (let at = 12; at < riffEnd; ) {
    need(bytes, at + 8, 'WebP chunk');
    const size = u32le(bytes, at + 4);
    const end = at + 8 + size;
    if (end > riffEnd) throw new Malformed('WebP: chunk past the RIFF end');
    chunks.push({ fourcc: ascii(bytes, at, 4), data: at + 8, end });
    at = end + (size & 1);
  }
  if (!chunks.length) throw new Malformed('WebP: no chunks');
  return chunks;
}

function webpSize(bytes: Uint8Array, chunk: RiffChunk): { width: number; height: number } {
  const { fourcc, data, end } = chunk;
  if (fourcc === 'VP8X') {
    if (end - data < 10) throw new Malformed('WebP: short VP8X');
    return { width: 1 + u24le(bytes, data + 4), height: 1 + u24le(bytes, data + 7) };
  }
  if (fourcc === 'VP8 ') {
    // Frame tag(3), start code 9D 01 2A, then 14-bit width and height (2 bits of scale above).
    if (end - data < 10 || bytes[data + 3] !== 0x9d || bytes[data + 4] !== 0x01 || bytes[data + 5] !== 0x2a) throw new Malformed('WebP: bad VP8 header');
    return { width: u16le(bytes, data + 6) & 0x3fff, height: u16le(bytes, data + 8) & 0x3fff };
  }
  if (fourcc === 'VP8L') {
    // Signature 0x2F, then width-1 and height-1 in 14 bits each, little-endian bit order.
    if (end - data < 5 || bytes[data] !== 0x2f) throw new Malformed('WebP: bad VP8L header');
    const bits = u32le(bytes, data + 1);
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >>> 14) & 0x3fff) };
  }
  throw new Malformed(`WebP: first chunk is ${fourcc}`);
}

const webp: Parser = {
  size: (bytes) => webpSize(bytes, riffChunks(bytes)[0]!),
  strip(bytes) {
    const chunks = riffChunks(bytes);
    const extended = chunks[0]!.fourcc === 'VP8X';
    if (!chunks.some((chunk) => chunk.fourcc === 'VP8 ' || chunk.fourcc === 'VP8L' || chunk.fourcc === 'ANMF')) throw new Malformed('WebP: no image data');
    const parts: Uint8Array[] = [];
    for (const chunk of chunks) {
      // A simple (non-VP8X) file is its one image chunk; an extended one keeps what draws the image.
      if (extended ? !WEBP_KEEP.has(chunk.fourcc) : chunk !== chunks[0]) continue;
      // Copied with its padding byte (zero), which the last chunk of a file may have left out.
      const size = chunk.end - chunk.data;
      const copy = new Uint8Array(8 + size + (size & 1));
      copy.set(bytes.subarray(chunk.data - 8, chunk.end));
      if (chunk.fourcc === 'VP8X') copy[8] = copy[8]! & ~(VP8X_EXIF | VP8X_XMP);
      parts.push(copy);
    }
    const body = concat(parts);
    const header = new Uint8Array(12);
    header.set(bytes.subarray(0, 4));
    new DataView(header.buffer).setUint32(4, body.length + 4, true);
    header.set(bytes.subarray(8, 12), 8);
    return concat([header, body]);
  },
};

const PARSERS: Record<UploadFormat, Parser> = { jpeg, png, webp };

/** Width and height from the header of an image already checked (throws on a broken one). */
export const portableSize = (bytes: Uint8Array, format: UploadFormat) => PARSERS[format].size(bytes);
