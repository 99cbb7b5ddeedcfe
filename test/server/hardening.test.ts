import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ErrorEnvelope, JobCreated, JobView } from '../../src/contract.js';
import { parseEventStream } from '../../src/client/proxy-client.js';
import { resumePoint } from '../../src/server/event-stream-policy.js';
import { ContractClient, SHOP_ORIGIN, closeServer, expectError, garmentPng, listen, startProxy, type TestProxy } from './harness.js';

/**
 * Issue 17: no input, however malformed, gets a 5xx or a stream that never ends. Each case
 * here answered 500, held an event stream open forever, or answered an empty 4xx before.
 */

/** How long any answer here may take; a stream that outlives it is a stream that never ends. */
const ANSWER_MS = 8_000;

/** Reads an event stream to its end; fails (AbortError) if it has not ended within `ms`. */
async function readStream(client: ContractClient, id: string, headers: Record<string, string> = {}, ms = ANSWER_MS) {
  const response = await client.call(`jobs/${id}/events`, { headers: { accept: 'text/event-stream', ...headers }, signal: AbortSignal.timeout(ms) });
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: { id?: string; view: JobView }[] = [];
  for await (const event of parseEventStream(response.body!)) events.push({ id: event.id, view: JSON.parse(event.data) as JobView });
  return events;
}

/** Opens an event stream and keeps it open (reading in the background) until `close` is called. */
async function holdStream(client: ContractClient, id: string) {
  const controller = new AbortController();
  const response = await client.call(`jobs/${id}/events`, { headers: { accept: 'text/event-stream' }, signal: controller.signal });
  if (response.ok) void response.body!.pipeTo(new WritableStream()).catch(() => undefined);
  return { response, close: () => controller.abort() };
}

/** Sends bytes as they are and reads the whole answer (the request asks the server to close). */
function rawExchange(proxyUrl: string, raw: string): Promise<{ status: number; headers: string; body: string }> {
  const { hostname, port } = new URL(proxyUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(raw));
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('end', () => {
      const [head = '', body = ''] = answer.split(/\r\n\r\n(.*)/s);
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), headers: head, body });
    });
    socket.on('error', reject);
    socket.setTimeout(ANSWER_MS, () => {
      socket.destroy();
      reject(new Error('no answer'));
    });
  });
}

describe('a malformed redirect from an allowed garment host', () => {
  const locations = ['http://425.510.425.510/', 'http://[::1', 'http://exa mple.test/tee.png', 'http://\t[::1/tee.png', 'http://shop.example:99999/tee.png'];
  let garmentHost: Awaited<ReturnType<typeof listen>>;
  let proxy: TestProxy;
  let client: ContractClient;

  beforeAll(async () => {
    const tee = await garmentPng();
    garmentHost = await listen((request) => {
      const url = new URL(request.url);
      if (url.pathname === '/redirect') return new Response(null, { status: 302, headers: { location: url.searchParams.get('to')! } });
      return new Response(tee, { headers: { 'content-type': 'image/png' } });
    });
    proxy = await startProxy({ FITTING_ROOM_GARMENT_HOSTS: new URL(garmentHost.url).host });
    client = await ContractClient.open(proxy);
  });
  afterAll(async () => {
    await proxy?.close();
    if (garmentHost) await closeServer(garmentHost.server);
  });

  for (const location of locations) {
    it(`answers 403 GARMENT_HOST_NOT_ALLOWED for Location ${JSON.stringify(location)}, and logs no error`, async () => {
      const garment = `${garmentHost.url}/redirect?to=${encodeURIComponent(location)}`;
      await expectError(await client.createJob({ garment }), 403, 'GARMENT_HOST_NOT_ALLOWED');
      expect(proxy.logs.filter((line) => JSON.parse(line).level === 'error')).toEqual([]);
    });
  }

  it('still follows a well-formed redirect on the allowed host', async () => {
    const garment = `${garmentHost.url}/redirect?to=${encodeURIComponent('/tee.png')}`;
    expect((await client.createJob({ garment })).status).toBe(202);
  });
});

