/**
 * The demo store's images, drawn in code and rasterised with sharp into demo/.generated/
 * (gitignored): nothing is downloaded and nothing binary lives in the repository.
 *
 *   tee-<colour>.png                            the garment for try-on: a product shot on pure
 *                                               white (the sandbox keys out near-white)
 *   tee-<colour>.webp, tee-<colour>-detail.webp the same shot and a collar close-up, for the gallery
 *   shopper-1..3.jpg                            900×1200 sample shopper photos
 *   shopper-phone-rotated.jpg                   a 12 MP phone photo stored sideways with
 *                                               EXIF Orientation 6 and GPS, like a real one
 *   trousers-*, jacket-*, model-*.jpg, models.json  the other products of a look and the
 *                                               model gallery (look-assets.ts)
 *
 * `ensureDemoAssets()` is cheap when the images are current: it compares a stamp (a hash
 * of every drawing and encoder) and only redraws when one changed or a file is missing.
 * Run directly with `tsx demo/assets.ts` to (re)generate.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { jacketSvg, MODEL_FIGURES, modelSvg, modelsJson, trousersSvg } from './look-assets.js';

const OUT_DIR = fileURLToPath(new URL('./.generated/', import.meta.url));
const STAMP_FILE = '.stamp';

// ---------------------------------------------------------------------------------------
// The t-shirt (1000×1000 product shot)
// ---------------------------------------------------------------------------------------

const TEE_COLOURS = {
  navy: { base: '#1f2a44', light: '#2e3d60', dark: '#141c30', rib: '#1a2339', stitch: '#3b4b70' },
  terracotta: { base: '#c4663f', light: '#d27a52', dark: '#a2502d', rib: '#b55a35', stitch: '#dc8c66' },
} as const;
type TeeColour = keyof typeof TEE_COLOURS;

/** Outline of a flat-laid crew-neck tee, front view, in a 1000×1000 frame. */
const TEE_BODY =
  'M410 118 Q500 150 590 118 L744 166 Q772 174 788 196 L886 326 L794 410 L718 350 ' +
  'Q700 620 716 902 Q500 920 284 902 Q300 620 282 350 L206 410 L114 326 L212 196 Q228 174 256 166 Z';

/**
 * View `detail` frames the collar, for the second gallery image. The garment stays fully
 * opaque and never near-white, and the background is pure white with no drop shadow, so
 * the sandbox can cut the shirt out cleanly.
 */
