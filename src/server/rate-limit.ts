import { ApiError } from './errors.js';
import type { Metrics } from './metrics.js';
import type { SharedState } from './state/types.js';

export interface Limit {
  /** Names the limit in keys, metrics and messages: `jobs-per-session`, … */
  name: string;
  max: number;
  windowSeconds: number;
}

/**
 * Fixed-window counters in the shared state, so every instance counts together.
 * The limiter fails closed: when its store cannot be reached, requests it guards are
 * refused with 503 rather than let through, because what it guards costs the merchant
 * money (provider credits) and the store being down is also when abuse goes unseen.
 */
export class RateLimiter {
  constructor(
    private readonly state: SharedState,
    private readonly metrics: Metrics,
  ) {}

  async take(limit: Limit, subject: string, now = Date.now()): Promise<void> {
    if (limit.max <= 0) return;
    const windowMs = limit.windowSeconds * 1000;
    const window = Math.floor(now / windowMs);
    let count: number;
    try {
      count = await this.state.increment(`rl:${limit.name}:${subject}:${window}`, windowMs);
    } catch {
      throw new ApiError('TEMPORARILY_UNAVAILABLE', 'Try-on is briefly unavailable. Please try again in a moment.', { retryable: true, retryAfter: 5 });
    }
    if (count > limit.max) {
      this.metrics.rateLimited.inc({ limit: limit.name });
      const retryAfter = Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000));
      throw new ApiError('RATE_LIMITED', 'Too many try-ons in a short time. Please wait a moment and try again.', { retryable: true, retryAfter });
    }
  }
}

/**
 * The client's address for per-IP limits. `X-Forwarded-For` is believed only when the
 * direct peer is one of the configured proxies, and then only up to the first hop that
 * is not: the right-most untrusted address is the client (left parts can be forged).
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | undefined, trustedProxies: readonly string[]): string {
  const normalize = (address: string) => address.trim().replace(/^::ffff:/, '');
  const direct = normalize(peer ?? 'unknown');
  if (!forwardedFor || !trustedProxies.includes(direct)) return direct;
  const hops = forwardedFor.split(',').map(normalize).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) if (!trustedProxies.includes(hops[i]!)) return hops[i]!;
  return hops[0] ?? direct;
}
