/**
 * The merchant's model gallery (`FITTING_ROOM_MODELS`): photos of consenting models that
 * shoppers may try garments on instead of uploading a photo of themselves. Each photo is
 * validated and stripped once, at start-up, kept in memory for `GET /models/{id}/image` and in
 * the blob store (far from expiring) for providers that fetch images by URL. Jobs name a model
 * by `modelId`; its results are cached across shoppers, as nothing in them is a shopper's.
 */
import type { ModelView } from '../../contract.js';
import { sha256Hex } from '../../shared/sha256.js';
import { ConfigError } from '../config-values.js';
import type { ImageCleaner, ImageLimits } from '../image-checks.js';
import type { Logger } from '../log.js';
import type { RunPerson } from '../run-request.js';
import type { BlobStore, StoredBlob } from '../store.js';

/** One model as the operator describes it: an image `file` (in the folder) or `url`. */
export interface ModelSpec {
  id: string;
  label: string;
  height: string;
  size: string;
  file?: string;
  url?: string;
}

/** `FITTING_ROOM_MODELS`, read: a folder holding `models.json`, or the list itself. */
export type ModelsSetting = { folder: string } | { list: ModelSpec[] };

const MODEL_ID = /^[A-Za-z0-9_-]{1,40}$/;
const MAX_MODELS = 24;
/** Model photos stay in the store for as long as the proxy runs; they are written again at each start. */
const KEEP_MS = 10 * 365 * 24 * 3600 * 1000;

/** Reads `FITTING_ROOM_MODELS`: a JSON list (starts with `[`) or a folder path; undefined when unset. */
export function readModelsSetting(value: string | undefined): ModelsSetting | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (!text.startsWith('[')) return { folder: text };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError('FITTING_ROOM_MODELS: not valid JSON (a list of {id, label, height, size, url}, or a folder path).');
  }
  return { list: checkModelSpecs(parsed, 'url') };
}

/** Checks a list of model descriptions (the setting's, or a folder's models.json). */
export function checkModelSpecs(value: unknown, source: 'url' | 'file'): ModelSpec[] {
  if (!Array.isArray(value)) throw new ConfigError('FITTING_ROOM_MODELS: expected a list of models.');
  if (value.length > MAX_MODELS) throw new ConfigError(`FITTING_ROOM_MODELS: at most ${MAX_MODELS} models.`);
  const seen = new Set<string>();
  return value.map((entry, index) => {
    const spec = (entry ?? {}) as Record<string, unknown>;
    const text = (name: string) => (typeof spec[name] === 'string' || typeof spec[name] === 'number' ? String(spec[name]).slice(0, 80) : '');
    const id = text('id');
    if (!MODEL_ID.test(id) || seen.has(id)) throw new ConfigError(`FITTING_ROOM_MODELS: model ${index + 1} needs a unique "id" of letters, digits, "-" or "_".`);
    seen.add(id);
    if (!text('label') || !text(source)) throw new ConfigError(`FITTING_ROOM_MODELS: model "${id}" needs a "label" and a "${source}".`);
    return { id, label: text('label'), height: text('height'), size: text('size'), [source]: text(source) };
  });
}

export interface GalleryLoaders {
  /** Reads a file of the folder (Node only); absent on runtimes without a filesystem. */
  readFile?: (path: string) => Promise<Uint8Array>;
  /** Fetches a model's `url` through the garment guard (allowed hosts, size, redirects). */
  fetchImage: (url: string) => Promise<Uint8Array>;
  cleanImage: ImageCleaner;
  imageLimits: ImageLimits;
  store: BlobStore;
  log: Logger;
}

interface Model {
  view: ModelView;
  photo: RunPerson;
}

/** The gallery, loading in the background from start-up; `ready` settles when it is usable (empty if loading failed). */
export class ModelGallery {
  readonly #models = new Map<string, Model>();
  readonly ready: Promise<void>;

  constructor(setting: ModelsSetting | undefined, loaders: GalleryLoaders) {
    this.ready = setting ? this.#load(setting, loaders) : Promise.resolve();
  }

  list(): ModelView[] {
    return [...this.#models.values()].map(({ view }) => view);
  }

  has(id: string): boolean {
    return this.#models.has(id);
  }

  /** The model's stored photo, as jobs use it. */
  photo(id: string): RunPerson | undefined {
    return this.#models.get(id)?.photo;
  }

  image(id: string): StoredBlob | undefined {
    const photo = this.#models.get(id)?.photo;
    return photo && { bytes: photo.bytes, contentType: photo.contentType };
  }

  async #load(setting: ModelsSetting, { readFile, fetchImage, cleanImage, imageLimits, store, log }: GalleryLoaders) {
    try {
      let specs: ModelSpec[];
      let read: (spec: ModelSpec) => Promise<Uint8Array>;
      if ('folder' in setting) {
        if (!readFile) throw new ConfigError('FITTING_ROOM_MODELS: a folder needs a filesystem; on this runtime give a JSON list of {id, label, height, size, url}.');
        const folder = setting.folder.replace(/\/+$/, '');
        specs = checkModelSpecs(JSON.parse(new TextDecoder().decode(await readFile(`${folder}/models.json`))), 'file');
        // Only plain names inside the folder: models.json must not point anywhere else.
        read = (spec) => {
          if (!/^[\w.-]+$/.test(spec.file!) || spec.file!.startsWith('.')) throw new ConfigError(`FITTING_ROOM_MODELS: "${spec.file}" must be a file name inside the folder.`);
          return readFile(`${folder}/${spec.file}`);
        };
      } else {
        specs = setting.list;
        read = (spec) => fetchImage(spec.url!);
      }
      for (const spec of specs) {
        try {
          const { bytes, contentType } = await cleanImage(await read(spec), imageLimits, 'person');
          const clean = { bytes, contentType };
          const storeKey = `model-${(await sha256Hex(clean.bytes as Uint8Array<ArrayBuffer>)).slice(0, 40)}`;
          await store.put(storeKey, clean, Date.now() + KEEP_MS);
          const view = { id: spec.id, label: spec.label, height: spec.height, size: spec.size, imageUrl: `models/${encodeURIComponent(spec.id)}/image` };
          this.#models.set(spec.id, { view, photo: { ...clean, storeKey } });
        } catch (error) {
          log.error('models.model_skipped', { model: spec.id, error: error instanceof Error ? error.message : String(error) });
        }
      }
      log.info('models.loaded', { count: this.#models.size });
    } catch (error) {
      log.error('models.unavailable', { error: error instanceof Error ? error.message : String(error) });
    }
  }
}
