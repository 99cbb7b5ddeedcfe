import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SAFE_KEY, assertKey, type BlobStore, type StoredBlob } from './store.js';

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
