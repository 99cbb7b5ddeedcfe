import { connect } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAddress } from '../../src/server/address-policy.js';
import { createSandbox } from '../../src/server/providers/sandbox/index.js';
import type { ProviderAdapter } from '../../src/server/providers/types.js';
import { SessionSigner } from '../../src/server/session.js';
import { ContractClient, SECRET, SHOP_ORIGIN, bytesOf, expectError, phoneJpeg, startProxy, type TestProxy } from './harness.js';

/**
 * Abuse, input by input: each gets its status and code, and none of them may reach the
 * provider. The proxy here runs as in production (not development mode): https only, no
 * private addresses, with a second allowed origin to try tokens across sites.
 */
const OTHER_ORIGIN = 'https://other-shop.example';
/** Hosts the merchant (mistakenly, or tricked) allowed, which resolve to or are private addresses. */
const ALLOWED_HOSTS = ['shop.example', 'localhost', '127.0.0.1', '[::1]', '169.254.169.254', '10.0.0.1', '[::ffff:7f00:1]', '[fd00::1]'];

let proxy: TestProxy;
let client: ContractClient;
const submitted: string[] = [];
const sandbox = createSandbox({ durationMs: 50 });
const countingProvider: ProviderAdapter = {
  ...sandbox,
  submit: (request, signal) => {
    submitted.push(request.category);
    return sandbox.submit(request, signal);
  },
};

beforeAll(async () => {
  proxy = await startProxy(
    {
      FITTING_ROOM_ALLOWED_ORIGINS: `${SHOP_ORIGIN},${OTHER_ORIGIN}`,
      FITTING_ROOM_GARMENT_HOSTS: ALLOWED_HOSTS.join(','),
      // Every abusive request counts against the limits; this suite sends more than a shopper may.
      FITTING_ROOM_JOBS_PER_SESSION: '1000',
      FITTING_ROOM_JOBS_PER_IP: '1000',
    },
    { provider: countingProvider },
    { dev: false },
  );
  client = await ContractClient.open(proxy);
});
afterAll(async () => {
  // The whole point: not one abusive request cost a credit.
  expect(submitted).toEqual([]);
  await proxy?.close();
});

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());

describe('SSRF: garment URLs', () => {
  const cases: [string, string, number, string][] = [
    ['cloud metadata, not allow-listed, plain http', 'http://169.254.169.254/latest/meta-data/', 403, 'GARMENT_HOST_NOT_ALLOWED'],
    ['cloud metadata, allow-listed by mistake', 'https://169.254.169.254/latest/meta-data/', 403, 'GARMENT_HOST_NOT_ALLOWED'],
    ['loopback literal', 'https://127.0.0.1/tee.png', 403, 'GARMENT_HOST_NOT_ALLOWED'],
    ['IPv6 loopback', 'https://[::1]/tee.png', 403, 'GARMENT_HOST_NOT_ALLOWED'],
    ['IPv4-mapped IPv6 loopback', 'https://[::ffff:127.0.0.1]/tee.png', 403, 'GARMENT_HOST_NOT_ALLOWED'],
    ['IPv6 unique-local', 'https://[fd00::1]/tee.png', 403, 'GARMENT_HOST_NOT_ALLOWED'],
    ['private network literal', 'https://10.0.0.1/tee.png', 403, 'GARMENT_HOST_NOT_ALLOWED'],
    ['a name that resolves to loopback', 'https://localhost/tee.png', 403, 'GARMENT_HOST_NOT_ALLOWED'],
    ['plain http outside development', 'http://shop.example/tee.png', 403, 'GARMENT_HOST_NOT_ALLOWED'],
    ['file scheme', 'file:///etc/passwd', 403, 'GARMENT_HOST_NOT_ALLOWED'],
    ['ftp scheme', 'ftp://shop.example/tee.png', 403, 'GARMENT_HOST_NOT_ALLOWED'],
    ['javascript scheme', 'javascript:alert(1)', 403, 'GARMENT_HOST_NOT_ALLOWED'],
    ['credentials in the URL', 'https://admin:hunter2@shop.example/tee.png', 403, 'GARMENT_HOST_NOT_ALLOWED'],
    ['look-alike host', 'https://shop.example.attacker.test/tee.png', 403, 'GARMENT_HOST_NOT_ALLOWED'],
    ['decimal IP', 'https://2130706433/tee.png', 403, 'GARMENT_HOST_NOT_ALLOWED'],
    ['hex IP', 'https://0x7f.0.0.1/tee.png', 403, 'GARMENT_HOST_NOT_ALLOWED'],
    ['relative URL', '/images/tee.png', 400, 'BAD_REQUEST'],
  ];
  for (const [name, url, status, code] of cases) {
    it(name, async () => {
      await expectError(await client.createJob({ garment: url }), status, code);
    });
  }

  it('classifies addresses the way the guard needs', () => {
    const blocked = [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fe80::1',
      'fc00::1',
      '::ffff:10.0.0.1',
      '64:ff9b::a00:1',
      '2002:a00:1::',
      'ff02::1',
      '224.0.0.1',
    ];
    const open = ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'];
    expect(blocked.filter(isPublicAddress)).toEqual([]);
    expect(open.filter((address) => !isPublicAddress(address))).toEqual([]);
  });
});

