import { createClient, type RedisClientType } from 'redis';
import type { Logger } from '../log.js';
import type { SharedState } from './types.js';

type Client = RedisClientType;

/** Extends the lease only if this instance still holds it (compare-and-expire, atomically). */
const RENEW_IF_OWNER = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
/** INCR that sets the expiry on the first increment only: a fixed window. */
const INCREMENT_WINDOW = `local n = redis.call('incr', KEYS[1]) if n == 1 then redis.call('pexpire', KEYS[1], ARGV[1]) end return n`;
/**
 * HINCRBYFLOAT for each field/number pair, creating a field only while the hash has fewer than
 * ARGV[2] fields, then PEXPIRE: one round trip, atomic, so instances add up without a race.
 */
const ADD_TO_FIELDS = `local max = tonumber(ARGV[2]) for i = 3, #ARGV, 2 do if redis.call('hexists', KEYS[1], ARGV[i]) == 1 or redis.call('hlen', KEYS[1]) < max then redis.call('hincrbyfloat', KEYS[1], ARGV[i], ARGV[i + 1]) end end redis.call('pexpire', KEYS[1], ARGV[1]) return 1`;

/**
 * Shared state in Redis, for several proxy instances behind one load balancer. Commands
 * go over one connection; pub/sub over a second (Redis requires it), with one Redis
 * subscription per channel however many local listeners (SSE streams) it has.
 */
export class RedisState implements SharedState {
  readonly #listeners = new Map<string, Set<(message: string) => void>>();

  private constructor(
    private readonly client: Client,
    private readonly subscriber: Client,
  ) {}

  static async connect(url: string, log: Logger): Promise<RedisState> {
    // Fail fast while unreachable instead of queueing commands: callers decide (the rate limiter fails closed).
    const options = { url, disableOfflineQueue: true, socket: { connectTimeout: 5_000, reconnectStrategy: (retries: number) => Math.min(retries * 200, 5_000) } };
    const client = createClient(options);
    const subscriber = createClient(options);
    for (const [name, connection] of [
      ['commands', client],
      ['pubsub', subscriber],
    ] as const) {
      connection.on('error', (error: Error) => log.warn('redis.error', { connection: name, message: error.message }));
    }
    await Promise.all([client.connect(), subscriber.connect()]);
    log.info('redis.connected', { url: new URL(url).host });
    return new RedisState(client, subscriber);
  }

  async get(key: string) {
    return (await this.client.get(key)) ?? undefined;
  }

  async set(key: string, value: string, ttlMs: number) {
    await this.client.set(key, value, { expiration: { type: 'PX', value: Math.ceil(ttlMs) } });
  }

  async setIfAbsent(key: string, value: string, ttlMs: number) {
    return (await this.client.set(key, value, { expiration: { type: 'PX', value: Math.ceil(ttlMs) }, condition: 'NX' })) === 'OK';
  }

  async renew(key: string, value: string, ttlMs: number) {
    return Number(await this.client.eval(RENEW_IF_OWNER, { keys: [key], arguments: [value, String(Math.ceil(ttlMs))] })) === 1;
  }

  async delete(...keys: string[]) {
    if (keys.length) await this.client.del(keys);
  }

  async increment(key: string, ttlMs: number) {
    return Number(await this.client.eval(INCREMENT_WINDOW, { keys: [key], arguments: [String(Math.ceil(ttlMs))] }));
  }

  async addToFields(key: string, increments: Record<string, number>, ttlMs: number, maxFields: number) {
    const pairs = Object.entries(increments).flatMap(([field, by]) => [field, String(by)]);
    if (pairs.length) await this.client.eval(ADD_TO_FIELDS, { keys: [key], arguments: [String(Math.ceil(ttlMs)), String(maxFields), ...pairs] });
  }

  async fields(key: string) {
    const hash = await this.client.hGetAll(key);
    return Object.fromEntries(Object.entries(hash).map(([field, value]) => [field, Number(value)]));
  }

  async append(key: string, value: string, ttlMs: number) {
    const [length] = await this.client.multi().rPush(key, value).pExpire(key, Math.ceil(ttlMs)).exec();
    return Number(length);
  }

  async range(key: string, from: number) {
    return this.client.lRange(key, from, -1);
  }

  async addMember(key: string, member: string, ttlMs: number) {
    await this.client.multi().sAdd(key, member).pExpire(key, Math.ceil(ttlMs)).exec();
  }

  async members(key: string) {
    return this.client.sMembers(key);
  }

  async publish(channel: string, message: string) {
    await this.client.publish(channel, message);
  }

  async subscribe(channel: string, listener: (message: string) => void) {
    let listeners = this.#listeners.get(channel);
    if (!listeners) {
      const created = new Set<(message: string) => void>();
      listeners = created;
      this.#listeners.set(channel, created);
      await this.subscriber.subscribe(channel, (message) => {
        for (const each of created) each(message);
      });
    }
    listeners.add(listener);
    return async () => {
      listeners.delete(listener);
      if (!listeners.size && this.#listeners.get(channel) === listeners) {
        this.#listeners.delete(channel);
        await this.subscriber.unsubscribe(channel).catch(() => undefined);
      }
    };
  }

  async ping() {
    await this.client.ping();
  }

  async close() {
    // destroy, not quit: quit waits for a reply a lost connection never sends.
    for (const connection of [this.client, this.subscriber]) if (connection.isOpen) connection.destroy();
  }
}