function teeSvg(colour: TeeColour, view: 'front' | 'detail'): string {
  const c = TEE_COLOURS[colour];
  const viewBox = view === 'front' ? '0 0 1000 1000' : '310 70 380 380';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="1000" viewBox="${viewBox}">
  <defs>
    <linearGradient id="light" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="${c.light}"/>
      <stop offset="0.55" stop-color="${c.base}"/>
      <stop offset="1" stop-color="${c.dark}"/>
    </linearGradient>
    <clipPath id="body"><path d="${TEE_BODY}"/></clipPath>
    <filter id="soft" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="28"/></filter>
    <filter id="seam" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="5"/></filter>
    <filter id="knit" x="0" y="0" width="100%" height="100%">
      <feTurbulence type="fractalNoise" baseFrequency="0.8 0.4" numOctaves="1" seed="7"/>
      <feColorMatrix type="matrix" values="0 0 0 0 0  0 0 0 0 0  0 0 0 0 0  0 0 0 0.8 -0.3"/>
    </filter>
  </defs>
  <rect x="-1000" y="-1000" width="3000" height="3000" fill="#ffffff"/>
  <path d="${TEE_BODY}" fill="url(#light)"/>
  <g clip-path="url(#body)">
    <!-- jersey texture, then soft folds: broad blurred highlights and shadows (too blotchy close up) -->
    <rect width="1000" height="1000" filter="url(#knit)" opacity="${view === 'front' ? 0.18 : 0.3}"/>
    <g filter="url(#soft)" opacity="${view === 'front' ? 1 : 0}">
      <ellipse cx="410" cy="600" rx="90" ry="220" transform="rotate(-8 410 600)" fill="${c.dark}" opacity="0.22"/>
      <ellipse cx="630" cy="520" rx="50" ry="170" transform="rotate(6 630 520)" fill="${c.light}" opacity="0.7"/>
      <ellipse cx="500" cy="880" rx="220" ry="30" fill="${c.dark}" opacity="0.5"/>
      <ellipse cx="190" cy="300" rx="70" ry="30" transform="rotate(-40 190 300)" fill="${c.light}" opacity="0.6"/>
      <ellipse cx="810" cy="300" rx="70" ry="30" transform="rotate(40 810 300)" fill="${c.dark}" opacity="0.5"/>
      <ellipse cx="520" cy="290" rx="90" ry="28" transform="rotate(20 520 290)" fill="${c.light}" opacity="0.5"/>
    </g>
    <!-- set-in sleeve and shoulder seams -->
    <path d="M256 166 Q302 260 282 350 M744 166 Q698 260 718 350" fill="none" stroke="${c.dark}" stroke-width="10" opacity="0.45" filter="url(#seam)"/>
    <path d="M256 166 Q302 260 282 350 M744 166 Q698 260 718 350" fill="none" stroke="${c.dark}" stroke-width="2.5"/>
    <path d="M410 118 L256 166 M590 118 L744 166" fill="none" stroke="${c.dark}" stroke-width="2" opacity="0.7"/>
    <!-- twin-needle hems -->
    <g fill="none" stroke="${c.stitch}" stroke-width="2.2" stroke-dasharray="7 6" opacity="0.9">
      <path d="M296 882 Q500 898 704 882"/><path d="M296 872 Q500 888 704 872"/>
      <path d="M133 313 L220 391"/><path d="M143 302 L230 380"/>
      <path d="M867 313 L780 391"/><path d="M857 302 L770 380"/>
    </g>
  </g>
  <!-- the neck opening: inside of the back with its woven label, back rib, front rib -->
  <path d="M410 118 Q500 150 590 118 Q500 226 410 118 Z" fill="${c.dark}"/>
  <path d="M424 126 Q500 152 576 126 Q500 170 424 126 Z" fill="#000000" opacity="0.18"/>
  <rect x="476" y="142" width="48" height="24" rx="3" fill="#cdbf9f"/>
  <path d="M486 151 H514 M490 158 H510" stroke="#8a7a58" stroke-width="2.5"/>
  <path d="M412 119 Q500 150 588 119" fill="none" stroke="${c.rib}" stroke-width="12"/>
  <path d="M410 118 Q500 232 590 118" fill="none" stroke="${c.rib}" stroke-width="24"/>
  <path d="M414 120 Q500 226 586 120" fill="none" stroke="${c.light}" stroke-width="16" stroke-dasharray="1.5 4" opacity="0.55"/>
  <path d="M397 126 Q500 262 603 126" fill="none" stroke="${c.stitch}" stroke-width="2.2" stroke-dasharray="7 6"/>
</svg>`;
}

// ---------------------------------------------------------------------------------------
// The shoppers (drawn on a 900×1200 canvas, rendered at any 3:4 size)
// ---------------------------------------------------------------------------------------

interface Shopper {
  skin: string;
  skinShade: string;
  hair: string;
  hairStyle: 'long' | 'curly' | 'bun';
  top: string;
  topShade: string;
  trousers: string;
  trousersShade: string;
  shoes: string;
  sole: string;
  backdrop: 'studio' | 'room' | 'sage';
}

const SHOPPERS: Shopper[] = [
  {
    skin: '#e2b08f',
    skinShade: '#c98f6d',
    hair: '#4a3224',
    hairStyle: 'long',
    top: '#e9e6df',
    topShade: '#cfcac0',
    trousers: '#3d5a80',
    trousersShade: '#2f4765',
    shoes: '#f1efe9',
    sole: '#b9b4a8',
    backdrop: 'studio',
  },
  {
    skin: '#8d5a3b',
    skinShade: '#734629',
    hair: '#1d1612',
    hairStyle: 'curly',
    top: '#d9d4c7',
    topShade: '#bdb6a6',
    trousers: '#b59a74',
    trousersShade: '#977d5a',
    shoes: '#2b2b2b',
    sole: '#e8e4da',
    backdrop: 'room',
  },
  {
    skin: '#f0c9a8',
    skinShade: '#d9a986',
    hair: '#a4652f',
    hairStyle: 'bun',
    top: '#c9d3da',
    topShade: '#aab7c1',
    trousers: '#2f3137',
    trousersShade: '#1f2126',
    shoes: '#f3f1ec',
    sole: '#c7c2b8',
    backdrop: 'sage',
  },
];

/** The scene behind the shopper: gradient definitions and the shapes that use them. */
function backdropSvg(kind: Shopper['backdrop']): { defs: string; body: string } {
  switch (kind) {
    case 'studio':
      // A paper cyclorama: the wall curves into the floor, lit from the front left.
      return {
        defs: `
  <linearGradient id="wall" x1="0" y1="0" x2="0" y2="1">
    <stop offset="0" stop-color="#cbd5e1"/><stop offset="0.7" stop-color="#e6ebf0"/><stop offset="0.82" stop-color="#dde3ea"/><stop offset="1" stop-color="#eef1f4"/>
  </linearGradient>
  <radialGradient id="spot" cx="0.42" cy="0.42" r="0.6"><stop offset="0" stop-color="#ffffff" stop-opacity="0.55"/><stop offset="1" stop-color="#ffffff" stop-opacity="0"/></radialGradient>`,
        body: `
<rect width="900" height="1200" fill="url(#wall)"/>
<rect width="900" height="1200" fill="url(#spot)"/>`,
      };
    case 'room':
      // A warm living room: plaster wall, framed print, oak floor, a plant.
      return {
        defs: `
  <linearGradient id="wall" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#efe3d3"/><stop offset="1" stop-color="#e1cfba"/></linearGradient>
  <linearGradient id="floor" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#b88d66"/><stop offset="1" stop-color="#9c7350"/></linearGradient>
  <radialGradient id="spot" cx="0.5" cy="0.4" r="0.6"><stop offset="0" stop-color="#fff8ee" stop-opacity="0.6"/><stop offset="1" stop-color="#fff8ee" stop-opacity="0"/></radialGradient>`,
        body: `
<rect width="900" height="1200" fill="url(#wall)"/>
<rect width="900" height="1200" fill="url(#spot)"/>
<rect x="60" y="250" width="170" height="220" rx="4" fill="#f7f1e8" stroke="#6b5443" stroke-width="10"/>
<circle cx="130" cy="330" r="42" fill="#d98f5c"/><rect x="100" y="360" width="100" height="80" fill="#7f9c8a"/>
<rect y="1000" width="900" height="200" fill="url(#floor)"/>
<path d="M0 1040 H900 M0 1090 H900 M0 1150 H900 M180 1000 V1040 M610 1040 V1090 M330 1090 V1150 M760 1150 V1200" stroke="#8e6848" stroke-width="2" opacity="0.5"/>
<rect y="985" width="900" height="18" fill="#f4ece1"/>
<g transform="translate(770 760)">
  <path d="M0 0 C-60 -80 -40 -170 -10 -220 C0 -140 10 -80 0 0 Z" fill="#5f8a64"/>
  <path d="M0 0 C40 -70 90 -120 120 -150 C90 -70 50 -20 0 0 Z" fill="#4d7753"/>
  <path d="M0 0 C-50 -40 -110 -60 -140 -60 C-90 -20 -40 0 0 0 Z" fill="#6e9a72"/>
  <path d="M-55 0 H55 L42 240 H-42 Z" fill="#c9b8a4"/>
</g>`,
      };
    case 'sage':
      // A soft green studio with window light falling across the wall and floor.
      return {
        defs: `
  <linearGradient id="wall" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#c3d2c5"/><stop offset="0.76" stop-color="#dde6dc"/><stop offset="0.8" stop-color="#cfdacd"/><stop offset="1" stop-color="#e2e9e0"/></linearGradient>
  <filter id="haze" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="30"/></filter>`,
        body: `
<rect width="900" height="1200" fill="url(#wall)"/>
<path d="M520 0 H760 L560 1200 H260 Z" fill="#f2f6ef" opacity="0.55" filter="url(#haze)"/>`,
      };
  }
}

function hairSvg(s: Shopper, layer: 'back' | 'front'): string {
  const fill = `fill="${s.hair}"`;
  switch (`${s.hairStyle}-${layer}`) {
    case 'long-back':
      return `<path d="M386 150 C380 80 520 70 514 150 C530 230 540 300 522 360 C480 372 420 372 378 360 C360 300 372 230 386 150 Z" ${fill}/>`;
    case 'long-front':
      return `<path d="M392 178 C380 100 430 84 452 88 C490 84 524 108 510 178 C500 136 480 116 452 114 C430 120 408 140 392 178 Z" ${fill}/>`;
    case 'curly-back':
      return `<g ${fill}>${[
        [450, 120, 78],
        [392, 150, 40],
        [508, 150, 40],
        [400, 100, 44],
        [500, 100, 44],
        [450, 76, 48],
        [382, 196, 28],
        [518, 196, 28],
      ]
        .map(([x, y, r]) => `<circle cx="${x}" cy="${y}" r="${r}"/>`)
        .join('')}</g>`;
    case 'curly-front':
      return `<path d="M392 162 C392 110 420 84 450 84 C482 84 508 110 508 162 C488 134 470 126 450 126 C430 126 412 134 392 162 Z" ${fill}/>`;
    case 'bun-back':
      return `<circle cx="450" cy="82" r="36" ${fill}/>`;
    case 'bun-front':
      return `<path d="M391 170 C384 108 424 88 450 88 C482 88 518 108 509 170 C496 132 474 118 450 118 C428 118 404 132 391 170 Z" ${fill}/>
<path d="M420 98 Q450 88 480 98" fill="none" stroke="#ffffff" stroke-opacity="0.18" stroke-width="5" stroke-linecap="round"/>`;
    default:
      return '';
  }
}

/** The head and hair are drawn around y 165 and moved up by this much. */
const HEAD_LIFT = -26;
const NECK = 'M426 174 H474 L478 268 H422 Z';
/** The shopper's own t-shirt, which a tried-on top covers. */
const SHIRT =
  'M420 252 Q450 280 480 252 L566 270 Q590 276 598 302 L612 366 L562 380 L556 398 Q552 560 556 662 ' +
  'Q450 678 344 662 Q348 560 344 398 L338 380 L288 366 L302 302 Q310 276 334 270 Z';

/**
 * A stylised person standing square to the camera, drawn to line up with where the sandbox
 * provider pastes a top (x 26–74 %, y 20–56 %): shoulders at y 21 %, shirt hem at 55 %, the
 * chin well above the collar line and short sleeves that a pasted tee's sleeves cover.
 */
function shopperSvg(s: Shopper, width = 900, height = 1200): string {
  const backdrop = backdropSvg(s.backdrop);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 900 1200">
<defs>
  <linearGradient id="skin" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="${s.skinShade}"/><stop offset="0.4" stop-color="${s.skin}"/><stop offset="1" stop-color="${s.skinShade}"/></linearGradient>
  <radialGradient id="face" cx="0.42" cy="0.4" r="0.7"><stop offset="0.55" stop-color="${s.skin}"/><stop offset="1" stop-color="${s.skinShade}"/></radialGradient>
  <linearGradient id="top" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="${s.topShade}"/><stop offset="0.4" stop-color="${s.top}"/><stop offset="1" stop-color="${s.topShade}"/></linearGradient>
  <linearGradient id="legs" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="${s.trousersShade}"/><stop offset="0.3" stop-color="${s.trousers}"/><stop offset="0.5" stop-color="${s.trousersShade}"/><stop offset="0.68" stop-color="${s.trousers}"/><stop offset="1" stop-color="${s.trousersShade}"/></linearGradient>
  <filter id="blur6" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="6"/></filter>
  <filter id="blur24" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="24"/></filter>
  <clipPath id="neck"><path d="${NECK}"/></clipPath>
  <clipPath id="shirt"><path d="${SHIRT}"/></clipPath>
  ${backdrop.defs}
</defs>
${backdrop.body}
<!-- contact shadow on the floor, soft cast shadow on the wall -->
<ellipse cx="458" cy="1140" rx="200" ry="28" fill="#000" opacity="0.2" filter="url(#blur24)"/>
<ellipse cx="450" cy="1138" rx="128" ry="10" fill="#000" opacity="0.28" filter="url(#blur6)"/>
<path d="M540 290 Q650 320 640 650 L610 1100 L540 1120 Z" fill="#000" opacity="0.05" filter="url(#blur24)"/>
<g transform="translate(0 ${HEAD_LIFT})">${hairSvg(s, 'back')}</g>
<!-- trousers and trainers -->
<path d="M354 626 H546 C554 700 558 770 550 860 L541 1100 H463 L455 770 C453 742 447 742 445 770 L437 1100 H359 L350 860 C342 770 346 700 354 626 Z" fill="url(#legs)"/>
<path d="M400 780 L401 1096 M500 780 L499 1096" stroke="${s.trousersShade}" stroke-width="2" opacity="0.7"/>
<path d="M359 1080 H437 M463 1080 H541" stroke="${s.trousersShade}" stroke-width="3" opacity="0.6"/>
<path d="M358 1094 H438 C446 1102 450 1114 450 1126 C450 1138 442 1144 430 1144 H346 C332 1144 326 1136 330 1124 C334 1110 344 1100 358 1094 Z" fill="${s.shoes}"/>
<path d="M462 1094 H542 C556 1100 566 1110 570 1124 C574 1136 568 1144 554 1144 H470 C458 1144 450 1138 450 1126 C450 1114 454 1102 462 1094 Z" fill="${s.shoes}"/>
<path d="M330 1134 Q390 1138 450 1134 M450 1134 Q510 1138 570 1134" fill="none" stroke="${s.sole}" stroke-width="7"/>
<path d="M372 1104 Q396 1112 420 1104 M480 1104 Q504 1112 528 1104" fill="none" stroke="${s.sole}" stroke-width="3"/>
<!-- arms (the sleeves cover their tops), hands -->
<path d="M300 360 C292 450 290 548 296 626 L328 628 C334 548 342 450 344 372 Z" fill="url(#skin)"/>
<path d="M600 360 C608 450 610 548 604 626 L572 628 C566 548 558 450 556 372 Z" fill="url(#skin)"/>
<path d="M296 620 C290 640 292 668 310 674 C326 678 334 656 330 620 Z" fill="${s.skin}"/>
<path d="M604 620 C610 640 608 668 590 674 C574 678 566 656 570 620 Z" fill="${s.skin}"/>
<!-- neck, shaded under the chin -->
<path d="${NECK}" fill="url(#skin)"/>
<ellipse cx="450" cy="210" rx="34" ry="16" fill="${s.skinShade}" filter="url(#blur6)" clip-path="url(#neck)"/>
<!-- the shopper's own t-shirt -->
<path d="${SHIRT}" fill="url(#top)"/>
<g clip-path="url(#shirt)" fill="none" stroke="${s.topShade}">
  <path d="M356 410 Q362 560 354 660 M544 410 Q538 560 546 660" stroke-width="14" opacity="0.7" filter="url(#blur6)"/>
  <path d="M290 360 L340 376 M610 360 L560 376" stroke-width="6" opacity="0.5"/>
  <path d="M418 276 Q450 306 482 276" stroke-width="12" opacity="0.5" filter="url(#blur6)"/>
</g>
<path d="M420 252 Q450 280 480 252" fill="none" stroke="${s.topShade}" stroke-width="7"/>
<!-- head -->
<g transform="translate(0 ${HEAD_LIFT})">
<ellipse cx="393" cy="172" rx="11" ry="17" fill="${s.skinShade}"/>
<ellipse cx="507" cy="172" rx="11" ry="17" fill="${s.skinShade}"/>
<ellipse cx="450" cy="165" rx="58" ry="72" fill="url(#face)"/>
<g fill="none" stroke="${s.hair}" stroke-width="4" stroke-linecap="round" opacity="0.85">
  <path d="M417 150 Q428 143 439 149"/><path d="M461 149 Q472 143 483 150"/>
</g>
<ellipse cx="428" cy="168" rx="5" ry="6.5" fill="#2a211c"/>
<ellipse cx="472" cy="168" rx="5" ry="6.5" fill="#2a211c"/>
<circle cx="430" cy="166" r="1.6" fill="#ffffff" opacity="0.8"/>
<circle cx="474" cy="166" r="1.6" fill="#ffffff" opacity="0.8"/>
<path d="M450 176 Q445 191 452 195" fill="none" stroke="${s.skinShade}" stroke-width="3" stroke-linecap="round"/>
<path d="M436 209 Q450 220 464 209" fill="none" stroke="#9a4f45" stroke-width="4" stroke-linecap="round"/>
<circle cx="418" cy="193" r="11" fill="#e07a6a" opacity="0.16"/>
<circle cx="482" cy="193" r="11" fill="#e07a6a" opacity="0.16"/>
${hairSvg(s, 'front')}
</g>
</svg>`;
}

