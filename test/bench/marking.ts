/**
 * What marking a result as AI-generated costs per result: the bytes it adds to the served file
 * and the milliseconds it adds after cleaning, median over `count` distinct provider-sized
 * results (768 × 1024, photo-like), for JPEG (the sandbox, Mirrago) and PNG (the other
 * providers). Three settings: XMP only (visible mark off), the default (XMP + visible mark),
 * and everything (XMP + visible mark + C2PA with a throwaway ES256 certificate).
 */
import sharp from 'sharp';
import { cleanImage } from '../../src/server/images.js';
import { createLogger } from '../../src/server/log.js';
import { createC2paSigner } from '../../src/server/marking/c2pa.js';
import { createResultMarker, type MarkingSettings, type MarkingTools, type ResultMarker } from '../../src/server/marking/index.js';
import { Metrics } from '../../src/server/metrics.js';
import { makeTestCertificate } from '../server/c2pa-reader.js';
import { median, round } from './lib.js';

export interface MarkingCost {
  setting: string;
  format: 'jpeg' | 'png';
  /** Median size of the cleaned, unmarked result. */
  cleanBytes: number;
  /** Median bytes marking adds. */
  addedBytes: number;
  /** Median time of cleaning alone. */
  cleanMs: number;
  /** What drawing the visible mark adds to cleaning: median of (cleaning with it − cleaning without, same result); under load this is mostly noise. */
  overlayMs: number;
  /** Median time of the marking after cleaning (provider marks, XMP, C2PA). */
  markMs: number;
  addedMs: number;
}

export type MarkingResults = MarkingCost[];

async function providerResult(seed: number, format: 'jpeg' | 'png'): Promise<Uint8Array> {
  // Noise blurred to photo-like detail, with a shape, different for each seed: no two results alike.
  const image = sharp({ create: { width: 768, height: 1024, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 120 + (seed % 40), sigma: 40 } } })
    .blur(1.2)
    .composite([
      {
        input: Buffer.from(
          `<svg xmlns="http://www.w3.org/2000/svg" width="768" height="1024"><rect x="${150 + seed * 5}" y="250" width="420" height="560" rx="60" fill="#2b3a55" fill-opacity="0.8"/></svg>`,
        ),
      },
    ]);
  const data = await (format === 'png' ? image.png() : image.jpeg({ quality: 90 })).toBuffer();
  return new Uint8Array(data);
}

export async function measureMarking({ count = 20 }: { count?: number } = {}): Promise<MarkingResults> {
  const certificate = makeTestCertificate();
  try {
    const sign = createC2paSigner(certificate.certPath, certificate.keyPem);
    const settings = (visibleMark: boolean, c2pa: boolean): MarkingSettings => ({
      shopName: 'Example Shop',
      visibleMark,
      c2pa: c2pa ? { certificate: 'x', privateKey: 'x' } : undefined,
    });
    const tools: MarkingTools = { draws: true, sign };
    const log = createLogger({ write: () => undefined });
    const markers = {
      'XMP only': createResultMarker({ settings: settings(false, false), tools, provider: 'sandbox', log, metrics: new Metrics() }),
      'XMP + visible mark (default)': createResultMarker({ settings: settings(true, false), tools, provider: 'sandbox', log, metrics: new Metrics() }),
      'XMP + visible mark + C2PA': createResultMarker({ settings: settings(true, true), tools, provider: 'sandbox', log, metrics: new Metrics() }),
    };
    const limits = { maxBytes: 40 * 1024 * 1024, maxPixels: 50_000_000 };
    const costs: MarkingCost[] = [];
    for (const format of ['jpeg', 'png'] as const) {
      const baseline: number[] = [];
      const samples = Object.fromEntries(
        Object.keys(markers).map((name) => [name, { drawMs: [] as number[], markMs: [] as number[], clean: [] as number[], added: [] as number[] }]),
      );
      // Two warm-up results first: the first decodes and encodes of a format are slower.
      for (let seed = -2; seed < count; seed++) {
        const raw = { bytes: await providerResult(seed + 2, format), contentType: `image/${format}` };
        const timeClean = async (overlay?: ResultMarker['overlay']) => {
          const started = performance.now();
          const cleaned = await cleanImage(raw.bytes, limits, 'result', { overlay });
          return { cleaned, ms: performance.now() - started };
        };
        const plain = await timeClean();
        if (seed >= 0) baseline.push(plain.ms);
        for (const [name, marker] of Object.entries(markers)) {
          // Cleaning with the mark is paired with the plain cleaning just before it: load on a shared machine drifts.
          const { cleaned, ms } = await timeClean(marker.overlay);
          const started = performance.now();
          const marked = await marker.mark(raw, cleaned);
          if (seed < 0) continue;
          const sample = samples[name]!;
          sample.drawMs.push(ms - plain.ms);
          sample.markMs.push(performance.now() - started);
          sample.clean.push(plain.cleaned.bytes.length);
          sample.added.push(marked.bytes.length - plain.cleaned.bytes.length);
        }
      }
      for (const [setting, sample] of Object.entries(samples)) {
        const overlayMs = median(sample.drawMs);
        const markMs = median(sample.markMs);
        costs.push({
          setting,
          format,
          cleanBytes: median(sample.clean),
          addedBytes: median(sample.added),
          cleanMs: round(median(baseline)),
          overlayMs: round(overlayMs),
          markMs: round(markMs),
          addedMs: round(overlayMs + markMs),
        });
      }
    }
    return costs;
  } finally {
    certificate.cleanup();
  }
}

/** One line per setting and format, for the console. */
export const describeMarking = (results: MarkingResults): string[] =>
  results.map(
    (cost) =>
      `marking ${cost.format} ${cost.setting}: +${cost.addedBytes} B on ${cost.cleanBytes} B, +${cost.addedMs} ms (drawing ${cost.overlayMs}, marking ${cost.markMs}) on ${cost.cleanMs} ms of cleaning (median)`,
  );
