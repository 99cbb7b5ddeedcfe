/**
 * HEIC decoding for browsers that can't (Chrome, Firefox, Edge), loaded only for a HEIC
 * photo: libheif compiled to WebAssembly (libheif-js, LGPL-3.0, shipped as its own
 * unmodified files). The build emits the glue as its own chunk and the .wasm next to it
 * (vite.config.ts, `libheifWasm`), so both come from the widget's own origin: no CDN, no
 * network beyond that. libheif applies the HEIF rotation and mirror, so the image is upright.
 */
import glue from 'libheif-js/libheif-wasm/libheif.js';
import wasmUrl from 'virtual:libheif-wasm';

/** The part of libheif-js's JavaScript API used here (its bundled typings describe the raw exports only). */
interface HeifImage {
  get_width(): number;
  get_height(): number;
  display(target: ImageData, done: (result: ImageData | null) => void): void;
  free?(): void;
}
interface LibHeif {
  HeifDecoder: new () => { decode(data: Uint8Array): HeifImage[] };
}
const libheif = glue as unknown as (options: { wasmBinary: ArrayBuffer; onRuntimeInitialized(): void; onAbort(reason: unknown): void }) => LibHeif;
let ready: Promise<LibHeif> | undefined;

function load(): Promise<LibHeif> {
  ready ??= (async () => {
    const response = await fetch(new URL(wasmUrl, import.meta.url));
    if (!response.ok) throw new Error(`libheif.wasm: HTTP ${response.status}`);
    const wasmBinary = await response.arrayBuffer();
    return new Promise<LibHeif>((resolve, reject) => {
      // With the binary given, the runtime may be ready before libheif() even returns.
      const module: LibHeif = libheif({ wasmBinary, onRuntimeInitialized: () => void Promise.resolve().then(() => resolve(module)), onAbort: reject });
    });
  })();
  ready.catch(() => (ready = undefined));
  return ready;
}

export async function decodeHeic(file: Blob): Promise<ImageBitmap> {
  const lib = await load();
  const decoder = new lib.HeifDecoder();
  const [image] = decoder.decode(new Uint8Array(await file.arrayBuffer()));
  if (!image) throw new Error('no image in the HEIC file');
  const width = image.get_width();
  const height = image.get_height();
  const pixels = new ImageData(width, height);
  await new Promise<void>((resolve, reject) => image.display(pixels, (result) => (result ? resolve() : reject(new Error('HEIC decoding failed')))));
  image.free?.();
  return createImageBitmap(pixels);
}
