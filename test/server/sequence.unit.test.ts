import { Hono, type MiddlewareHandler } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sequence } from '../../src/server/middleware/sequence.js';
import { ContractClient, SHOP_ORIGIN, startProxy, type TestProxy } from './harness.js';

/** Middleware run as one Hono layer (middleware/sequence.ts) must behave as the same middleware used one by one. */
describe('sequence', () => {
  const trace: string[] = [];
  const mark =
    (name: string): MiddlewareHandler =>
    (c, next) => {
      trace.push(name);
      c.header(`x-${name}`, '1');
      return next();
    };
  const around =
    (name: string): MiddlewareHandler =>
    async (c, next) => {
      trace.push(`${name} before`);
      await next();
      trace.push(`${name} after: ${c.res.status}`);
    };
  const answer: MiddlewareHandler = async (c, next) => (c.req.query('answer') ? c.text('answered here', 203) : next());
  const refuse: MiddlewareHandler = (c, next) => {
    if (c.req.query('refuse')) throw new Error('refused');
    return next();
  };

  const app = (layers: MiddlewareHandler[]) =>
    new Hono()
      .use(around('log'))
      .use(...layers)
      .get('/thing', (c) => c.text('the route'))
      .onError((error, c) => c.text(`error: ${error.message}`, 418));
  const apps = {
    'one by one': app([mark('a'), around('inner'), answer, refuse, mark('b')]),
    'as a sequence': app([sequence(mark('a'), around('inner'), answer, refuse, mark('b'))]),
  };

  for (const [name, subject] of Object.entries(apps)) {
    it(`runs every layer in order, then the route (${name})`, async () => {
      trace.length = 0;
      const response = await subject.request('/thing');
      expect(await response.text()).toBe('the route');
      expect(response.headers.get('x-a')).toBe('1');
      expect(response.headers.get('x-b')).toBe('1');
      expect(trace).toEqual(['log before', 'a', 'inner before', 'b', 'inner after: 200', 'log after: 200']);
    });

    it(`lets a layer answer; the layers before it see the answer (${name})`, async () => {
      trace.length = 0;
      const response = await subject.request('/thing?answer=1');
      expect(response.status).toBe(203);
      expect(await response.text()).toBe('answered here');
      expect(trace).toEqual(['log before', 'a', 'inner before', 'inner after: 203', 'log after: 203']);
    });

    it(`hands a thrown error to the error handler; a layer outside sees its answer (${name})`, async () => {
      trace.length = 0;
      const response = await subject.request('/thing?refuse=1');
      expect(response.status).toBe(418);
      expect(await response.text()).toBe('error: refused');
      expect(trace.at(-1)).toBe('log after: 418');
    });

    it(`ends in the not-found answer for an unknown path (${name})`, async () => {
      expect((await subject.request('/nowhere')).status).toBe(404);
    });
  }
});

describe('the access log, outside the sequence', () => {
  let proxy: TestProxy;
  let client: ContractClient;
  beforeAll(async () => {
    proxy = await startProxy();
    client = await ContractClient.open(proxy);
  });
  afterAll(() => proxy.close());

  it('logs one line per request with its final status: refusals and preflights included', async () => {
    proxy.logs.length = 0;
    await client.call('jobs/not-a-job');
    await client.call('jobs/not-a-job', { token: 'forged' });
    await fetch(`${proxy.url}/jobs`, { method: 'OPTIONS', headers: { origin: SHOP_ORIGIN, 'access-control-request-method': 'POST' } });
    await fetch(`${proxy.url}/healthz`);
    const lines = proxy.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.event === 'request');
    expect(lines.map(({ method, path, status, level }) => ({ method, path, status, level }))).toEqual([
      { method: 'GET', path: '/jobs/not-a-job', status: 404, level: 'info' },
      { method: 'GET', path: '/jobs/not-a-job', status: 401, level: 'info' },
      { method: 'OPTIONS', path: '/jobs', status: 204, level: 'info' },
      { method: 'GET', path: '/healthz', status: 200, level: 'debug' },
    ]);
    expect(lines.every((line) => typeof line.requestId === 'string' && typeof line.ms === 'number')).toBe(true);
  });
});