describe('token forgeries', () => {
  let token: string;
  beforeAll(() => (token = client.token));

  const forged: [string, () => Promise<string> | string, number, string][] = [
    ['alg none', () => `${b64({ alg: 'none', typ: 'JWT' })}.${token.split('.')[1]}.`, 401, 'TOKEN_INVALID'],
    ['alg HS512 header on an HS256 signature', () => `${b64({ alg: 'HS512', typ: 'JWT' })}.${token.split('.')[1]}.${token.split('.')[2]}`, 401, 'TOKEN_INVALID'],
    ['alg RS256 (key confusion)', () => `${b64({ alg: 'RS256', typ: 'JWT' })}.${token.split('.')[1]}.${token.split('.')[2]}`, 401, 'TOKEN_INVALID'],
    ['extra header field (kid injection)', () => `${b64({ alg: 'HS256', typ: 'JWT', kid: '../../dev/null' })}.${token.split('.')[1]}.${token.split('.')[2]}`, 401, 'TOKEN_INVALID'],
    [
      'session id swapped in the payload',
      () => `${token.split('.')[0]}.${b64({ ...claimsOf(token), sid: 'AAAAAAAAAAAAAAAAAAAAAA' })}.${token.split('.')[2]}`,
      401,
      'TOKEN_INVALID',
    ],
    [
      'lifetime extended in the payload',
      () => `${token.split('.')[0]}.${b64({ ...claimsOf(token), exp: claimsOf(token).exp + 86_400 })}.${token.split('.')[2]}`,
      401,
      'TOKEN_INVALID',
    ],
    ['signed with another secret', async () => (await new SessionSigner('not-the-proxy-secret-but-long-enough-0000', 600, 3600).issue(SHOP_ORIGIN)).token, 401, 'TOKEN_INVALID'],
    ['validly signed, lifetime beyond the configured bound', async () => (await new SessionSigner(SECRET, 86_400, 86_400).issue(SHOP_ORIGIN)).token, 401, 'TOKEN_INVALID'],
    [
      'validly signed, issued in the future',
      async () => (await new SessionSigner(SECRET, 600, 3600).issue(SHOP_ORIGIN, undefined, Date.now() + 3_600_000)).token,
      401,
      'TOKEN_INVALID',
    ],
    ['expired', async () => (await new SessionSigner(SECRET, 600, 3600).issue(SHOP_ORIGIN, undefined, Date.now() - 700_000)).token, 401, 'TOKEN_EXPIRED'],
    ['not base64', () => 'eyJ!!!.@@@.###', 401, 'TOKEN_INVALID'],
    ['two segments', () => token.split('.').slice(0, 2).join('.'), 401, 'TOKEN_INVALID'],
  ];
  for (const [name, make, status, code] of forged) {
    it(name, async () => {
      await expectError(await client.createJob({}, { token: await make() }), status, code);
    });
  }

  it('no token at all, or the token in the query string', async () => {
    await expectError(await client.call('jobs', { method: 'POST', token: '', body: client.form({ person: new Blob([await phoneJpeg()]) }) }), 401, 'TOKEN_MISSING');
    await expectError(await client.call(`jobs?token=${client.token}`, { method: 'POST', token: '', body: new FormData() }), 401, 'TOKEN_MISSING');
  });

  it("another shop's token, used from this shop's pages", async () => {
    const foreign = (await proxy.session(OTHER_ORIGIN)).token;
    await expectError(await client.createJob({}, { token: foreign }), 403, 'ORIGIN_MISMATCH');
  });

  it('sessions only for allowed origins, "null" included', async () => {
    for (const origin of ['https://attacker.test', 'null', 'https://shop.example.attacker.test', 'http://shop.example']) {
      await expectError(await fetch(`${proxy.url}/session`, { method: 'POST', headers: { origin } }), 403, 'ORIGIN_NOT_ALLOWED');
    }
  });
});

