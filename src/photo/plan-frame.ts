/** A source rectangle of the upright photo and the size to draw it at. */
export interface FramePlan {
  sx: number;
  sy: number;
  sw: number;
  sh: number;
  width: number;
  height: number;
}

/** Try-on models expect a portrait; 3:4 is what every supported provider renders. */
export const PORTRAIT_RATIO = 3 / 4;

/**
 * Plans how an upright photo becomes the upload: photos wider than 3:4 (landscape,
 * square) are centre-cropped to a 3:4 portrait; taller ones are kept whole, because
 * cropping them would cut off the head or the feet. Then the long side is scaled down
 * to `maxLongSide` (never up).
 */
export function planFrame(width: number, height: number, maxLongSide: number): FramePlan {
  let sw = width;
  const sh = height;
  if (width / height > PORTRAIT_RATIO) sw = Math.round(height * PORTRAIT_RATIO);
  const scale = Math.min(1, maxLongSide / Math.max(sw, sh));
  return {
    sx: Math.round((width - sw) / 2),
    sy: 0,
    sw,
    sh,
    width: Math.max(1, Math.round(sw * scale)),
    height: Math.max(1, Math.round(sh * scale)),
  };
}