// ---------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------

interface Asset {
  name: string;
  /** What the image is drawn from; hashed into the stamp. */
  source: string;
  render(): Promise<Buffer>;
}

const png = (svg: string) => sharp(Buffer.from(svg)).flatten({ background: '#ffffff' }).png({ compressionLevel: 9 }).toBuffer();
const webp = (svg: string) => sharp(Buffer.from(svg)).flatten({ background: '#ffffff' }).webp({ quality: 90 }).toBuffer();
const jpeg = (svg: string) => sharp(Buffer.from(svg)).jpeg({ quality: 86, mozjpeg: true }).toBuffer();

/**
 * A phone camera writes the sensor's landscape pixels and records how to turn them with
 * EXIF Orientation. 6 means "rotate 90° clockwise to view", so the stored pixels are the
 * upright picture turned 90° counter-clockwise. GPS is there so tests can prove it is
 * stripped before upload.
 */
async function phonePhoto(svg: string): Promise<Buffer> {
  const upright = await sharp(Buffer.from(svg)).png().toBuffer();
  // Sensor grain: flat artwork would compress to a few hundred KB, a phone photo is MBs.
  const { width, height } = await sharp(upright).metadata();
  const grain = await sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 24 } } })
    .png()
    .toBuffer();
  const grainy = await sharp(upright)
    .composite([{ input: grain, blend: 'soft-light' }])
    .png()
    .toBuffer();
  const sideways = await sharp(grainy).rotate(270).toBuffer();
  return sharp(sideways)
    .withExif({
      IFD0: { Make: 'Northwind', Model: 'Demo Phone 12', DateTime: '2024:05:18 10:42:07' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '52/1 31/1 1234/100',
        GPSLongitudeRef: 'E',
        GPSLongitude: '13/1 24/1 1876/100',
      },
    })
    .withMetadata({ orientation: 6 })
    .jpeg({ quality: 88 })
    .toBuffer();
}

