import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/server/errors.js';
import { cleanImage } from '../../src/server/images.js';
import { cleanImagePortable } from '../../src/server/images-portable.js';

const LIMITS = { maxBytes: 10 * 1024 * 1024, maxPixels: 50_000_000 };
const XMP = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:City="Paris-XMP-City"/></rdf:RDF></x:xmpmeta>`;
/** Strings that must not survive stripping: EXIF make, GPS tags' surroundings, the XMP packet. */
const TELLTALES = ['PhoneCo', 'Paris-XMP-City', 'xmpmeta', 'Exif\0\0'];

type Format = 'jpeg' | 'png' | 'webp';

/** A camera-like image from sharp: pixels with some detail, EXIF with GPS, XMP and a Display P3 ICC profile. */
async function tagged(format: Format, options: { orientation?: number; lossless?: boolean; progressive?: boolean } = {}): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240"><rect width="320" height="240" fill="#c8a070"/><circle cx="120" cy="110" r="70" fill="#2a3f66"/><rect x="200" y="40" width="80" height="160" fill="#e0e0d0"/></svg>`;
  // sharp takes the orientation from withMetadata, not from an Orientation tag given to withExif.
  let image = sharp(Buffer.from(svg)).withMetadata(options.orientation ? { orientation: options.orientation } : {});
  image =
    format === 'jpeg' ? image.jpeg({ quality: 85, progressive: options.progressive }) : format === 'png' ? image.png() : image.webp({ quality: 80, lossless: options.lossless });
  return image
    .withExif({
      IFD0: { Make: 'PhoneCo', Model: 'Phone 15' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2400/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 700/100' },
    })
    .withXmp(XMP)
    .withIccProfile('p3')
    .toBuffer();
}

const contains = (bytes: Uint8Array, text: string) => Buffer.from(bytes).includes(Buffer.from(text, 'latin1'));

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

/** A PNG chunk with its CRC, as the spec builds it. */
function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** Inserts chunks right after IHDR (signature 8 bytes + IHDR 25 bytes). */
const withPngChunks = (png: Buffer, ...chunks: Buffer[]) => Buffer.concat([png.subarray(0, 33), ...chunks, png.subarray(33)]);

/** PNG chunk types in order. */
function pngChunkTypes(png: Uint8Array): string[] {
  const buffer = Buffer.from(png);
  const types: string[] = [];
  for (let at = 8; at < buffer.length; at += 12 + buffer.readUInt32BE(at)) types.push(buffer.toString('latin1', at + 4, at + 8));
  return types;
}

/** JPEG marker bytes (the second byte of each FFxx) of the segments before the first scan. */
function jpegHeaderMarkers(jpeg: Uint8Array): number[] {
  const markers: number[] = [];
  for (let at = 2; at < jpeg.length; ) {
    const marker = jpeg[at + 1]!;
    markers.push(marker);
    if (marker === 0xda) break;
    at += 2 + ((jpeg[at + 2]! << 8) | jpeg[at + 3]!);
  }
  return markers;
}

