import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobCreated } from '../../src/contract.js';
import { ConfigError, readConfig } from '../../src/server/config.js';
import { S3RequestError, S3Store, parseListing } from '../../src/server/store-s3.js';
import { ContractClient, startProxy } from './harness.js';
import { startS3, type TestS3 } from './s3-server.js';

let s3: TestS3;
beforeAll(async () => {
  s3 = await startS3();
});
afterAll(async () => {
  await s3?.close();
});

let prefixes = 0;
/** Each test works under a prefix of its own in the one bucket. */
const fresh = () => `t${++prefixes}/`;
const blob = (text: string) => ({ bytes: new TextEncoder().encode(text), contentType: 'image/png' });
const under = async (prefix: string) => (await s3.keys()).filter((key) => key.startsWith(prefix));
const HOUR = 3_600_000;

/** A fetch that records each S3 call as "METHOD path?query" and can fail the first calls. */
function recordingFetch(failFirst = 0) {
  const calls: string[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    calls.push(`${request.method} ${url.pathname}${url.search}`);
    if (calls.length <= failFirst) return new Response('<Error><Code>SlowDown</Code></Error>', { status: 503 });
    return fetch(request);
  };
  return { calls, fetch: fetchImpl };
}

describe('S3Store against s3rver', () => {
  it('keeps bytes and content type under the prefix, and deletes them at once', async () => {
    const prefix = fresh();
    const store = s3.store(prefix);
    await store.put('photo-aaaaaaaa', blob('person pixels'), Date.now() + HOUR);
    await store.put('result-bbbbbbbb', { bytes: new Uint8Array([1, 2, 3]), contentType: 'image/jpeg' }, Date.now() + HOUR);

    const got = await store.get('photo-aaaaaaaa');
    expect(new TextDecoder().decode(got!.bytes)).toBe('person pixels');
    expect(got!.contentType).toBe('image/png');
    expect(await store.get('result-bbbbbbbb')).toEqual({ bytes: new Uint8Array([1, 2, 3]), contentType: 'image/jpeg' });
    expect(await store.get('missing-cccccccc')).toBeUndefined();
    expect(await under(`${prefix}blobs/`)).toEqual([`${prefix}blobs/photo-aaaaaaaa`, `${prefix}blobs/result-bbbbbbbb`]);

    await store.delete('photo-aaaaaaaa');
    await store.delete('never-stored-dddd'); // deleting what is not there is not an error
    expect(await store.get('photo-aaaaaaaa')).toBeUndefined();
    expect(await under(`${prefix}blobs/`)).toEqual([`${prefix}blobs/result-bbbbbbbb`]);
  });

  it('refuses an expired object on get, before any sweep removed it', async () => {
    const prefix = fresh();
    const store = s3.store(prefix);
    await store.put('expired-aaaaaaaa', blob('old'), Date.now() - 1);
    expect(await under(`${prefix}blobs/`)).toEqual([`${prefix}blobs/expired-aaaaaaaa`]);
    expect(await store.get('expired-aaaaaaaa')).toBeUndefined();
  });

  it('sweeps what has expired, leaves the rest, and lists only the markers that are due', async () => {
    const prefix = fresh();
    const recording = recordingFetch();
    const store = s3.store(prefix, { fetch: recording.fetch });
    const now = Date.now();
    for (const key of ['gone-1aaaaaaa', 'gone-2aaaaaaa', 'gone-3aaaaaaa']) await store.put(key, blob(key), now - 1000);
    for (const key of ['kept-1aaaaaaa', 'kept-2aaaaaaa']) await store.put(key, blob(key), now + HOUR);

    recording.calls.length = 0;
    expect(await store.sweep(now)).toBe(3);
    // One listing, then per expired entry: HEAD, DELETE bytes, DELETE marker. Nothing for the kept ones.
    expect(recording.calls.filter((call) => call.includes('list-type=2'))).toHaveLength(1);
    expect(recording.calls.filter((call) => call.startsWith('HEAD'))).toHaveLength(3);
    expect(recording.calls.some((call) => call.includes('kept-'))).toBe(false);

    expect(await under(`${prefix}blobs/`)).toEqual([`${prefix}blobs/kept-1aaaaaaa`, `${prefix}blobs/kept-2aaaaaaa`]);
    expect(new TextDecoder().decode((await store.get('kept-1aaaaaaa'))!.bytes)).toBe('kept-1aaaaaaa');

    // A sweep with nothing due costs one listing.
    recording.calls.length = 0;
    expect(await store.sweep(now)).toBe(0);
    expect(recording.calls).toHaveLength(1);

    expect(await store.sweep(now + 2 * HOUR)).toBe(2);
    expect(await under(prefix)).toEqual([]);
  });

  it('pages through ListObjectsV2 with continuation tokens', async () => {
    const prefix = fresh();
    const recording = recordingFetch();
    const store = s3.store(prefix, { fetch: recording.fetch, pageSize: 2 });
    const now = Date.now();
    for (let i = 0; i < 7; i++) await store.put(`paged-${i}-aaaaaa`, blob(String(i)), now - 10_000 + i);
    recording.calls.length = 0;
    expect(await store.sweep(now)).toBe(7);
    expect(recording.calls.filter((call) => call.includes('continuation-token='))).toHaveLength(3);
    expect(await under(prefix)).toEqual([]);
  });

  it('spares bytes put again with a later expiry when the earlier marker comes due', async () => {
    const prefix = fresh();
    const store = s3.store(prefix);
    const now = Date.now();
    await store.put('again-aaaaaaaa', blob('first'), now - 1000);
    await store.put('again-aaaaaaaa', blob('second'), now + HOUR);
    expect(await store.sweep(now)).toBe(0);
    expect(new TextDecoder().decode((await store.get('again-aaaaaaaa'))!.bytes)).toBe('second');
    expect((await under(`${prefix}expiries/`)).length).toBe(1);
  });

  it('leaves objects outside its prefix alone', async () => {
    const mine = s3.store(fresh());
    const otherPrefix = fresh();
    const other = s3.store(otherPrefix);
    await other.put('theirs-aaaaaaaa', blob('theirs'), Date.now() - 1000);
    await mine.sweep(Date.now());
    expect(await under(`${otherPrefix}blobs/`)).toEqual([`${otherPrefix}blobs/theirs-aaaaaaaa`]);
  });

  it('retries a 503 and then succeeds', async () => {
    const recording = recordingFetch(1);
    const store = s3.store(fresh(), { fetch: recording.fetch });
    await store.put('retry-aaaaaaaa', blob('ok'), Date.now() + HOUR);
    expect(recording.calls.filter((call) => call.startsWith('PUT'))).toHaveLength(3); // marker twice, then bytes
    expect(new TextDecoder().decode((await store.get('retry-aaaaaaaa'))!.bytes)).toBe('ok');
  });

  it('fails with S3’s error code, and never with the secret in the message', async () => {
    const store = new S3Store({ ...s3.settings(fresh()), accessKeyId: 'NOT-A-KEY', secretAccessKey: 'super-secret-value-123' });
    const error = await store.put('denied-aaaaaaaa', blob('x'), Date.now() + HOUR).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(S3RequestError);
    expect(error).toMatchObject({ status: 403, code: 'InvalidAccessKeyId' });
    expect(String((error as Error).message)).not.toContain('super-secret');
  });

  it('refuses keys that are not the proxy’s own ids', async () => {
    const store = s3.store(fresh());
    await expect(store.put('../escape', blob('x'), Date.now() + HOUR)).rejects.toThrow(/Invalid store key/);
    await expect(store.get('a/b/c/d/e/f')).rejects.toThrow(/Invalid store key/);
  });
});