function assets(): Asset[] {
  const list: Asset[] = [];
  for (const colour of Object.keys(TEE_COLOURS) as TeeColour[]) {
    const front = teeSvg(colour, 'front');
    const detail = teeSvg(colour, 'detail');
    // The PNG is the garment handed to the try-on; the store's gallery shows lighter WebPs.
    list.push({ name: `tee-${colour}.png`, source: front, render: () => png(front) });
    list.push({ name: `tee-${colour}.webp`, source: front, render: () => webp(front) });
    list.push({ name: `tee-${colour}-detail.webp`, source: detail, render: () => webp(detail) });
  }
  SHOPPERS.forEach((shopper, index) => {
    const svg = shopperSvg(shopper);
    list.push({ name: `shopper-${index + 1}.jpg`, source: svg, render: () => jpeg(svg) });
  });
  for (const [name, svg] of [
    ['trousers-sand', trousersSvg()],
    ['jacket-olive', jacketSvg()],
  ] as const) {
    list.push({ name: `${name}.png`, source: svg, render: () => png(svg) });
    list.push({ name: `${name}.webp`, source: svg, render: () => webp(svg) });
  }
  for (const model of MODEL_FIGURES) {
    const svg = modelSvg(model);
    list.push({ name: `model-${model.id}.jpg`, source: svg, render: () => jpeg(svg) });
  }
  const models = modelsJson();
  list.push({ name: 'models.json', source: models, render: async () => Buffer.from(models) });
  const phone = shopperSvg(SHOPPERS[0]!, 3024, 4032);
  list.push({ name: 'shopper-phone-rotated.jpg', source: phone, render: () => phonePhoto(phone) });
  return list;
}