/** Sends bytes as they are over a socket, for requests fetch refuses to make. */
function rawRequest(raw: string | Buffer): Promise<number> {
  const { hostname, port } = new URL(proxy.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(raw));
    let head = '';
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(head);
      if (status) {
        socket.destroy();
        resolve(Number(status[1]));
      }
    });
    socket.on('error', reject);
    socket.setTimeout(10_000, () => reject(new Error('no answer')));
  });
}

describe('oversized and malformed bodies', () => {
  const jobHead = (extra: string) =>
    `POST /jobs HTTP/1.1\r\nHost: proxy\r\nOrigin: ${SHOP_ORIGIN}\r\nAuthorization: Bearer ${client.token}\r\nContent-Type: multipart/form-data; boundary=x\r\n${extra}\r\n`;

  it('a declared Content-Length over the limit is refused before the body is read', async () => {
    expect(await rawRequest(jobHead('Content-Length: 104857600\r\n'))).toBe(413);
  });

  it('a chunked body that grows past the limit is cut off', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x41);
    const body = Buffer.concat(Array.from({ length: 24 }, () => Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')])));
    expect(await rawRequest(Buffer.concat([Buffer.from(jobHead('Transfer-Encoding: chunked\r\n')), body, Buffer.from('0\r\n\r\n')]))).toBe(413);
  });

  it('Content-Length together with Transfer-Encoding (request smuggling) is refused', async () => {
    expect(await rawRequest(`${jobHead('Content-Length: 4\r\nTransfer-Encoding: chunked\r\n')}0\r\n\r\n`)).toBe(400);
  });

  const uploads: [string, () => Promise<Blob>, number, string][] = [
    ['a PDF named .jpg', async () => new Blob(['%PDF-1.7\n1 0 obj'], { type: 'image/jpeg' }), 415, 'UNSUPPORTED_IMAGE_TYPE'],
    [
      'an SVG with a script',
      async () => new Blob(['<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'], { type: 'image/svg+xml' }),
      415,
      'UNSUPPORTED_IMAGE_TYPE',
    ],
    ['an HTML page', async () => new Blob(['<!doctype html><script>alert(1)</script>'], { type: 'image/png' }), 415, 'UNSUPPORTED_IMAGE_TYPE'],
    ['a 0-byte file', async () => new Blob([]), 400, 'EMPTY_IMAGE'],
    ['JPEG magic bytes and garbage', async () => new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...Array(2000).fill(7)])]), 422, 'IMAGE_UNREADABLE'],
    [
      'a decompression bomb: a PNG header claiming 100 000 × 100 000',
      async () => {
        const png = bytesOf(
          await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
            .png()
            .toBuffer(),
        );
        new DataView(png.buffer).setUint32(16, 100_000);
        new DataView(png.buffer).setUint32(20, 100_000);
        return new Blob([png]);
      },
      413,
      'IMAGE_TOO_MANY_PIXELS',
    ],
    ['12 MB of JPEG', async () => new Blob([await phoneJpeg(), new Uint8Array(12 * 1024 * 1024)]), 413, 'IMAGE_TOO_LARGE'],
  ];
  for (const [name, make, status, code] of uploads) {
    it(name, async () => {
      await expectError(await client.createJob({ person: await make() }), status, code);
    });
  }

  const forms: [string, () => Promise<BodyInit>, number, string][] = [
    ['JSON instead of multipart', async () => JSON.stringify({ garment: 'x' }), 400, 'BAD_REQUEST'],
    [
      'a truncated multipart body',
      async () => new Blob(['--x\r\nContent-Disposition: form-data; name="category"\r\n\r\ntop'], { type: 'multipart/form-data; boundary=x' }),
      400,
      'BAD_REQUEST',
    ],
    ['the photo field sent as text', async () => form({ person: 'AAAA', garment: 'https://shop.example/tee.png' }), 400, 'BAD_REQUEST'],
    ['two photos', async () => form({ person: [await photoFile(), await photoFile()], garment: 'https://shop.example/tee.png' }), 400, 'BAD_REQUEST'],
    ['more garments than the provider takes', async () => form({ person: await photoFile(), garment: Array(10).fill('https://shop.example/tee.png') }), 400, 'BAD_REQUEST'],
    ['a 10 000-character product id', async () => form({ person: await photoFile(), garment: 'https://shop.example/tee.png', productId: 'x'.repeat(10_000) }), 400, 'BAD_REQUEST'],
    [
      'a category with an injection',
      async () => form({ person: await photoFile(), garment: 'https://shop.example/tee.png', category: "top'; DROP TABLE jobs;--" }),
      400,
      'INVALID_CATEGORY',
    ],
    ['no photo and no reference', async () => form({ garment: 'https://shop.example/tee.png' }), 400, 'PERSON_MISSING'],
    ['no garment', async () => form({ person: await photoFile() }), 400, 'GARMENT_MISSING'],
  ];
  for (const [name, make, status, code] of forms) {
    it(name, async () => {
      const body = await make();
      const headers = typeof body === 'string' ? { 'content-type': 'application/json' } : undefined;
      await expectError(await client.call('jobs', { method: 'POST', body, headers }), status, code);
    });
  }
});

