import { connect } from 'node:net';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestHeader } from '../../src/server/middleware/request-headers.js';
import { ContractClient, SHOP_ORIGIN, closeServer, expectError, listen, startProxy, type TestProxy } from './harness.js';

/**
 * The middleware read request headers from Node's own field lines (middleware/request-headers.ts)
 * instead of the web `Headers`: every answer must be the one `c.req.header` gives, however the
 * request spells, repeats or pads its fields.
 */
const NAMES = ['authorization', 'origin', 'x-forwarded-for', 'idempotency-key'];

let echo: { url: string; server: Parameters<typeof closeServer>[0] };

beforeAll(async () => {
  const app = new Hono().get('/echo', (c) => c.json(Object.fromEntries(NAMES.map((name) => [name, { read: requestHeader(c, name) ?? null, web: c.req.header(name) ?? null }]))));
  echo = await listen(app.fetch);
});
afterAll(() => closeServer(echo.server));

/** Sends a request's head as it is and returns the JSON body of the answer. */
function rawGet(baseUrl: string, fields: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(`GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${fields}\r\n`));
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('end', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]), body: answer.slice(answer.indexOf('\r\n\r\n') + 4) }));
    socket.on('error', reject);
  });
}

describe('requestHeader on Node', () => {
  const cases: [string, string, Record<string, string | null>][] = [
    ['none of them', '', { authorization: null, origin: null }],
    ['lower case', 'authorization: Bearer abc\r\norigin: https://shop.example\r\n', { authorization: 'Bearer abc', origin: 'https://shop.example' }],
    ['as browsers spell them', 'Authorization: Bearer abc\r\nOrigin: https://shop.example\r\n', { authorization: 'Bearer abc', origin: 'https://shop.example' }],
    ['odd case', 'aUtHoRiZaTiOn: Bearer abc\r\nX-FORWARDED-FOR: 203.0.113.7\r\n', { authorization: 'Bearer abc', 'x-forwarded-for': '203.0.113.7' }],
    // Node's own `headers` keeps only the first Authorization; a web Headers joins them, and so must we.
    ['Authorization twice', 'Authorization: Bearer first\r\nauthorization: Bearer second\r\n', { authorization: 'Bearer first, Bearer second' }],
    ['Origin twice', 'Origin: https://a.example\r\nOrigin: https://b.example\r\n', { origin: 'https://a.example, https://b.example' }],
    ['X-Forwarded-For over two lines', 'X-Forwarded-For: 203.0.113.7\r\nX-Forwarded-For: 198.51.100.2, 10.0.0.1\r\n', { 'x-forwarded-for': '203.0.113.7, 198.51.100.2, 10.0.0.1' }],
    ['padded values', 'Authorization:    Bearer abc   \r\nOrigin:\thttps://shop.example\t\r\n', { authorization: 'Bearer abc', origin: 'https://shop.example' }],
    ['an empty value', 'Idempotency-Key:\r\nOrigin: https://shop.example\r\n', { 'idempotency-key': '', origin: 'https://shop.example' }],
    ['a longer name with the same start', 'Authorization-Extra: x\r\nOrigins: y\r\n', { authorization: null, origin: null }],
  ];
  for (const [name, fields, expected] of cases) {
    it(`answers as c.req.header does: ${name}`, async () => {
      const { status, body } = await rawGet(echo.url, fields);
      expect(status).toBe(200);
      const answers = JSON.parse(body) as Record<string, { read: string | null; web: string | null }>;
      for (const header of NAMES) expect(answers[header]!.read, header).toBe(answers[header]!.web);
      for (const [header, value] of Object.entries(expected)) expect(answers[header]!.read, header).toBe(value);
    });
  }
});

describe('the proxy, with headers read from Node', () => {
  let proxy: TestProxy;
  let client: ContractClient;
  beforeAll(async () => {
    proxy = await startProxy();
    client = await ContractClient.open(proxy);
  });
  afterAll(() => proxy.close());

  it('refuses a request that carries two Authorization fields, even if the first holds a valid token', async () => {
    const { hostname, port } = new URL(proxy.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () =>
        socket.write(
          `GET /jobs/anything HTTP/1.1\r\nHost: x\r\nConnection: close\r\nOrigin: ${SHOP_ORIGIN}\r\nAuthorization: Bearer ${client.token}\r\nAuthorization: Bearer other\r\n\r\n`,
        ),
      );
      let text = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk) => (text += chunk));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer).toContain('"TOKEN_MISSING"');
  });

  it('answers a poll from another origin than the token was issued to with 403 ORIGIN_MISMATCH', async () => {
    await expectError(await fetch(`${proxy.url}/jobs/anything`, { headers: { origin: 'https://attacker.test', authorization: `Bearer ${client.token}` } }), 403, 'ORIGIN_MISMATCH');
  });
});