/** Fails loudly if sharp ever stops writing the phone photo the way tests rely on. */
async function checkPhonePhoto(file: string): Promise<void> {
  const meta = await sharp(file).metadata();
  const upright = meta.autoOrient;
  if (meta.width !== 4032 || meta.height !== 3024 || meta.orientation !== 6 || !meta.exif || upright.width !== 3024 || upright.height !== 4032) {
    throw new Error(`demo assets: ${file} is not a sideways 4032×3024 JPEG with EXIF orientation 6`);
  }
}

let pending: Promise<string> | undefined;

/** Makes sure demo/.generated/ holds current images and returns its absolute path. */
export function ensureDemoAssets(): Promise<string> {
  // One run per process even when several callers ask at once; a failure may be retried.
  pending ??= generate().catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}

async function generate(): Promise<string> {
  const list = assets();
  // The stamp covers every drawing and the code that encodes them.
  const hash = createHash('sha256');
  for (const encoder of [png, webp, jpeg, phonePhoto]) hash.update(String(encoder));
  for (const asset of list) hash.update(asset.name).update(asset.source);
  const stamp = hash.digest('hex');

  const current = await readFile(join(OUT_DIR, STAMP_FILE), 'utf8').catch(() => '');
  if (current === stamp && list.every((asset) => existsSync(join(OUT_DIR, asset.name)))) return OUT_DIR;

  await mkdir(OUT_DIR, { recursive: true });
  await Promise.all(
    list.map(async (asset) => {
      // Write then rename, so another process never serves a half-written file.
      const file = join(OUT_DIR, asset.name);
      const temp = `${file}.${process.pid}.tmp`;
      await writeFile(temp, await asset.render());
      await rename(temp, file);
    }),
  );
  await checkPhonePhoto(join(OUT_DIR, 'shopper-phone-rotated.jpg'));
  await writeFile(join(OUT_DIR, STAMP_FILE), stamp);
  return OUT_DIR;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = performance.now();
  const dir = await ensureDemoAssets();
  console.log(`Demo images ready in ${dir} (${Math.round(performance.now() - started)} ms)`);
}
