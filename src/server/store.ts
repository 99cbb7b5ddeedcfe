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

/**
 * Store keys are the proxy's own random ids. This module has no platform dependency (edge
 * runtimes import it); `FileStore` (Node) is in store-file.ts, `S3Store` in store-s3.ts.
 */
export const SAFE_KEY = /^[A-Za-z0-9_-]{8,128}$/;

export function assertKey(key: string) {
  // Keys are our own random ids; this keeps a bug from ever becoming a path traversal.
  if (!SAFE_KEY.test(key)) throw new Error(`Invalid store key`);
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