describe('S3Store request shape', () => {
  /** Captures the one signed request a call makes, answering 200 without a network. */
  async function firstRequest(settings: Parameters<typeof readConfig>[0]) {
    const requests: Request[] = [];
    const config = readConfig({
      FITTING_ROOM_SECRET: 'x'.repeat(32),
      FITTING_ROOM_ALLOWED_ORIGINS: 'https://shop.example',
      S3_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      S3_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI',
      ...settings,
    });
    const store = new S3Store(config.s3!, {
      fetch: async (input, init) => {
        requests.push(new Request(input, init));
        return new Response(null, { status: 204 });
      },
    });
    await store.delete('photo-aaaaaaaa');
    return requests[0]!;
  }

  it('addresses AWS by virtual host in the configured region, signed with SigV4', async () => {
    const request = await firstRequest({ S3_BUCKET: 'shop-photos', S3_REGION: 'eu-west-1' });
    expect(request.method).toBe('DELETE');
    expect(request.url).toBe('https://shop-photos.s3.eu-west-1.amazonaws.com/fitting-room/blobs/photo-aaaaaaaa');
    expect(request.headers.get('authorization')).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/s3\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/,
    );
  });

  it('uses path style for a custom endpoint unless told otherwise, and the prefix as given', async () => {
    const r2 = await firstRequest({ S3_BUCKET: 'photos', S3_ENDPOINT: 'https://acct.r2.cloudflarestorage.com', S3_PREFIX: 'shop-a/tryon' });
    expect(r2.url).toBe('https://acct.r2.cloudflarestorage.com/photos/shop-a/tryon/blobs/photo-aaaaaaaa');
    const hosted = await firstRequest({ S3_BUCKET: 'photos', S3_ENDPOINT: 'https://acct.r2.cloudflarestorage.com', S3_FORCE_PATH_STYLE: 'false' });
    expect(hosted.url).toBe('https://photos.acct.r2.cloudflarestorage.com/fitting-room/blobs/photo-aaaaaaaa');
  });
});

