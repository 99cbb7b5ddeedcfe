/**
 * The demo's images for looks and models, drawn in code (assets.ts renders and stamps them):
 *
 *   trousers-sand.png / .webp     chinos, a product shot on pure white (category bottom)
 *   jacket-olive.png / .webp      a zip jacket, the same way (category outerwear)
 *   model-<id>.jpg                900×1200 generated model figures, no real people: several
 *                                 silhouettes, heights and skin tones, in plain fitted clothes
 *   models.json                   the gallery FITTING_ROOM_MODELS points the demo proxy at
 */

/** Flat-laid chinos, front view, in a 1000×1000 frame. */
export function trousersSvg(): string {
  const legs = 'M330 90 H670 L700 930 H540 L500 330 L460 930 H300 Z';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="1000" viewBox="0 0 1000 1000">
  <defs><linearGradient id="t" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="#a88d63"/><stop offset="0.5" stop-color="#c2a77b"/><stop offset="1" stop-color="#9c8259"/></linearGradient></defs>
  <rect width="1000" height="1000" fill="#ffffff"/>
  <path d="${legs}" fill="url(#t)"/>
  <rect x="330" y="90" width="340" height="46" fill="#9c8259"/>
  <path d="M500 136 V300" stroke="#8a7150" stroke-width="5"/>
  <path d="M360 150 Q400 210 450 160 M640 150 Q600 210 550 160" fill="none" stroke="#8a7150" stroke-width="4"/>
  <path d="M420 600 L400 920 M580 600 L600 920" stroke="#b09467" stroke-width="6" opacity="0.6"/>
</svg>`;
}

/** A zip jacket with long sleeves, front view, in a 1000×1000 frame. */
export function jacketSvg(): string {
  const body = 'M400 100 Q500 140 600 100 L760 160 L900 700 L810 730 L720 360 L720 900 H280 L280 360 L190 730 L100 700 L240 160 Z';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="1000" viewBox="0 0 1000 1000">
  <defs><linearGradient id="j" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#6b7a4a"/><stop offset="0.6" stop-color="#556238"/><stop offset="1" stop-color="#434e2b"/></linearGradient></defs>
  <rect width="1000" height="1000" fill="#ffffff"/>
  <path d="${body}" fill="url(#j)"/>
  <path d="M500 130 V900" stroke="#2f3620" stroke-width="8"/>
  <path d="M400 100 Q500 190 600 100" fill="none" stroke="#3b4426" stroke-width="14"/>
  <path d="M330 560 H440 M560 560 H670" stroke="#3b4426" stroke-width="6"/>
  <rect x="280" y="860" width="440" height="40" fill="#434e2b"/>
</svg>`;
}

/** One model of the demo gallery: how the figure is drawn and what the gallery says. */
interface ModelFigure {
  id: string;
  label: string;
  height: string;
  size: string;
  skin: string;
  shade: string;
  hair: string;
  /** Shoulder and hip half-widths (px of a 900 px frame): the silhouette. */
  shoulders: number;
  hips: number;
  /** Head top (px of a 1200 px frame): shorter models stand lower. */
  crown: number;
  backdrop: string;
}

export const MODEL_FIGURES: ModelFigure[] = [
  { id: 'amara', label: 'Amara', height: '178 cm', size: 'M', skin: '#6b4226', shade: '#55331c', hair: '#16110e', shoulders: 112, hips: 104, crown: 40, backdrop: '#e9e4dc' },
  { id: 'lena', label: 'Lena', height: '165 cm', size: 'XL', skin: '#f0cdb0', shade: '#d8ad8c', hair: '#8a5a2b', shoulders: 128, hips: 146, crown: 92, backdrop: '#dfe6e1' },
  { id: 'kenji', label: 'Kenji', height: '172 cm', size: 'S', skin: '#e3b98f', shade: '#c99b70', hair: '#1c1a19', shoulders: 104, hips: 92, crown: 66, backdrop: '#e4e1ea' },
  { id: 'rosa', label: 'Rosa', height: '160 cm', size: 'L', skin: '#a9714b', shade: '#8c5a38', hair: '#2b1d16', shoulders: 118, hips: 132, crown: 112, backdrop: '#ece3d8' },
];

/**
 * A simple standing figure in a plain grey top and leggings, front-facing, head to feet in a
 * 3:4 frame (as the sandbox's body regions expect). Drawn, not photographed: no real person.
 */
export function modelSvg(m: ModelFigure): string {
  const cx = 450;
  const scale = (1140 - m.crown) / 1100;
  const y = (value: number) => Math.round(m.crown + value * scale);
  const shoulderY = y(230);
  const waistY = y(560);
  const hipY = y(640);
  const ankleY = y(1060);
  const waist = Math.round((m.shoulders + m.hips) / 2) - 14;
  const torso = `M${cx - m.shoulders} ${shoulderY} Q${cx} ${shoulderY - 24} ${cx + m.shoulders} ${shoulderY} L${cx + waist} ${waistY} L${cx + m.hips} ${hipY} L${cx - m.hips} ${hipY} L${cx - waist} ${waistY} Z`;
  const legs = `M${cx - m.hips} ${hipY - 10} H${cx + m.hips} L${cx + 70} ${ankleY} H${cx + 14} L${cx} ${y(700)} L${cx - 14} ${ankleY} H${cx - 70} Z`;
  const arm = (side: 1 | -1) =>
    `M${cx + side * m.shoulders} ${shoulderY + 4} Q${cx + side * (m.shoulders + 40)} ${y(420)} ${cx + side * (m.shoulders + 30)} ${y(650)} L${cx + side * (m.shoulders + 2)} ${y(650)} Q${cx + side * (m.shoulders + 8)} ${y(420)} ${cx + side * (m.shoulders - 26)} ${y(300)} Z`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="1200" viewBox="0 0 900 1200">
  <rect width="900" height="1200" fill="${m.backdrop}"/>
  <ellipse cx="${cx}" cy="1150" rx="190" ry="22" fill="#000" opacity="0.12"/>
  <path d="${arm(-1)}" fill="${m.skin}"/><path d="${arm(1)}" fill="${m.skin}"/>
  <rect x="${cx - 24}" y="${y(150)}" width="48" height="${y(240) - y(150)}" fill="${m.shade}"/>
  <path d="${legs}" fill="#3a3d44"/>
  <path d="${torso}" fill="#9aa0a8"/>
  <ellipse cx="${cx - 42}" cy="${ankleY + 22}" rx="40" ry="18" fill="#2a2a2a"/>
  <ellipse cx="${cx + 42}" cy="${ankleY + 22}" rx="40" ry="18" fill="#2a2a2a"/>
  <ellipse cx="${cx}" cy="${y(75)}" rx="${Math.round(60 * scale)}" ry="${Math.round(76 * scale)}" fill="${m.skin}"/>
  <path d="M${cx - 64 * scale} ${y(70)} Q${cx} ${y(-30)} ${cx + 64 * scale} ${y(70)} Q${cx} ${y(20)} ${cx - 64 * scale} ${y(70)} Z" fill="${m.hair}"/>
</svg>`;
}

/** `models.json` for the demo's `FITTING_ROOM_MODELS` folder. */
export function modelsJson(): string {
  return JSON.stringify(
    MODEL_FIGURES.map(({ id, label, height, size }) => ({ id, label, height, size, file: `model-${id}.jpg` })),
    null,
    2,
  );
}
