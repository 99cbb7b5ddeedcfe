import sharp, { type OverlayOptions } from 'sharp';
import type { Category } from '../../../contract.js';

/**
 * Where a garment of each category sits on a standing, front-facing person, as fractions
 * of the photo: left, top, width, height. Tuned on 3:4 portraits framed head to knees or
 * feet, which is what the widget uploads.
 */
const PLACEMENT: Record<Category, [number, number, number, number]> = {
  top: [0.26, 0.2, 0.48, 0.36],
  outerwear: [0.22, 0.19, 0.56, 0.42],
  dress: [0.26, 0.2, 0.48, 0.6],
  full: [0.24, 0.2, 0.52, 0.76],
  bottom: [0.3, 0.5, 0.4, 0.45],
  shoes: [0.3, 0.88, 0.4, 0.11],
  bag: [0.6, 0.42, 0.3, 0.25],
  accessory: [0.38, 0.16, 0.24, 0.14],
};

/**
 * Which garment goes over which: shoes and trousers first, then a dress, the top, the jacket
 * over it, and a bag or accessory on top of everything.
 */
const LAYER: Record<Category, number> = { shoes: 0, bottom: 1, dress: 2, full: 2, top: 3, outerwear: 4, bag: 5, accessory: 6 };

/** Channel value above which a garment photo's background counts as white. */
const WHITE_FROM = 236;
/** Below this it is fully the garment; between the two, a soft edge. */
const WHITE_SOFT = 214;

/** One garment of a sandbox job and the body region it goes to. */
export interface PreviewItem {
  garment: Uint8Array;
  category: Category;
}

/**
 * The sandbox's "try-on": keys out each garment's near-white background, scales it into the
 * body region of its category (top on the torso, bottom on the legs, a dress over both,
 * shoes at the feet, a bag at the side), layers them as they are worn, and stamps the image
 * as a preview so nobody mistakes it for a real try-on.
 */
export async function compositePreview(person: Uint8Array, items: PreviewItem[]): Promise<Uint8Array> {
  // The proxy hands over cleaned photos: already upright, no EXIF orientation left to apply.
  const base = sharp(person);
  const { width = 768, height = 1024 } = await base.metadata();
  const layered = [...items].sort((a, b) => LAYER[a.category] - LAYER[b.category]);
  const garments = await Promise.all(layered.map((item) => placeGarment(item, width, height)));
  const output = await base
    .composite([...garments, { input: previewStamp(width, height), left: 0, top: 0 }])
    .jpeg({ quality: 88, mozjpeg: true })
    .toBuffer();
  return new Uint8Array(output.buffer, output.byteOffset, output.byteLength);
}

async function placeGarment({ garment, category }: PreviewItem, width: number, height: number): Promise<OverlayOptions> {
  const [left, top, boxWidth, boxHeight] = PLACEMENT[category];
  const fitted = await sharp(await keyOutWhite(garment))
    .trim({ threshold: 1 })
    .resize({ width: Math.round(boxWidth * width), height: Math.round(boxHeight * height), fit: 'inside' })
    .png()
    .toBuffer({ resolveWithObject: true });
  return { input: fitted.data, left: Math.round(left * width + (boxWidth * width - fitted.info.width) / 2), top: Math.round(top * height) };
}

/** Makes near-white pixels transparent, with a soft ramp so edges are not jagged. */
async function keyOutWhite(garment: Uint8Array): Promise<Buffer> {
  const { data, info } = await sharp(garment).rotate().ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  for (let i = 0; i < data.length; i += 4) {
    const lightest = Math.min(data[i]!, data[i + 1]!, data[i + 2]!);
    if (lightest >= WHITE_FROM) data[i + 3] = 0;
    else if (lightest > WHITE_SOFT) data[i + 3] = Math.min(data[i + 3]!, Math.round((255 * (WHITE_FROM - lightest)) / (WHITE_FROM - WHITE_SOFT)));
  }
  return sharp(data, { raw: { width: info.width, height: info.height, channels: 4 } })
    .png()
    .toBuffer();
}

/** Top right: clear of the widget's zoom controls (bottom), its corner labels, and the person's face. */
function previewStamp(width: number, height: number): Buffer {
  const size = Math.max(14, Math.round(width / 34));
  const pad = Math.round(size * 0.7);
  const label = 'PREVIEW · sandbox';
  const boxWidth = Math.round(label.length * size * 0.72 + pad * 2);
  const boxHeight = Math.round(size * 2);
  // Below the compare view's corner labels, which sit on the image on phones.
  const top = Math.round(height * 0.08);
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect x="${width - boxWidth - pad}" y="${top}" width="${boxWidth}" height="${boxHeight}" rx="${boxHeight / 2}" fill="#000" fill-opacity="0.62"/>
    <text x="${width - pad - boxWidth / 2}" y="${top + boxHeight / 2}" dy="0.35em" text-anchor="middle" font-family="DejaVu Sans, Arial, sans-serif" font-size="${size}" font-weight="700" fill="#fff" letter-spacing="1">${label}</text>
  </svg>`);
}
