import type { UploadFormat } from '../image-checks.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { providerMarks } from './provider-marks.js';
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

/** The runtime's tools that need more than plain TypeScript: Node gives both (sharp, node:crypto), the edge neither. */
export interface MarkingTools {
  /** Draws the visible mark (`label`) and/or converts to PNG, re-encoding the pixels. */
  render?: (image: MarkedImage, options: { label?: string; toPng?: boolean }) => Promise<MarkedImage>;
  /** Adds a signed C2PA manifest (JPEG and PNG). */
  sign?: (image: MarkedImage, provider: string) => Promise<MarkedImage>;
}

export interface ResultMarker {
  status: MarkingStatus;
  /** Marks a cleaned result; `original` is the provider's file as it came, looked at for its own marks. */
  mark(original: MarkedImage, cleaned: MarkedImage): Promise<MarkedImage>;
}

const FORMATS: Record<string, UploadFormat> = { 'image/jpeg': 'jpeg', 'image/png': 'png', 'image/webp': 'webp' };

/**
 * Marks every result as AI-generated after it was stripped (AI Act Art. 50(2)): a visible
 * corner mark in the pixels (when the runtime can draw), then an XMP packet with IPTC's digital
 * source type, then a signed C2PA manifest (when configured and the runtime can sign). What the
 * provider's own file said about itself is recorded first (log line and metric), since
 * stripping removes it; our marks are applied whatever it said.
 */
export function createResultMarker({ settings, tools, provider, log, metrics }: { settings: MarkingSettings; tools: MarkingTools; provider: string; log: Logger; metrics: Metrics }): ResultMarker {
  const sign = settings.c2pa ? tools.sign : undefined;
  const render = tools.render;
  const label = settings.visibleMark && render ? `AI try-on · ${settings.shopName}` : undefined;
  const packet = xmpPacket(settings.shopName);
  const status: MarkingStatus = { xmp: true, c2pa: Boolean(sign), visible: Boolean(label) };

  return {
    status,
    async mark(original, cleaned) {
      const kinds = providerMarks(original.bytes);
      if (kinds.length) {
        log.info('result.provider_marks', { provider, kinds });
        for (const kind of kinds) metrics.providerMarks.inc({ kind });
      }
      let image = cleaned;
      const toPng = Boolean(sign) && image.contentType === 'image/webp';
      if (render && (label || toPng)) image = await render(image, { label, toPng });
      image = { bytes: embedXmp(image.bytes, FORMATS[image.contentType] ?? 'jpeg', packet), contentType: image.contentType };
      return sign ? sign(image, provider) : image;
    },
  };
}