describe('cleanImagePortable strips metadata without decoding', () => {
  for (const [name, format, options] of [
    ['baseline JPEG', 'jpeg', {}],
    ['progressive JPEG', 'jpeg', { progressive: true }],
    ['PNG', 'png', {}],
    ['lossy WebP', 'webp', {}],
    ['lossless WebP', 'webp', { lossless: true }],
  ] as const) {
    it(`${name}: EXIF, GPS and XMP go; pixels, size and colour profile stay`, async () => {
      const input = await tagged(format, options);
      const before = await sharp(input).metadata();
      expect([before.format, !!before.exif, !!before.xmp, !!before.icc]).toEqual([format, true, true, true]);
      expect(contains(input, 'PhoneCo')).toBe(true); // (PNG's XMP is deflated in zTXt, so not searchable)

      const clean = await cleanImagePortable(new Uint8Array(input), LIMITS, 'person');

      expect(clean).toMatchObject({ contentType: `image/${format}`, width: 320, height: 240 });
      const after = await sharp(clean.bytes).metadata();
      expect({ format: after.format, width: after.width, height: after.height, exif: after.exif, xmp: after.xmp }).toEqual({
        format,
        width: 320,
        height: 240,
        exif: undefined,
        xmp: undefined,
      });
      expect(after.icc).toBeDefined(); // kept: without a conversion to sRGB the colours depend on it
      for (const text of TELLTALES) expect(contains(clean.bytes, text), text).toBe(false);
      expect(clean.bytes.length).toBeLessThan(input.length);
      // Lossless: the very same pixels.
      const [pixelsBefore, pixelsAfter] = await Promise.all([sharp(input).raw().toBuffer(), sharp(clean.bytes).raw().toBuffer()]);
      expect(pixelsAfter.equals(pixelsBefore)).toBe(true);
    });
  }

  it('JPEG: keeps JFIF, ICC and tables, drops APP1, COM and everything after EOI', async () => {
    const input = await tagged('jpeg');
    const comment = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x10]), Buffer.from('secret-comment', 'latin1')]);
    const trailer = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#f00' } })
      .jpeg()
      .withExif({ IFD0: { Make: 'PhoneCo' } })
      .toBuffer();
    const withExtras = Buffer.concat([input.subarray(0, 2), comment, input.subarray(2), trailer]);

    const clean = await cleanImagePortable(new Uint8Array(withExtras), LIMITS, 'garment');

    const markers = jpegHeaderMarkers(clean.bytes);
    expect(markers).not.toContain(0xe1); // EXIF / XMP
    expect(markers).not.toContain(0xfe); // COM
    expect(markers).toContain(0xe2); // ICC_PROFILE
    expect(markers).toContain(0xdb); // DQT
    expect(markers).toContain(0xc4); // DHT
    expect(contains(clean.bytes, 'secret-comment')).toBe(false);
    expect(contains(clean.bytes, 'PhoneCo')).toBe(false); // the appended image's EXIF went with it
    expect([...clean.bytes.subarray(-2)]).toEqual([0xff, 0xd9]);
  });

  it('JPEG: EXIF orientation 1 is fine; any other orientation is refused, since the pixels cannot be turned without decoding', async () => {
    const tagged1 = await tagged('jpeg', { orientation: 1 });
    expect((await sharp(tagged1).metadata()).orientation).toBe(1);
    const upright = await cleanImagePortable(new Uint8Array(tagged1), LIMITS, 'person');
    expect((await sharp(upright.bytes).metadata()).orientation).toBeUndefined();

    const sideways = new Uint8Array(await tagged('jpeg', { orientation: 6 }));
    expect((await sharp(sideways).metadata()).orientation).toBe(6);
    const person = await failure(cleanImagePortable(sideways, LIMITS, 'person'));
    expect([person.code, person.status]).toEqual(['IMAGE_UNREADABLE', 422]);
    expect(person.message).toMatch(/rotated \(EXIF orientation 6\).*upright/);
    expect((await failure(cleanImagePortable(sideways, LIMITS, 'garment'))).code).toBe('GARMENT_UNREADABLE');
  });

  it('PNG: drops tEXt, zTXt, iTXt, eXIf, tIME and private chunks; keeps iCCP', async () => {
    const input = withPngChunks(
      await tagged('png'),
      pngChunk('tEXt', Buffer.from('Comment\0secret-comment', 'latin1')),
      pngChunk('iTXt', Buffer.from(`XML:com.adobe.xmp\0\0\0\0\0${XMP}`, 'latin1')),
      pngChunk('tIME', Buffer.from([0x07, 0xe8, 1, 2, 3, 4, 5])),
      pngChunk('prVt', Buffer.from('private data', 'latin1')),
    );
    expect(pngChunkTypes(input)).toEqual(expect.arrayContaining(['tEXt', 'zTXt', 'iTXt', 'eXIf', 'tIME', 'prVt', 'iCCP']));

    const clean = await cleanImagePortable(new Uint8Array(input), LIMITS, 'person');

    const types = pngChunkTypes(clean.bytes);
    expect(types[0]).toBe('IHDR');
    expect(types.at(-1)).toBe('IEND');
    expect(types).toContain('iCCP');
    for (const dropped of ['tEXt', 'zTXt', 'iTXt', 'eXIf', 'tIME', 'prVt']) expect(types).not.toContain(dropped);
    expect(contains(clean.bytes, 'secret-comment')).toBe(false);
  });

  it('WebP: clears the EXIF and XMP flags of VP8X along with their chunks', async () => {
    const input = await tagged('webp');
    expect(input.toString('latin1', 12, 16)).toBe('VP8X');
    expect(input[20]! & 0x0c).toBe(0x0c);
    const clean = Buffer.from((await cleanImagePortable(new Uint8Array(input), LIMITS, 'person')).bytes);
    expect(clean.toString('latin1', 12, 16)).toBe('VP8X');
    expect(clean[20]! & 0x0c).toBe(0);
    expect(clean[20]! & 0x20).toBe(0x20); // ICC flag stays, with its chunk
    expect(clean.readUInt32LE(4)).toBe(clean.length - 8);
    expect(clean.includes('EXIF')).toBe(false);
    expect(clean.includes('XMP ')).toBe(false);
  });

  it('passes an image without metadata through unchanged in content', async () => {
    const plain = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#08f' } })
      .webp({ lossless: true })
      .toBuffer();
    const clean = await cleanImagePortable(new Uint8Array(plain), LIMITS, 'result');
    expect(Buffer.from(clean.bytes).equals(plain)).toBe(true);
  });
});

