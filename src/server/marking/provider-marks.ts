/** What a provider's own result may already say about itself. */
export type ProviderMarkKind = 'c2pa' | 'iptc';

const ascii = (bytes: Uint8Array, at: number, length: number) => String.fromCharCode(...bytes.subarray(at, Math.min(bytes.length, at + length)));
const latin1 = (bytes: Uint8Array) => new TextDecoder('latin1').decode(bytes);
/** IPTC's digital source type in XMP, e.g. `trainedAlgorithmicMedia`: the provider says an AI made it. */
const IPTC_SOURCE_TYPE = /DigitalSourceType/;

/**
 * Looks at the metadata a provider's result arrives with, before stripping removes it: a
 * C2PA manifest store (JPEG APP11 JUMBF, PNG `caBX`, WebP `C2PA`) or an XMP packet carrying
 * an IPTC digital source type. Reads the structure only (segments, chunks), never the pixels;
 * a broken structure simply reports what was found before it.
 */
export function providerMarks(bytes: Uint8Array): ProviderMarkKind[] {
  const found = new Set<ProviderMarkKind>();
  try {
    if (bytes[0] === 0xff && bytes[1] === 0xd8) jpegMarks(bytes, found);
    else if (ascii(bytes, 1, 3) === 'PNG') pngMarks(bytes, found);
    else if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') webpMarks(bytes, found);
  } catch {
    // Out of bounds on a truncated file: keep what was found.
  }
  return [...found].sort();
}

function jpegMarks(bytes: Uint8Array, found: Set<ProviderMarkKind>) {
  for (let at = 2; at + 4 <= bytes.length && bytes[at] === 0xff; ) {
    const marker = bytes[at + 1]!;
    if (marker === 0xda || marker === 0xd9) return; // metadata comes before the first scan
    const end = at + 2 + ((bytes[at + 2]! << 8) | bytes[at + 3]!);
    const segment = bytes.subarray(at + 4, end);
    // APP11 "JP" segments carry JUMBF; C2PA's superbox is labelled "c2pa".
    if (marker === 0xeb && ascii(segment, 0, 2) === 'JP' && latin1(segment.subarray(0, 64)).includes('c2pa')) found.add('c2pa');
    if (marker === 0xe1 && ascii(segment, 0, 29) === 'http://ns.adobe.com/xap/1.0/\0' && IPTC_SOURCE_TYPE.test(latin1(segment))) found.add('iptc');
    at = end;
  }
}

function pngMarks(bytes: Uint8Array, found: Set<ProviderMarkKind>) {
  for (let at = 8; at + 8 <= bytes.length; ) {
    const length = ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
    const type = ascii(bytes, at + 4, 4);
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (type === 'caBX') found.add('c2pa');
    if ((type === 'iTXt' || type === 'tEXt') && IPTC_SOURCE_TYPE.test(latin1(data))) found.add('iptc');
    if (type === 'IEND') return;
    at += 12 + length;
  }
}

function webpMarks(bytes: Uint8Array, found: Set<ProviderMarkKind>) {
  for (let at = 12; at + 8 <= bytes.length; ) {
    const size = (bytes[at + 4]! | (bytes[at + 5]! << 8) | (bytes[at + 6]! << 16) | (bytes[at + 7]! << 24)) >>> 0;
    const fourcc = ascii(bytes, at, 4);
    if (fourcc === 'C2PA') found.add('c2pa');
    if (fourcc === 'XMP ' && IPTC_SOURCE_TYPE.test(latin1(bytes.subarray(at + 8, at + 8 + size)))) found.add('iptc');
    at += 8 + size + (size & 1);
  }
}
