/**
 * Preflight: checks a photo on the device, before any upload (so it costs no credits), for
 * what makes try-on results poor. Pure functions over pixels, shared by the worker and the
 * main-thread fallback.
 */

export type PhotoCheckCode = 'small' | 'dark' | 'bright' | 'blurry' | 'landscape';

export interface PhotoCheck {
  code: PhotoCheckCode;
  /** A blocking check stops the try-on; the others are advice the shopper may ignore. */
  blocking: boolean;
}

/** Try-on providers need a person at least this many pixels across the short side. */
export const MIN_SHORT_SIDE = 512;
/** The analysis runs on a grey copy this big on its long side: cheap, and the same scale for every photo. */
export const ANALYSIS_LONG_SIDE = 320;

export interface GreyStats {
  /** Mean luminance, 0–255. */
  mean: number;
  /** Share of pixels that are crushed black (≤ 16) or blown out (≥ 250). */
  darkShare: number;
  brightShare: number;
  /**
   * Variance of the Laplacian in the sharpest tenth of the photo's tiles, relative to the
   * photo's brightness. A whole-image variance punishes plain backgrounds (in focus, the
   * person's edges make some tiles sharp), and a raw one calls every dark photo blurry.
   */
  sharpness: number;
}

const GRID = 8;

export function greyStats(rgba: Uint8ClampedArray, width: number, height: number): GreyStats {
  const count = width * height;
  const grey = new Float32Array(count);
  let sum = 0;
  let dark = 0;
  let bright = 0;
  for (let i = 0, p = 0; i < count; i++, p += 4) {
    const value = 0.299 * rgba[p] + 0.587 * rgba[p + 1] + 0.114 * rgba[p + 2];
    grey[i] = value;
    sum += value;
    if (value <= 16) dark++;
    else if (value >= 250) bright++;
  }
  const tiles = GRID * GRID;
  const sums = new Float64Array(tiles);
  const squares = new Float64Array(tiles);
  const counts = new Uint32Array(tiles);
  for (let y = 1; y < height - 1; y++) {
    const row = Math.min(GRID - 1, Math.floor((y * GRID) / height)) * GRID;
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const laplacian = grey[i - 1] + grey[i + 1] + grey[i - width] + grey[i + width] - 4 * grey[i];
      const tile = row + Math.min(GRID - 1, Math.floor((x * GRID) / width));
      sums[tile] += laplacian;
      squares[tile] += laplacian * laplacian;
      counts[tile]++;
    }
  }
  const variances: number[] = [];
  for (let t = 0; t < tiles; t++) {
    if (!counts[t]) continue;
    const mean = sums[t] / counts[t];
    variances.push(squares[t] / counts[t] - mean * mean);
  }
  variances.sort((a, b) => b - a);
  const top = variances.slice(0, Math.max(1, Math.round(variances.length / 10)));
  return {
    mean: sum / count,
    darkShare: dark / count,
    brightShare: bright / count,
    sharpness: top.reduce((total, value) => total + value, 0) / top.length / (Math.max(16, sum / count) / 128) ** 2,
  };
}

/** Thresholds, tuned on phone photos and on the same photos darkened, brightened and blurred (see the element tests). */
export const LIMITS = { darkMean: 60, darkShare: 0.5, brightMean: 235, brightShare: 0.4, sharpness: 100 };

/** What to tell the shopper about an upright photo of `width`×`height` with these statistics. */
export function judgePhoto(width: number, height: number, stats: GreyStats): PhotoCheck[] {
  const checks: PhotoCheck[] = [];
  if (Math.min(width, height) < MIN_SHORT_SIDE) checks.push({ code: 'small', blocking: true });
  if (stats.mean < LIMITS.darkMean || stats.darkShare > LIMITS.darkShare) checks.push({ code: 'dark', blocking: false });
  else if (stats.mean > LIMITS.brightMean || stats.brightShare > LIMITS.brightShare) checks.push({ code: 'bright', blocking: false });
  if (stats.sharpness < LIMITS.sharpness) checks.push({ code: 'blurry', blocking: false });
  if (width > height) checks.push({ code: 'landscape', blocking: false });
  return checks;
}
