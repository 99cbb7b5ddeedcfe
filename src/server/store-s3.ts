// aws4fetch, not @aws-sdk/client-s3: it is a few kilobytes of SigV4 signing over the web-standard
// `fetch` and WebCrypto, so this one store runs unchanged on Node, Cloudflare Workers, Deno and Bun
// (the edge bundle must not pull in Node built-ins). The AWS SDK is hundreds of kilobytes, leans
// on Node streams, and we use five S3 calls: PUT, GET, HEAD, DELETE and ListObjectsV2.
import { AwsClient } from 'aws4fetch';
import type { S3Settings } from './config.js';
import { assertKey, type BlobStore, type StoredBlob } from './store.js';

export interface S3StoreOptions {
  /** Injected for tests (to count calls); the global fetch otherwise. */
  fetch?: typeof fetch;
  /** Per S3 call, body included. */
  timeoutMs?: number;
  /** Extra attempts after a network error, a 5xx or a 429 (every call here is idempotent). */
  retries?: number;
  /** Keys per ListObjectsV2 page (S3's maximum, 1000, by default; tests page with fewer). */
  pageSize?: number;
}

/** A call to the bucket that failed; `code` is S3's own (`AccessDenied`, `NoSuchBucket`, …). */
export class S3RequestError extends Error {
  override name = 'S3RequestError';
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(`S3 ${operation} failed: ${status}${code ? ` ${code}` : ''}`);
  }
}

const EXPIRES_AT = 'x-amz-meta-expires-at';
/** Wide enough for any millisecond timestamp until the year 33658, so key order is time order. */
const MARKER_DIGITS = 15;
const SWEEP_CONCURRENCY = 8;

/**
 * Photos and results in an S3-compatible bucket (AWS S3, Cloudflare R2, MinIO, …), so every
 * instance of a scaled-out proxy sees the same bytes. Two kinds of object live under the prefix:
 *
 *     blobs/<key>                      the bytes, their Content-Type, x-amz-meta-expires-at (ms)
 *     expiries/<expiresAt>-<key>       an empty marker; expiresAt zero-padded to 15 digits
 *
 * `get` refuses a blob whose expires-at has passed, so retention holds between sweeps.
 *
 * Why the markers: S3 cannot list by metadata, so a sweep over blobs alone would need one HEAD
 * per stored object every few seconds per instance. Markers sort by time, so `sweep` lists
 * them from the oldest and stops at the first one still in the future: its cost follows what
 * has expired, not what is stored. `put` writes the marker before the blob, so a blob never
 * exists without one. Before deleting a blob, `sweep` HEADs it and spares it when its own
 * expires-at is later (the same key put again with a later expiry has a later marker too).
 * `delete` removes the blob at once and leaves its marker (zero bytes: a time and a random id)
 * for the sweep. A bucket lifecycle rule on the prefix is a good backstop (src/server/README.md, "S3 storage").
 */
export class S3Store implements BlobStore {
  readonly #client: AwsClient;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #pageSize: number;
  readonly #bucketUrl: string;
  readonly #objectBase: string;
  #sweeping: Promise<number> | undefined;

  constructor(
    readonly settings: S3Settings,
    options: S3StoreOptions = {},
  ) {
    // aws4fetch's own retry loop is unused (we sign, then send through #fetch with our retries).
    this.#client = new AwsClient({ accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey, service: 's3', region: settings.region, retries: 0 });
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#retries = options.retries ?? 2;
    this.#pageSize = options.pageSize ?? 1000;
    const endpoint = new URL(settings.endpoint ?? `https://s3.${settings.region}.amazonaws.com`);
    const base = endpoint.href.replace(/\/$/, '');
    if (settings.forcePathStyle) {
      this.#bucketUrl = `${base}/${encodeURIComponent(settings.bucket)}`;
      this.#objectBase = `${this.#bucketUrl}/`;
    } else {
      endpoint.hostname = `${settings.bucket}.${endpoint.hostname}`;
      this.#bucketUrl = endpoint.href.replace(/\/$/, '');
      this.#objectBase = `${this.#bucketUrl}/`;
    }
  }

  /** The object key of an entry's bytes (tests list the bucket with it). */
  blobKey(key: string) {
    return `${this.settings.prefix}blobs/${key}`;
  }

