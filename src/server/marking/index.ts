import type { Overlay, UploadFormat } from '../image-checks.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { providerMarks } from './provider-marks.js';
import { visibleMark } from './visible-mark.js';
import { embedXmp, xmpPacket } from './xmp.js';

export { DIGITAL_SOURCE_TYPE } from './xmp.js';

/** An image as the proxy stores and serves it. */
export interface MarkedImage {
  bytes: Uint8Array;
  contentType: string;
}

/** What marks results get on this runtime; `GET /healthz` shows it, the start-up log says it. */
export interface MarkingStatus {
  xmp: boolean;
  c2pa: boolean;
  visible: boolean;
}

/** The marking settings from the environment (config.ts). */
export interface MarkingSettings {
  /** Named in the XMP credit and the visible mark. */
  shopName: string;
  /** The visible corner mark; on unless `FITTING_ROOM_VISIBLE_MARK=off`. */
  visibleMark: boolean;
  /** The merchant's C2PA certificate chain and key (PEM values or paths); no C2PA without. */
  c2pa?: { certificate: string; privateKey: string };
}

/** What the runtime can do beyond plain TypeScript: Node both (sharp, node:crypto), the edge neither. */
export interface MarkingTools {
  /** The image cleaner draws overlays into the pixels (images.ts does; images-portable.ts does not decode). */
  draws?: boolean;
  /** Adds a signed C2PA manifest (JPEG and PNG). */
  sign?: (image: MarkedImage, provider: string) => Promise<MarkedImage>;
}

export interface ResultMarker {
  status: MarkingStatus;
  /** The visible mark, for the cleaner to draw while it re-encodes the result; undefined when off. */
  overlay?: (width: number, height: number) => Overlay;
  /** Marks a cleaned result; `original` is the provider's file as it came, looked at for its own marks. */
  mark(original: MarkedImage, cleaned: MarkedImage): Promise<MarkedImage>;
}

const FORMATS: Record<string, UploadFormat> = { 'image/jpeg': 'jpeg', 'image/png': 'png', 'image/webp': 'webp' };

/**
 * Marks every result as AI-generated after it was stripped (AI Act Art. 50(2)): a visible
 * corner mark in the pixels (drawn by the cleaner, when the runtime can draw), then an XMP
 * packet with IPTC's digital source type, then a signed C2PA manifest (when configured and the
 * runtime can sign; JPEG and PNG, which is what every documented provider returns). What the
 * provider's own file said about itself is recorded first (log line and metric), since
 * stripping removes it; our marks are applied whatever it said.
 */
export function createResultMarker({
  settings,
  tools,
  provider,
  log,
  metrics,
}: {
  settings: MarkingSettings;
  tools: MarkingTools;
  provider: string;
  log: Logger;
  metrics: Metrics;
}): ResultMarker {
  const sign = settings.c2pa ? tools.sign : undefined;
  const overlay = settings.visibleMark && tools.draws ? visibleMark(`AI try-on · ${settings.shopName}`) : undefined;
  const packet = xmpPacket(settings.shopName);
  const status: MarkingStatus = { xmp: true, c2pa: Boolean(sign), visible: Boolean(overlay) };

  return {
    status,
    overlay,
    async mark(original, cleaned) {
      const kinds = providerMarks(original.bytes);
      if (kinds.length) {
        log.info('result.provider_marks', { provider, kinds });
        for (const kind of kinds) metrics.providerMarks.inc({ kind });
      }
      const format = FORMATS[cleaned.contentType];
      if (!format) throw new Error(`cannot mark ${cleaned.contentType}`);
      const image = { bytes: embedXmp(cleaned.bytes, format, packet), contentType: cleaned.contentType };
      if (!sign) return image;
      if (format !== 'webp') return sign(image, provider);
      log.warn('result.c2pa_skipped', { provider, reason: 'C2PA signing here supports JPEG and PNG; this WebP result carries XMP only' });
      return image;
    },
  };
}
