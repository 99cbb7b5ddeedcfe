import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Bytes kept for a while: shopper photos, garments and results. */
export interface StoredBlob {
  bytes: Uint8Array;
  contentType: string;
}

/**
 * Where photos and results live. Every entry has an expiry; `sweep` deletes what has
 * expired (the retention promise), and `delete` removes an entry at once.
 */
export interface BlobStore {
  put(key: string, blob: StoredBlob, expiresAt: number): Promise<void>;
  /** Undefined when missing or expired. */
  get(key: string): Promise<StoredBlob | undefined>;
  delete(key: string): Promise<void>;
  /** Deletes everything expired by `now`; returns how many entries went. */
  sweep(now?: number): Promise<number>;
}

const SAFE_KEY = /^[A-Za-z0-9_-]{8,128}$/;

function assertKey(key: string) {
  // Keys are our own random ids; this keeps a bug from ever becoming a path traversal.
  if (!SAFE_KEY.test(key)) throw new Error(`Invalid store key`);
}

/** The default store: one file for the bytes and one for the metadata, per entry. */
export class FileStore implements BlobStore {
  readonly #ready: Promise<unknown>;

  constructor(readonly dir: string) {
    this.#ready = mkdir(dir, { recursive: true, mode: 0o700 });
  }

  async put(key: string, blob: StoredBlob, expiresAt: number) {
    assertKey(key);
    await this.#ready;
    await writeFile(this.#path(key, 'bin'), blob.bytes, { mode: 0o600 });
    await writeFile(this.#path(key, 'json'), JSON.stringify({ contentType: blob.contentType, expiresAt }), { mode: 0o600 });
  }

  async get(key: string): Promise<StoredBlob | undefined> {
    assertKey(key);
    const meta = await this.#meta(key);
    if (!meta || meta.expiresAt <= Date.now()) return undefined;
    const bytes = await readFile(this.#path(key, 'bin')).catch(() => undefined);
    return bytes && { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), contentType: meta.contentType };
  }

  async delete(key: string) {
    assertKey(key);
    await Promise.all([rm(this.#path(key, 'bin'), { force: true }), rm(this.#path(key, 'json'), { force: true })]);
  }

  async sweep(now = Date.now()) {
    await this.#ready;
    let removed = 0;
    for (const name of await readdir(this.dir).catch(() => [] as string[])) {
      const key = name.replace(/\.(bin|json)$/, '');
      if (!name.endsWith('.json') || !SAFE_KEY.test(key)) continue;
      const meta = await this.#meta(key);
      if (!meta || meta.expiresAt <= now) {
        await this.delete(key);
        removed++;
      }
    }
    return removed;
  }

  async #meta(key: string): Promise<{ contentType: string; expiresAt: number } | undefined> {
    try {
      return JSON.parse(await readFile(this.#path(key, 'json'), 'utf8'));
    } catch {
      return undefined;
    }
  }

  #path(key: string, ext: 'bin' | 'json') {
    return join(this.dir, `${key}.${ext}`);
  }
}

/** For tests and single-instance edge deployments without a filesystem. */
export class MemoryStore implements BlobStore {
  readonly #entries = new Map<string, StoredBlob & { expiresAt: number }>();

  async put(key: string, blob: StoredBlob, expiresAt: number) {
    assertKey(key);
    this.#entries.set(key, { ...blob, expiresAt });
  }

  async get(key: string) {
    const entry = this.#entries.get(key);
    return entry && entry.expiresAt > Date.now() ? { bytes: entry.bytes, contentType: entry.contentType } : undefined;
  }

  async delete(key: string) {
    this.#entries.delete(key);
  }

  async sweep(now = Date.now()) {
    let removed = 0;
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now && this.#entries.delete(key)) removed++;
    return removed;
  }
}