describe('cross-session access', () => {
  it('an id signed for another session answers 404 on every route', async () => {
    const owner = await ContractClient.open(proxy);
    const stranger = await ContractClient.open(proxy);
    const ownerId = await mintJobIdFor(owner);
    for (const [path, method] of [
      [`jobs/${ownerId}`, 'GET'],
      [`jobs/${ownerId}/events`, 'GET'],
      [`results/${ownerId}`, 'GET'],
      [`jobs/${ownerId}`, 'DELETE'],
    ] as const) {
      await expectError(await stranger.call(path, { method }), 404, 'JOB_NOT_FOUND');
    }
  });

  const ids: [string, string][] = [
    ['a made-up id', 'WyJhYmMiLCJzYW5kYm94IiwxXQ.AAAAAAAAAAAAAAAAAAAAAA'],
    ['a path traversal', '..%2F..%2Fetc%2Fpasswd'],
    ['an id with extra segments', 'a.b.c'],
    ['a 5 000-character id', 'x'.repeat(5000)],
  ];
  for (const [name, id] of ids) {
    it(name, async () => {
      await expectError(await client.call(`jobs/${id}`), 404, 'JOB_NOT_FOUND');
    });
  }

  it("someone else's or a made-up photo reference", async () => {
    for (const personRef of ['AAAAAAAAAAAAAAAAAAAAAA', '../../../etc/passwd']) {
      await expectError(await client.createJob({ person: null, personRef, garment: 'https://shop.example/tee.png' }), 404, 'PERSON_REF_NOT_FOUND');
    }
    await expectError(await client.createJob({ person: null, personRef: 'x'.repeat(500), garment: 'https://shop.example/tee.png' }), 400, 'BAD_REQUEST');
  });
});

describe('credits', () => {
  let limited: TestProxy;
  const limitedSubmits: string[] = [];
  const provider: ProviderAdapter = {
    ...sandbox,
    submit: (request, signal) => {
      limitedSubmits.push(request.category);
      return sandbox.submit(request, signal);
    },
  };
  beforeAll(async () => (limited = await startProxy({ FITTING_ROOM_JOBS_PER_SESSION: '3', FITTING_ROOM_DAILY_JOB_LIMIT: '4' }, { provider })));
  afterAll(() => limited.close());

  it('rate-limits a session with 429 and Retry-After, and caps the day with no upstream call', async () => {
    const first = await ContractClient.open(limited);
    for (let i = 0; i < 3; i++) expect((await first.createJob()).status).toBe(202);
    const refused = await first.createJob();
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    await expectError(refused, 429, 'RATE_LIMITED');

    const second = await ContractClient.open(limited);
    expect((await second.createJob()).status).toBe(202);
    const capped = await second.createJob();
    await expectError(capped, 429, 'DAILY_LIMIT_REACHED');
    expect(limitedSubmits).toHaveLength(4);
    const metrics = await (await fetch(`${limited.url}/metrics`)).text();
    expect(metrics).toContain('fitting_room_rate_limited_total{limit="jobs-per-session"} 1');
    expect(metrics).toContain('fitting_room_credits_spent_total{provider="sandbox"} 4');
  });
});

describe('response hygiene', () => {
  it('sends security headers on every response, errors included', async () => {
    for (const response of [await fetch(`${proxy.url}/healthz`), await client.call('jobs/nope'), await fetch(`${proxy.url}/nowhere`)]) {
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('x-request-id')).toMatch(/\S+/);
    }
  });

  it('logs JSON lines with request ids, and never a token or the secret', () => {
    const lines = proxy.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((line) => line.event === 'request').every((line) => typeof line.requestId === 'string')).toBe(true);
    const all = proxy.logs.join('\n');
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain(client.token);
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]+\.eyJ/);
  });
});

async function photoFile() {
  return new File([await phoneJpeg()], 'me.jpg', { type: 'image/jpeg' });
}

function form(fields: Record<string, string | File | (string | File)[]>) {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) for (const item of ([] as (string | File)[]).concat(value)) body.append(name, item);
  return body;
}

/** A job id that session `owner` owns, minted the way the proxy mints them (signed for its session). */
async function mintJobIdFor(owner: ContractClient): Promise<string> {
  const { JobIds } = await import('../../src/server/job-ids.js');
  return new JobIds(SECRET).mint(claimsOf(owner.token).sid, 'sandbox');
}