describe('event streams always end', () => {
  let proxy: TestProxy;
  let client: ContractClient;
  let finished: string;

  beforeAll(async () => {
    proxy = await startProxy();
    client = await ContractClient.open(proxy);
    finished = ((await (await client.createJob()).json()) as JobCreated).id;
    expect((await readStream(client, finished)).at(-1)!.view.status).toBe('succeeded');
  });
  afterAll(() => proxy?.close());

  const ids = ['999', '99999999999999999999999999', '-1', '1e3', '2.5', 'abc', '0x10', '+1', `${'9'.repeat(5000)}`];
  for (const lastEventId of ids) {
    it(`a finished job with Last-Event-ID ${JSON.stringify(lastEventId.slice(0, 30))} sends its final state and ends`, async () => {
      const events = await readStream(client, finished, { 'last-event-id': lastEventId });
      expect(events.map((event) => event.view.status)).toEqual(['succeeded']);
    });
  }

  it('a finished job resumed at its own last event id sends that final state again', async () => {
    const all = await readStream(client, finished, { 'last-event-id': '0' });
    const resumed = await readStream(client, finished, { 'last-event-id': all.at(-1)!.id! });
    expect(resumed).toEqual([all.at(-1)]);
  });
});

describe('where a stream resumes', () => {
  const view = (status: JobView['status'], progress?: number): JobView => ({ id: 'job', status, progress });
  const running = [view('queued'), view('running', 0.2), view('running', 0.6)].map((event, index) => ({ id: index + 1, view: event }));

  it('resumes a running job after a plain id up to its last, and from the current state otherwise', () => {
    expect(resumePoint('1', running, view('running', 0.6))).toEqual({ after: 1, replay: running.slice(1) });
    expect(resumePoint('3', running, view('running', 0.6))).toEqual({ after: 3, replay: [] });
    for (const header of [undefined, '4', '999', '-1', '1.5', 'x', '9'.repeat(10)])
      expect(resumePoint(header, running, view('running', 0.6))).toEqual({ after: 2, replay: running.slice(2) });
  });

  it("ends a finished job's stream with its final event, even when the history lost it", () => {
    const done = [...running, { id: 4, view: view('succeeded') }];
    expect(resumePoint('4', done, view('succeeded')).replay).toEqual([done[3]]);
    expect(resumePoint('2', done, view('succeeded')).replay).toEqual(done.slice(2));
    expect(resumePoint('3', running, view('failed'))).toEqual({ after: 3, replay: [{ id: 4, view: view('failed') }] });
    expect(resumePoint(undefined, [], view('canceled'))).toEqual({ after: 0, replay: [{ id: 1, view: view('canceled') }] });
  });
});

