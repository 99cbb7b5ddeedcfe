import type { UploadFormat } from '../image-checks.js';
import { concat, crc32, portableSize } from '../images-portable.js';

/** IPTC's term for a real photo altered by a trained model (the shopper's photo, re-dressed). */
export const DIGITAL_SOURCE_TYPE = 'http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia';
const IPTC_EXT = 'http://iptc.org/std/Iptc4xmpExt/2008-02-29/';

const ENTITIES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' };
/** Text made safe inside XML attributes and elements (XMP, the mark's SVG). */
export const escapeXml = (text: string) => text.replace(/[<>&"']/g, (char) => ENTITIES[char]!);

/**
 * The XMP packet every result carries: the IPTC digital source type (AI Act Art. 50(2)), a
 * description and a credit naming the shop and "virtual try-on", and the tool. Deliberately
 * nothing about the shopper, the session, the device or the place.
 */
export function xmpPacket(shopName: string): string {
  const shop = escapeXml(shopName);
  return [
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    `<rdf:Description rdf:about="" xmlns:Iptc4xmpExt="${IPTC_EXT}" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"`,
    ` Iptc4xmpExt:DigitalSourceType="${DIGITAL_SOURCE_TYPE}"`,
    ` photoshop:Credit="${shop} virtual try-on"`,
    ' xmp:CreatorTool="Fitting Room">',
    `<dc:description><rdf:Alt><rdf:li xml:lang="x-default">AI-generated virtual try-on image (${shop}): a photo altered by an AI model to show a garment.</rdf:li></rdf:Alt></dc:description>`,
    '</rdf:Description>',
    '</rdf:RDF>',
    '</x:xmpmeta>',
    '<?xpacket end="r"?>',
  ].join('\n');
}

const text = (value: string) => new TextEncoder().encode(value);
const u16be = (value: number) => new Uint8Array([value >> 8, value & 0xff]);
const u32be = (value: number) => new Uint8Array([value >>> 24, (value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff]);
const u32le = (value: number) => new Uint8Array([value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff, value >>> 24]);
const u24le = (value: number) => new Uint8Array([value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff]);

/**
 * Writes an XMP packet into an image that has none (a cleaned result), without decoding it,
 * where readers look for it: JPEG APP1 `http://ns.adobe.com/xap/1.0/` after SOI/JFIF, PNG iTXt
 * `XML:com.adobe.xmp` after IHDR, WebP `XMP ` chunk with the VP8X flag (a simple WebP is
 * turned into an extended one). Plain TypeScript: the same writer runs on Node and the edge.
 */
export function embedXmp(bytes: Uint8Array, format: UploadFormat, packet: string): Uint8Array {
  const xmp = text(packet);
  if (format === 'jpeg') {
    const body = concat([text('http://ns.adobe.com/xap/1.0/\0'), xmp]);
    if (body.length + 2 > 0xffff) throw new Error('XMP packet too long for one JPEG segment');
    // After SOI and, when present, the JFIF APP0 segment, which must come first.
    const at = bytes[2] === 0xff && bytes[3] === 0xe0 ? 4 + ((bytes[4]! << 8) | bytes[5]!) : 2;
    return concat([bytes.subarray(0, at), new Uint8Array([0xff, 0xe1]), u16be(body.length + 2), body, bytes.subarray(at)]);
  }
  if (format === 'png') {
    // Keyword, then compression flag and method (0, 0), empty language tag and translated keyword.
    const data = concat([text('iTXt'), text('XML:com.adobe.xmp\0'), new Uint8Array([0, 0, 0, 0]), xmp]);
    const chunk = concat([u32be(data.length - 4), data, u32be(crc32(data))]);
    const afterHeader = 8 + 8 + 13 + 4; // signature, IHDR length and type, IHDR data, CRC
    return concat([bytes.subarray(0, afterHeader), chunk, bytes.subarray(afterHeader)]);
  }
  return embedXmpWebp(bytes, xmp);
}

const VP8X_XMP = 0x04;
const VP8X_ALPHA = 0x10;

function embedXmpWebp(bytes: Uint8Array, xmp: Uint8Array): Uint8Array {
  const first = String.fromCharCode(...bytes.subarray(12, 16));
  let chunks = bytes.subarray(12, 8 + (bytes[4]! | (bytes[5]! << 8) | (bytes[6]! << 16) | (bytes[7]! << 24)));
  let header: Uint8Array;
  if (first === 'VP8X') {
    header = chunks.slice(0, 18);
    header[8] = header[8]! | VP8X_XMP;
    chunks = chunks.subarray(18);
  } else {
    // A simple file is one image chunk: an extended header goes in front, with the canvas size.
    const { width, height } = portableSize(bytes, 'webp');
    const alpha = first === 'VP8L' && (bytes[24]! & 0x10) !== 0; // VP8L header bit 28: alpha_is_used
    header = concat([text('VP8X'), u32le(10), new Uint8Array([VP8X_XMP | (alpha ? VP8X_ALPHA : 0), 0, 0, 0]), u24le(width - 1), u24le(height - 1)]);
  }
  const padding = new Uint8Array(xmp.length & 1);
  const body = concat([header, chunks, text('XMP '), u32le(xmp.length), xmp, padding]);
  return concat([text('RIFF'), u32le(body.length + 4), text('WEBP'), body]);
}
