import sharp from 'sharp';
import type { MarkedImage } from './index.js';
import { escapeXml } from './xmp.js';


/**
 * The corner mark's shape for an image of this size: a pill in the bottom-right corner whose
 * text scales with the image (about 3 % of its shorter side, 11 px at least) and never gets
 * wider than the image. Exported for the test that looks for it in the pixels.
 */
export function markBox(width: number, height: number, label: string) {
  let fontSize = Math.max(11, Math.round(Math.min(width, height) * 0.03));
  // DejaVu/Liberation Sans average about 0.6 em per character; textLength makes it exact.
  const widthFor = (size: number) => Math.ceil(label.length * size * 0.6 + size * 1.4);
  const room = width - 2 * Math.round(fontSize * 0.6);
  if (widthFor(fontSize) > room) fontSize = Math.max(6, Math.floor((room / widthFor(fontSize)) * fontSize));
  const margin = Math.round(fontSize * 0.6);
  const boxWidth = Math.min(widthFor(fontSize), width - 2 * margin);
  const boxHeight = Math.round(fontSize * 1.8);
  return { fontSize, left: width - margin - boxWidth, top: height - margin - boxHeight, width: boxWidth, height: boxHeight };
}

/** The pill alone, drawn at the box's size (rendering an SVG as large as the photo costs more than the rest). */
function markSvg(box: ReturnType<typeof markBox>, label: string): Buffer {
  const padding = box.fontSize * 0.7;
  // A dark translucent pill with a light rim and white text: readable on light and on dark photos.
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${box.width}" height="${box.height}">` +
      `<rect x="0.5" y="0.5" width="${box.width - 1}" height="${box.height - 1}" rx="${(box.height - 1) / 2}" fill="#111" fill-opacity="0.62" stroke="#fff" stroke-opacity="0.55" stroke-width="1"/>` +
      `<text x="${padding}" y="${box.height * 0.68}" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="${box.fontSize}" fill="#fff" ` +
      `textLength="${box.width - 2 * padding}" lengthAdjust="spacingAndGlyphs">${escapeXml(label)}</text></svg>`,
  );
}

/**
 * Draws the visible "AI try-on · <shop>" mark into a cleaned result's pixels (sharp, Node
 * only) and re-encodes it as the cleaner does, still without metadata. With `toPng`, a WebP
 * result comes out as PNG (C2PA signing here supports JPEG and PNG).
 */
export async function drawVisibleMark(image: MarkedImage, { label, toPng = false }: { label?: string; toPng?: boolean }): Promise<MarkedImage> {
  let pipeline = sharp(image.bytes);
  if (label) {
    const { width = 0, height = 0 } = await pipeline.metadata();
    const box = markBox(width, height, label);
    pipeline = pipeline.composite([{ input: markSvg(box, label), left: box.left, top: box.top }]);
  }
  const format = toPng ? 'png' : image.contentType.replace('image/', '');
  if (format === 'png') pipeline = pipeline.png({ compressionLevel: 8 });
  else if (format === 'webp') pipeline = pipeline.webp({ quality: 90 });
  else pipeline = pipeline.jpeg({ quality: 90, mozjpeg: true });
  const data = await pipeline.toBuffer();
  return { bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), contentType: `image/${format}` };
}
