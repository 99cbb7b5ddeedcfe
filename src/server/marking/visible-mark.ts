import type { Overlay } from '../image-checks.js';
import { escapeXml } from './xmp.js';

/**
 * The corner mark's shape for an image of this size: a pill in the bottom-right corner whose
 * text scales with the image (about 3 % of its shorter side, 11 px at least) and never gets
 * wider than the image. Exported for the test that looks for it in the pixels.
 */
export function markBox(width: number, height: number, label: string) {
  let fontSize = Math.max(11, Math.round(Math.min(width, height) * 0.03));
  // In ems: Latin letters of DejaVu/Liberation Sans average about 0.55, CJK and other wide characters 1.
  const ems = [...label].reduce((total, char) => total + (char.codePointAt(0)! >= 0x2e80 ? 1 : 0.55), 0);
  const widthFor = (size: number) => Math.ceil(ems * size + size * 1.4);
  const room = width - 2 * Math.round(fontSize * 0.6);
  if (widthFor(fontSize) > room) fontSize = Math.max(6, Math.floor((room / widthFor(fontSize)) * fontSize));
  const margin = Math.round(fontSize * 0.6);
  const boxWidth = Math.min(widthFor(fontSize), width - 2 * margin);
  const boxHeight = Math.round(fontSize * 1.8);
  return { fontSize, left: width - margin - boxWidth, top: height - margin - boxHeight, width: boxWidth, height: boxHeight };
}

/**
 * The visible "AI try-on · <shop>" mark as an SVG overlay for the cleaner (images.ts draws it
 * while re-encoding the result, so it costs no extra decode or encode). Drawn at the pill's
 * own size: an SVG as large as the photo costs more to render than the rest.
 */
export function visibleMark(label: string): (width: number, height: number) => Overlay {
  return (width, height) => {
    const box = markBox(width, height, label);
    const padding = box.fontSize * 0.7;
    // A dark translucent pill with a light rim and white text: readable on light and on dark photos.
    const svg =
      `<svg xmlns="http://www.w3.org/2000/svg" width="${box.width}" height="${box.height}">` +
      `<rect x="0.5" y="0.5" width="${box.width - 1}" height="${box.height - 1}" rx="${(box.height - 1) / 2}" fill="#111" fill-opacity="0.62" stroke="#fff" stroke-opacity="0.55" stroke-width="1"/>` +
      `<text x="${padding}" y="${box.height * 0.68}" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="${box.fontSize}" fill="#fff" ` +
      `textLength="${box.width - 2 * padding}" lengthAdjust="spacingAndGlyphs">${escapeXml(label)}</text></svg>`;
    return { input: new TextEncoder().encode(svg), left: box.left, top: box.top };
  };
}
