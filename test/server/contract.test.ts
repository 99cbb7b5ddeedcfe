import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobCreated, JobView } from '../../src/contract.js';
import { SessionSigner } from '../../src/server/session.js';
import { ContractClient, SECRET, bytesOf, SHOP_ORIGIN, expectError, garmentPng, phoneJpeg, startProxy, type JobFormFields, type TestProxy } from './harness.js';

/**
 * The widget ↔ proxy contract over real HTTP on loopback, on the sandbox provider:
 * what a browser on the shop sees, including every bad input it might send.
 */
let proxy: TestProxy;
let client: ContractClient;
let token: string;

async function useProxy(next: TestProxy) {
  proxy = next;
  client = await ContractClient.open(proxy);
  token = client.token;
}

beforeAll(async () => useProxy(await startProxy()));
afterAll(() => proxy?.close());

const call = (...args: Parameters<ContractClient['call']>) => client.call(...args);
const createJob = (...args: Parameters<ContractClient['createJob']>) => client.createJob(...args);
const events = (...args: Parameters<ContractClient['events']>) => client.events(...args);
const jobForm = (fields: JobFormFields) => client.form(fields);

describe('sessions', () => {
  it('issues a short-lived token to an allowed origin, with the retention', async () => {
    const grant = await proxy.session();
    expect(grant.token.split('.')).toHaveLength(3);
    const lifetime = Date.parse(grant.expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(500_000);
    expect(lifetime).toBeLessThanOrEqual(900_000);
    expect(grant.retentionSeconds).toBe(3600);
  });

  it('refuses a disallowed Origin, and a request without one', async () => {
    await expectError(await fetch(`${proxy.url}/session`, { method: 'POST', headers: { origin: 'https://evil.example' } }), 403, 'ORIGIN_NOT_ALLOWED');
    await expectError(await fetch(`${proxy.url}/session`, { method: 'POST' }), 403, 'ORIGIN_NOT_ALLOWED');
  });

  it('answers CORS preflights for the shop only', async () => {
    const preflight = (origin: string) =>
      fetch(`${proxy.url}/jobs`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,idempotency-key' },
      });
    expect((await preflight(SHOP_ORIGIN)).headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('renews a token into the same session, so its jobs stay visible', async () => {
    const created = (await (await createJob()).json()) as JobCreated;
    const renewed = await fetch(`${proxy.url}/session`, { method: 'POST', headers: { origin: SHOP_ORIGIN, authorization: `Bearer ${token}` } });
    const { token: next } = (await renewed.json()) as { token: string };
    const sessionOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()).sid;
    expect(sessionOf(next)).toBe(sessionOf(token));
    expect(sessionOf((await proxy.session()).token)).not.toBe(sessionOf(token));
    expect((await call(`jobs/${created.id}`, { token: next })).status).toBe(200);
  });

  it('rejects a tampered, forged, expired or foreign token with its own code', async () => {
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, sid: 'someone-elses-session-id' })).toString('base64url')}.${signature}`;
    await expectError(await call('jobs/x', { token: tampered }), 401, 'TOKEN_INVALID');

    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    await expectError(await call('jobs/x', { token: none }), 401, 'TOKEN_INVALID');
    await expectError(await call('jobs/x', { token: 'not-a-token' }), 401, 'TOKEN_INVALID');
    await expectError(await call('jobs/x', { token: '' }), 401, 'TOKEN_MISSING');

    const signer = new SessionSigner(SECRET, 600, 3600);
    const expired = await signer.issue(SHOP_ORIGIN, undefined, Date.now() - 11 * 60_000);
    await expectError(await call('jobs/x', { token: expired.token }), 401, 'TOKEN_EXPIRED');

    const otherKey = await new SessionSigner('another-secret-that-is-long-enough-000000', 600, 3600).issue(SHOP_ORIGIN);
    await expectError(await call('jobs/x', { token: otherKey.token }), 401, 'TOKEN_INVALID');

    await expectError(await call('jobs/x', { origin: 'https://evil.example' }), 403, 'ORIGIN_MISMATCH');
  });
});

describe('a try-on job', () => {
  it('runs to a stripped, upright result, followed live over SSE', async () => {
    const response = await createJob({}, { idempotencyKey: 'first-try' });
    expect(response.status).toBe(202);
    const created = (await response.json()) as JobCreated;
    expect(created).toMatchObject({ status: 'queued' });
    expect(created.id).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);

    const stream = await events(created.id);
    const statuses = stream.map((event) => event.view.status);
    expect(statuses[0]).toBe('queued');
    expect(statuses).toContain('running');
    expect(statuses.at(-1)).toBe('succeeded');
    const progress = stream.flatMap((event) => (event.view.progress == null ? [] : [event.view.progress]));
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(stream.map((event) => Number(event.id))).toEqual(stream.map((_, index) => Number(stream[0]!.id) + index));

    const final = (await (await call(`jobs/${created.id}`)).json()) as JobView;
    expect(final).toEqual({ id: created.id, status: 'succeeded', resultUrl: `results/${created.id}`, preview: true });

    const result = await call(final.resultUrl!);
    expect(result.headers.get('content-type')).toBe('image/jpeg');
    expect(result.headers.get('cache-control')).toBe('private, no-store');
    const meta = await sharp(Buffer.from(await result.arrayBuffer())).metadata();
    // The 1200×900 sideways original with orientation 6 comes back upright, without EXIF or GPS.
    expect([meta.width, meta.height]).toEqual([900, 1200]);
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
  });

  it('resumes an event stream after the last event id it saw', async () => {
    const created = (await (await createJob()).json()) as JobCreated;
    const all = await events(created.id);
    const resumed = await events(created.id, { lastEventId: all[0]!.id });
    expect(resumed.map((event) => event.id)).toEqual(all.slice(1).map((event) => event.id));
  });

  it('returns the same job for a repeated Idempotency-Key, and refuses the key for other content', async () => {
    const person = new Blob([await phoneJpeg()], { type: 'image/jpeg' });
    const first = (await (await createJob({ person }, { idempotencyKey: 'key-1' })).json()) as JobCreated;
    const again = (await (await createJob({ person }, { idempotencyKey: 'key-1' })).json()) as JobCreated;
    expect(again.id).toBe(first.id);
    await expectError(await createJob({ person, category: 'dress' }, { idempotencyKey: 'key-1' }), 409, 'IDEMPOTENCY_CONFLICT');
  });

  it('reuses a stored photo by personRef, within its session only', async () => {
    const first = (await (await createJob()).json()) as JobCreated;
    const second = await createJob({ person: null, personRef: first.personRef });
    expect(second.status).toBe(202);
    expect(((await second.json()) as JobCreated).personRef).toBe(first.personRef);
    const stranger = (await proxy.session()).token;
    await expectError(await createJob({ person: null, personRef: first.personRef }, { token: stranger }), 404, 'PERSON_REF_NOT_FOUND');
  });

  it('ends in a failed state with a retryable code when the provider fails the job', async () => {
    const created = (await (await createJob({ productId: 'sandbox-fail-tee' })).json()) as JobCreated;
    const final = (await events(created.id)).at(-1)!.view;
    expect(final).toMatchObject({ status: 'failed', error: { code: 'TRYON_FAILED', retryable: true } });
    expect(JSON.stringify(final)).not.toContain('SANDBOX_TRIGGERED_FAILURE');
  });

  it('is invisible to another session: every route answers 404', async () => {
    const created = (await (await createJob()).json()) as JobCreated;
    const stranger = (await proxy.session()).token;
    for (const [path, method] of [
      [`jobs/${created.id}`, 'GET'],
      [`jobs/${created.id}/events`, 'GET'],
      [`results/${created.id}`, 'GET'],
      [`jobs/${created.id}`, 'DELETE'],
    ] as const) {
      await expectError(await call(path, { method, token: stranger }), 404, 'JOB_NOT_FOUND');
    }
    expect((await call(`jobs/${created.id}`)).status).toBe(200);
  });
});

describe('stored bytes', () => {
  // A proxy of its own, so no other test's job writes files while these count them.
  let shared: TestProxy;
  beforeAll(async () => {
    shared = proxy;
    await useProxy(await startProxy());
  });
  afterAll(async () => {
    await proxy.close();
    await useProxy(shared);
  });

  it('cancels on DELETE and deletes the photo, garment and result bytes at once', async () => {
    const before = new Set(await proxy.storedFiles());
    const created = (await (await createJob()).json()) as JobCreated;
    expect((await proxy.storedFiles()).length).toBeGreaterThan(before.size);
    const response = await call(`jobs/${created.id}`, { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect((await proxy.storedFiles()).filter((file) => !before.has(file))).toEqual([]);
    await expectError(await call(`jobs/${created.id}`), 404, 'JOB_NOT_FOUND');
    await expectError(await createJob({ person: null, personRef: created.personRef }), 404, 'PERSON_REF_NOT_FOUND');
  });

  it('deletes photos and results once the retention has passed', async () => {
    const created = (await (await createJob()).json()) as JobCreated;
    await events(created.id);
    expect((await call(`results/${created.id}`)).status).toBe(200);
    await proxy.proxy.proxy.sweep(Date.now() + 3601 * 1000);
    expect(await proxy.storedFiles()).toEqual([]);
    await expectError(await call(`results/${created.id}`), 404, 'RESULT_NOT_FOUND');
  });
});

describe('bad uploads', () => {
  const upload = (bytes: Uint8Array<ArrayBuffer> | string, type = 'image/jpeg') => createJob({ person: new Blob([bytes], { type }) });

  it('a PDF renamed to .jpg: 415 UNSUPPORTED_IMAGE_TYPE', async () => {
    await expectError(await upload('%PDF-1.7\n%âãÏÓ\n1 0 obj << /Type /Catalog >> endobj'), 415, 'UNSUPPORTED_IMAGE_TYPE');
  });

  it('a 0-byte file: 400 EMPTY_IMAGE', async () => {
    await expectError(await upload(new Uint8Array(0)), 400, 'EMPTY_IMAGE');
  });

  it('a 60 MP PNG: 413 IMAGE_TOO_MANY_PIXELS, refused from its header', async () => {
    const png = bytesOf(
      await sharp({ create: { width: 8000, height: 7500, channels: 3, background: '#888' } })
        .png({ compressionLevel: 9 })
        .toBuffer(),
    );
    expect(png.byteLength).toBeLessThan(10 * 1024 * 1024);
    await expectError(await upload(png, 'image/png'), 413, 'IMAGE_TOO_MANY_PIXELS');
  });

  it('a file over 10 MB: 413 IMAGE_TOO_LARGE', async () => {
    const big = bytesOf(Buffer.concat([await phoneJpeg(), Buffer.alloc(10 * 1024 * 1024)]));
    await expectError(await upload(big), 413, 'IMAGE_TOO_LARGE');
  });

  it('a truncated JPEG: 422 IMAGE_UNREADABLE', async () => {
    const jpeg = await phoneJpeg();
    await expectError(await upload(jpeg.subarray(0, 300)), 422, 'IMAGE_UNREADABLE');
  });

  it('missing fields and unknown categories get their own codes', async () => {
    await expectError(await call('jobs', { method: 'POST', body: jobForm({}) }), 400, 'PERSON_MISSING');
    await expectError(await upload(await phoneJpeg()).then(() => createJob({ category: 'hat' })), 400, 'INVALID_CATEGORY');
    const noGarment = new FormData();
    noGarment.append('person', new Blob([await phoneJpeg()]), 'p.jpg');
    await expectError(await call('jobs', { method: 'POST', body: noGarment }), 400, 'GARMENT_MISSING');
  });

  it('garments only from allowed hosts, also after redirects', async () => {
    await expectError(await createJob({ garment: 'https://elsewhere.example/tee.png' }), 403, 'GARMENT_HOST_NOT_ALLOWED');
    await expectError(await createJob({ garment: 'http://169.254.169.254/latest/meta-data/' }), 403, 'GARMENT_HOST_NOT_ALLOWED');
    await expectError(await createJob({ garment: proxy.garmentUrl.replace('/tee.png', '/redirect-out') }), 403, 'GARMENT_HOST_NOT_ALLOWED');
    await expectError(await createJob({ garment: proxy.garmentUrl.replace('/tee.png', '/missing.png') }), 502, 'GARMENT_FETCH_FAILED');
  });

  it('accepts a garment sent as a file', async () => {
    const response = await createJob({ garment: new Blob([await garmentPng()], { type: 'image/png' }) });
    expect(response.status).toBe(202);
  });
});

describe('what the proxy never leaks', () => {
  it('no token or secret in any log line, and no provider codes to the browser', () => {
    const logs = proxy.logs.join('\n');
    expect(proxy.logs.length).toBeGreaterThan(20);
    expect(logs).not.toContain(SECRET);
    expect(logs).not.toContain(token.split('.')[2]);
    expect(logs).toContain('SANDBOX_TRIGGERED_FAILURE');
  });
});