describe('cleanImagePortable refuses what it cannot vouch for', () => {
  it('refuses a pixel bomb from its header alone', async () => {
    const png = Buffer.from(
      await sharp({ create: { width: 10, height: 10, channels: 3, background: '#fff' } })
        .png()
        .toBuffer(),
    );
    const bomb = Buffer.concat([png.subarray(0, 8), pngChunk('IHDR', Buffer.concat([Buffer.from([0, 0, 0xc3, 0x50, 0, 0, 0xc3, 0x50]), png.subarray(24, 29)])), png.subarray(33)]);
    const error = await failure(cleanImagePortable(new Uint8Array(bomb), LIMITS, 'person'));
    expect([error.code, error.status]).toEqual(['IMAGE_TOO_MANY_PIXELS', 413]);
    expect(error.message).toMatch(/2500 megapixels/);

    const jpeg = Buffer.from(
      await sharp({ create: { width: 16, height: 16, channels: 3, background: '#fff' } })
        .jpeg()
        .toBuffer(),
    );
    const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
    jpeg.writeUInt16BE(60_000, sof + 5);
    jpeg.writeUInt16BE(60_000, sof + 7);
    expect((await failure(cleanImagePortable(new Uint8Array(jpeg), LIMITS, 'garment'))).code).toBe('IMAGE_TOO_MANY_PIXELS');
  });

  it('refuses broken structure: truncated files, a bad CRC, a missing EOI', async () => {
    const jpeg = new Uint8Array(await tagged('jpeg'));
    const png = new Uint8Array(await tagged('png'));
    const webp = new Uint8Array(await tagged('webp'));
    const corrupted = png.slice();
    corrupted[40] = corrupted[40]! ^ 0xff; // inside the first chunk after IHDR: its CRC no longer matches
    for (const broken of [jpeg.subarray(0, jpeg.length / 2), jpeg.subarray(0, jpeg.length - 2), png.subarray(0, png.length - 20), corrupted, webp.subarray(0, webp.length - 30)]) {
      const error = await failure(cleanImagePortable(broken, LIMITS, 'person'));
      expect([error.code, error.status]).toEqual(['IMAGE_UNREADABLE', 422]);
    }
    expect((await failure(cleanImagePortable(jpeg.subarray(0, 400), LIMITS, 'result'))).code).toBe('PROVIDER_ERROR');
  });

  it('gives the same verdict as the sharp cleaner for the checks they share', async () => {
    const pdf = new TextEncoder().encode('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj');
    const heic = new Uint8Array([0, 0, 0, 24, 0x66, 0x74, 0x79, 0x70, 0x68, 0x65, 0x69, 0x63, 0, 0, 0, 0, 0x6d, 0x69, 0x66, 0x31, 0x68, 0x65, 0x69, 0x63]);
    const big = new Uint8Array(await tagged('png'));
    const cases: [Uint8Array, { maxBytes: number; maxPixels: number }][] = [
      [new Uint8Array(0), LIMITS],
      [pdf, LIMITS],
      [heic, LIMITS],
      [big, { ...LIMITS, maxBytes: 100 }],
      [big, { ...LIMITS, maxPixels: 1000 }],
    ];
    const verdicts = await Promise.all(
      cases.map(async ([bytes, limits]) => {
        const [portable, node] = await Promise.all([failure(cleanImagePortable(bytes, limits, 'person')), failure(cleanImage(bytes, limits, 'person'))]);
        expect(portable.message).toBe(node.message);
        return [portable.code, node.code];
      }),
    );
    expect(verdicts).toEqual([
      ['EMPTY_IMAGE', 'EMPTY_IMAGE'],
      ['UNSUPPORTED_IMAGE_TYPE', 'UNSUPPORTED_IMAGE_TYPE'],
      ['UNSUPPORTED_IMAGE_TYPE', 'UNSUPPORTED_IMAGE_TYPE'],
      ['IMAGE_TOO_LARGE', 'IMAGE_TOO_LARGE'],
      ['IMAGE_TOO_MANY_PIXELS', 'IMAGE_TOO_MANY_PIXELS'],
    ]);
  });
});
