import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/server/errors.js';
import { Metrics } from '../../src/server/metrics.js';
import { type Limit, RateLimiter, clientAddress } from '../../src/server/rate-limit.js';
import { MemoryState } from '../../src/server/state/memory.js';
import type { SharedState } from '../../src/server/state/types.js';

/** The rate limiter on its own: fixed windows in the shared state, no HTTP. */
const limit: Limit = { name: 'jobs-per-session', max: 3, windowSeconds: 60 };
/** 10 s into a 60 s window. */
const T0 = 1_800_000_000_000 - (1_800_000_000_000 % 60_000) + 10_000;

async function refusal(taking: Promise<void>): Promise<ApiError> {
  const error = await taking.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('RateLimiter', () => {
  it('lets `max` requests through in a window and refuses the next with 429 and the seconds left in the window', async () => {
    const metrics = new Metrics();
    const limiter = new RateLimiter(new MemoryState(), metrics);
    for (let i = 0; i < 3; i++) await limiter.take(limit, 'session-a', T0 + i);
    const error = await refusal(limiter.take(limit, 'session-a', T0 + 5));
    expect({ code: error.code, status: error.status, retryable: error.retryable, retryAfter: error.options.retryAfter }).toEqual({
      code: 'RATE_LIMITED',
      status: 429,
      retryable: true,
      retryAfter: 50,
    });
    expect(error.headers()['retry-after']).toBe('50');
    expect(metrics.rateLimited.get({ limit: 'jobs-per-session' })).toBe(1);
  });

  it('starts counting afresh in the next window', async () => {
    const limiter = new RateLimiter(new MemoryState(), new Metrics());
    for (let i = 0; i < 3; i++) await limiter.take(limit, 'session-a', T0);
    await refusal(limiter.take(limit, 'session-a', T0));
    await limiter.take(limit, 'session-a', T0 + 50_000);
  });

  it('counts each subject and each limit on its own', async () => {
    const limiter = new RateLimiter(new MemoryState(), new Metrics());
    for (let i = 0; i < 3; i++) await limiter.take(limit, 'session-a', T0);
    await limiter.take(limit, 'session-b', T0);
    await limiter.take({ ...limit, name: 'jobs-per-ip' }, 'session-a', T0);
    await refusal(limiter.take(limit, 'session-a', T0));
  });

  it('is off at 0, without asking the shared state', async () => {
    const unreachable = { increment: () => Promise.reject(new Error('down')) } as unknown as SharedState;
    const limiter = new RateLimiter(unreachable, new Metrics());
    for (let i = 0; i < 10; i++) await limiter.take({ ...limit, max: 0 }, 'session-a', T0);
  });

  it('fails closed: an unreachable shared state refuses with 503 TEMPORARILY_UNAVAILABLE', async () => {
    const unreachable = { increment: () => Promise.reject(new Error('ECONNREFUSED')) } as unknown as SharedState;
    const error = await refusal(new RateLimiter(unreachable, new Metrics()).take(limit, 'session-a', T0));
    expect({ code: error.code, status: error.status, retryable: error.retryable, retryAfter: error.options.retryAfter }).toEqual({
      code: 'TEMPORARILY_UNAVAILABLE',
      status: 503,
      retryable: true,
      retryAfter: 5,
    });
  });
});

describe('clientAddress', () => {
  it('is the peer, unless the peer is a trusted proxy: then the right-most untrusted X-Forwarded-For hop', () => {
    expect(clientAddress('::ffff:203.0.113.9', '198.51.100.1', [])).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.2', '198.51.100.7, 203.0.113.5, 10.0.0.3', ['10.0.0.2', '10.0.0.3'])).toBe('203.0.113.5');
    expect(clientAddress(undefined, undefined, [])).toBe('unknown');
  });
});