describe('S3 configuration', () => {
  const base = { FITTING_ROOM_SECRET: 'x'.repeat(32), FITTING_ROOM_ALLOWED_ORIGINS: 'https://shop.example' };

  it('is off without S3_BUCKET, and complete with defaults when set', () => {
    expect(readConfig(base).s3).toBeUndefined();
    expect(readConfig({ ...base, S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'k', S3_SECRET_ACCESS_KEY: 's' }).s3).toEqual({
      bucket: 'b',
      endpoint: undefined,
      region: 'us-east-1',
      accessKeyId: 'k',
      secretAccessKey: 's',
      forcePathStyle: false,
      prefix: 'fitting-room/',
    });
  });

  it('names what is missing or wrong', () => {
    expect(() => readConfig({ ...base, S3_ACCESS_KEY_ID: 'k' })).toThrow(ConfigError);
    expect(() => readConfig({ ...base, S3_ACCESS_KEY_ID: 'k' })).toThrow(/S3_ACCESS_KEY_ID is set but S3_BUCKET is not/);
    expect(() => readConfig({ ...base, S3_BUCKET: 'b' })).toThrow(/S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY/);
    expect(() => readConfig({ ...base, S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'k', S3_SECRET_ACCESS_KEY: 's', S3_ENDPOINT: 'ftp://x' })).toThrow(/S3_ENDPOINT/);
    expect(() => readConfig({ ...base, S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'k', S3_SECRET_ACCESS_KEY: 's', S3_PREFIX: 'a b' })).toThrow(/S3_PREFIX/);
    expect(() => readConfig({ ...base, S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'k', S3_SECRET_ACCESS_KEY: 's', S3_FORCE_PATH_STYLE: 'maybe' })).toThrow(/S3_FORCE_PATH_STYLE/);
  });

  it('reads ListObjectsV2 answers, escaped keys and continuation included', () => {
    const xml = `<?xml version="1.0"?><ListBucketResult><IsTruncated>true</IsTruncated><Contents><Key>a&amp;b/c</Key><Size>0</Size></Contents><Contents><Key>d&#x2F;e</Key></Contents><NextContinuationToken>tok&amp;en</NextContinuationToken></ListBucketResult>`;
    expect(parseListing(xml)).toEqual({ keys: ['a&b/c', 'd/e'], next: 'tok&en' });
    expect(parseListing('<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>')).toEqual({ keys: [], next: undefined });
  });
});

describe('a proxy on S3', () => {
  it('keeps photos and results in the bucket, not on disk, and DELETE removes their bytes', async () => {
    const prefix = 'contract/';
    const proxy = await startProxy({ ...s3.env, S3_PREFIX: prefix });
    try {
      const client = await ContractClient.open(proxy);
      const created = (await (await client.createJob()).json()) as JobCreated;
      const events = await client.events(created.id);
      expect(events.at(-1)!.view.status).toBe('succeeded');
      const result = await client.call(`results/${created.id}`);
      expect(result.status).toBe(200);
      const resultBytes = new Uint8Array(await result.arrayBuffer());

      const blobs = await under(`${prefix}blobs/`);
      expect(blobs).toContain(`${prefix}blobs/${created.personRef}`);
      expect(blobs.length).toBeGreaterThanOrEqual(2); // the photo and the result
      const stored = await Promise.all(blobs.map((key) => s3.store(prefix).get(key.slice(`${prefix}blobs/`.length))));
      expect(stored.some((entry) => entry && entry.bytes.length === resultBytes.length && entry.bytes.every((byte, i) => byte === resultBytes[i]))).toBe(true);
      expect(await proxy.storedFiles()).toEqual([]);

      expect((await client.call(`jobs/${created.id}`, { method: 'DELETE' })).status).toBe(204);
      expect(await under(`${prefix}blobs/`)).toEqual([]);
      // What is left are the empty expiry markers; the next sweep past their time takes them.
      expect((await under(prefix)).every((key) => /^contract\/expiries\/\d{15}-[A-Za-z0-9_-]+$/.test(key))).toBe(true);
      await proxy.proxy.proxy.sweep(Date.now() + 2 * 24 * HOUR);
      expect(await under(prefix)).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});