  get #markers() {
    return `${this.settings.prefix}expiries/`;
  }

  async put(key: string, blob: StoredBlob, expiresAt: number) {
    assertKey(key);
    const marker = `${this.#markers}${String(Math.ceil(expiresAt)).padStart(MARKER_DIGITS, '0')}-${key}`;
    await this.#call('PUT marker', 'PUT', this.#objectUrl(marker), { body: new Uint8Array(0) });
    await this.#call('PUT', 'PUT', this.#objectUrl(this.blobKey(key)), {
      body: blob.bytes as Uint8Array<ArrayBuffer>,
      headers: { 'content-type': blob.contentType, [EXPIRES_AT]: String(expiresAt) },
    });
  }

  async get(key: string): Promise<StoredBlob | undefined> {
    assertKey(key);
    const response = await this.#send('GET', 'GET', this.#objectUrl(this.blobKey(key)));
    if (response.status === 404) return void (await discard(response));
    await assertOk('GET', response);
    // Missing or passed: an object without our expiry is not one we may hand out.
    const expiresAt = Number(response.headers.get(EXPIRES_AT));
    if (!(expiresAt > Date.now())) return void (await discard(response));
    return { bytes: new Uint8Array(await response.arrayBuffer()), contentType: response.headers.get('content-type') ?? 'application/octet-stream' };
  }

  async delete(key: string) {
    assertKey(key);
    await this.#call('DELETE', 'DELETE', this.#objectUrl(this.blobKey(key)));
  }

  /** One sweep at a time per store: the Node timer may fire again while a long one runs. */
  sweep(now = Date.now()): Promise<number> {
    this.#sweeping ??= this.#sweep(now).finally(() => (this.#sweeping = undefined));
    return this.#sweeping;
  }

  async #sweep(now: number): Promise<number> {
    let removed = 0;
    let token: string | undefined;
    do {
      const page = await this.#list(this.#markers, token);
      const due: { key: string; marker: string }[] = [];
      let reachedFuture = false;
      for (const marker of page.keys) {
        const match = /^(\d+)-([A-Za-z0-9_-]+)$/.exec(marker.slice(this.#markers.length));
        if (!match) continue; // not ours: leave it alone
        if (Number(match[1]) > now) {
          reachedFuture = true;
          break;
        }
        due.push({ key: match[2]!, marker });
      }
      for (let i = 0; i < due.length; i += SWEEP_CONCURRENCY) {
        const results = await Promise.all(due.slice(i, i + SWEEP_CONCURRENCY).map((entry) => this.#expire(entry, now)));
        removed += results.filter(Boolean).length;
      }
      token = reachedFuture ? undefined : page.next;
    } while (token);
    return removed;
  }

  /** Deletes an expired entry's bytes (unless put again since) and then its marker; true when bytes went. */
  async #expire({ key, marker }: { key: string; marker: string }, now: number): Promise<boolean> {
    const head = await this.#send('HEAD', 'HEAD', this.#objectUrl(this.blobKey(key)));
    await discard(head);
    let removed = false;
    if (head.ok) {
      if (Number(head.headers.get(EXPIRES_AT)) > now) {
        await this.#call('DELETE marker', 'DELETE', this.#objectUrl(marker));
        return false;
      }
      await this.#call('DELETE', 'DELETE', this.#objectUrl(this.blobKey(key)));
      removed = true;
    } else if (head.status !== 404) {
      await assertOk('HEAD', head);
    }
    await this.#call('DELETE marker', 'DELETE', this.#objectUrl(marker));
    return removed;
  }

  /** One page of ListObjectsV2 (up to `pageSize` keys, in key order). */
  async #list(prefix: string, continuationToken?: string): Promise<{ keys: string[]; next?: string }> {
    const url = new URL(`${this.#bucketUrl}/`);
    url.searchParams.set('list-type', '2');
    url.searchParams.set('prefix', prefix);
    url.searchParams.set('max-keys', String(this.#pageSize));
    if (continuationToken) url.searchParams.set('continuation-token', continuationToken);
    const response = await this.#send('LIST', 'GET', url.href);
    await assertOk('LIST', response);
    return parseListing(await response.text());
  }

  /** Lists object keys under the store's prefix (for operators and tests: what is in the bucket). */
  async listObjects(): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.#list(this.settings.prefix, token);
      keys.push(...page.keys);
      token = page.next;
    } while (token);
    return keys;
  }

  #objectUrl(objectKey: string) {
    return this.#objectBase + objectKey.split('/').map(encodeURIComponent).join('/');
  }

  async #call(operation: string, method: string, url: string, init: { body?: Uint8Array<ArrayBuffer>; headers?: Record<string, string> } = {}) {
    const response = await this.#send(operation, method, url, init);
    await assertOk(operation, response);
    await discard(response);
  }

  /** Signs and sends, retrying network errors, 5xx and 429 with a short jittered backoff. */
  async #send(operation: string, method: string, url: string, init: { body?: Uint8Array<ArrayBuffer>; headers?: Record<string, string> } = {}): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= this.#retries;
      // Signed anew per attempt: the signature covers the time.
      const request = await this.#client.sign(url, { method, body: init.body, headers: init.headers });
      let response: Response;
      try {
        response = await this.#fetch(request, { signal: AbortSignal.timeout(this.#timeoutMs) });
      } catch (error) {
        if (last) throw new Error(`S3 ${operation} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        await backoff(attempt);
        continue;
      }
      if (last || (response.status < 500 && response.status !== 429)) return response;
      await discard(response);
      await backoff(attempt);
    }
  }
}

async function assertOk(operation: string, response: Response) {
  if (response.ok) return;
  const body = response.body ? await response.text().catch(() => '') : '';
  throw new S3RequestError(operation, response.status, /<Code>([^<]*)<\/Code>/.exec(body)?.[1]);
}

/** Frees the connection of a response whose body we do not need. */
async function discard(response: Response) {
  if (!response.bodyUsed) await response.body?.cancel().catch(() => {});
}

const backoff = (attempt: number) => new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt * (0.5 + Math.random() / 2)));

/**
 * Reads the keys and the continuation token of a ListObjectsV2 answer. A regex, not an XML
 * parser: edge runtimes have no DOMParser, and this document's shape is fixed and flat.
 */
export function parseListing(xml: string): { keys: string[]; next?: string } {
  const keys = Array.from(xml.matchAll(/<Contents>[\s\S]*?<Key>([^<]*)<\/Key>[\s\S]*?<\/Contents>/g), (match) => xmlText(match[1]!));
  const truncated = /<IsTruncated>\s*true\s*<\/IsTruncated>/.test(xml);
  const next = /<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(xml)?.[1];
  return { keys, next: truncated && next ? xmlText(next) : undefined };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function xmlText(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, entity: string) =>
    entity[0] === '#'
      ? String.fromCodePoint(entity[1] === 'x' || entity[1] === 'X' ? Number.parseInt(entity.slice(2), 16) : Number(entity.slice(1)))
      : ENTITIES[entity.toLowerCase()]!,
  );
}