describe('open event streams', () => {
  let limited: TestProxy;
  let expiring: TestProxy;
  beforeAll(async () => {
    // Jobs that run for the whole test, so their streams stay open until something ends them.
    const running = { FITTING_ROOM_SANDBOX_DURATION_MS: '120000' };
    limited = await startProxy({ ...running, FITTING_ROOM_STREAMS_PER_SESSION: '2', FITTING_ROOM_STREAMS_PER_IP: '3' });
    expiring = await startProxy({ ...running, FITTING_ROOM_STREAMS_PER_SESSION: '1', FITTING_ROOM_STREAM_LIFETIME_S: '1' });
  });
  afterAll(async () => {
    await limited?.close();
    await expiring?.close();
  });

  const startJob = async (client: ContractClient) => ((await (await client.createJob()).json()) as JobCreated).id;

  it('are limited per session and per address, with 429 RATE_LIMITED and Retry-After, and released on close', async () => {
    const [first, second, third] = await Promise.all([ContractClient.open(limited), ContractClient.open(limited), ContractClient.open(limited)]);
    const [firstJob, secondJob, thirdJob] = await Promise.all([startJob(first), startJob(second), startJob(third)]);
    const held = [await holdStream(first, firstJob), await holdStream(first, firstJob)];
    expect(held.map(({ response }) => response.status)).toEqual([200, 200]);
    try {
      const overSession = await holdStream(first, firstJob);
      expect(Number(overSession.response.headers.get('retry-after'))).toBeGreaterThan(0);
      await expectError(overSession.response, 429, 'RATE_LIMITED');

      held.push(await holdStream(second, secondJob));
      expect(held[2]!.response.status).toBe(200);
      const overAddress = await holdStream(third, thirdJob);
      expect(Number(overAddress.response.headers.get('retry-after'))).toBeGreaterThan(0);
      await expectError(overAddress.response, 429, 'RATE_LIMITED');

      // A closed stream gives its place back (once the proxy has seen the connection go).
      held.shift()!.close();
      await vi.waitFor(
        async () => {
          const next = await holdStream(third, thirdJob);
          held.push(next);
          expect(next.response.status).toBe(200);
        },
        { timeout: ANSWER_MS, interval: 50 },
      );
      const metrics = await (await fetch(`${limited.url}/metrics`)).text();
      expect(metrics).toMatch(/fitting_room_rate_limited_total\{limit="streams-per-session"\} [1-9]/);
      expect(metrics).toMatch(/fitting_room_rate_limited_total\{limit="streams-per-ip"\} [1-9]/);
    } finally {
      for (const stream of held) stream.close();
    }
  });

  it('end cleanly at their maximum lifetime, without a terminal event, and give their place back', async () => {
    const client = await ContractClient.open(expiring);
    const id = await startJob(client);
    const first = await readStream(client, id);
    expect(first.length).toBeGreaterThan(0);
    expect(first.map((event) => event.view.status)).not.toContain('succeeded');
    // The client reconnects with the last id it saw; the session's one place is free again.
    const resumed = await readStream(client, id, { 'last-event-id': first.at(-1)!.id! });
    expect(resumed.every((event) => Number(event.id) > Number(first.at(-1)!.id))).toBe(true);
  });
});

describe('requests the Node adapter refuses get the error envelope', () => {
  let proxy: TestProxy;
  beforeAll(async () => (proxy = await startProxy()));
  afterAll(() => proxy?.close());

  const expectEnvelope = (answer: { status: number; headers: string; body: string }, status: number) => {
    expect(answer.status).toBe(status);
    expect(answer.headers).toMatch(/content-type: application\/json/i);
    const envelope = JSON.parse(answer.body) as ErrorEnvelope;
    expect(envelope.error).toMatchObject({ code: 'BAD_REQUEST', retryable: false });
    expect(envelope.error.message.length).toBeGreaterThan(10);
  };

  it('a backslash in the path: 400 with the envelope', async () => {
    const path = new URL(proxy.url).pathname.replace(/\/$/, '');
    expectEnvelope(await rawExchange(proxy.url, `GET ${path}/jobs\\..\\x HTTP/1.1\r\nHost: proxy\r\nConnection: close\r\n\r\n`), 400);
  });

  it('headers over the size limit: 431 with the envelope', async () => {
    expectEnvelope(await rawExchange(proxy.url, `GET /healthz HTTP/1.1\r\nHost: proxy\r\nX-Filler: ${'a'.repeat(64 * 1024)}\r\nConnection: close\r\n\r\n`), 431);
  });

  it('a malformed header line: 400 with the envelope', async () => {
    expectEnvelope(await rawExchange(proxy.url, 'GET / HTTP/1.1\r\nHost: proxy\r\nBad Header Name: x\r\n\r\n'), 400);
  });

  it('the proxy still answers on the same port afterwards', async () => {
    expect((await fetch(`${proxy.url}/healthz`, { headers: { origin: SHOP_ORIGIN } })).status).toBe(200);
  });
});
