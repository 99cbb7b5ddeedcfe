import type { SharedState } from './types.js';

type Entry = { value: string | string[] | Set<string> | Map<string, number>; expiresAt: number };

/** Shared state for one instance: a map with expiries and in-process pub/sub. */
export class MemoryState implements SharedState {
  readonly #entries = new Map<string, Entry>();
  readonly #channels = new Map<string, Set<(message: string) => void>>();
  readonly #sweeper = setInterval(() => this.#sweep(), 30_000);

  constructor() {
    (this.#sweeper as { unref?: () => void }).unref?.();
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  async get(key: string) {
    const value = this.#live(key)?.value;
    return typeof value === 'string' ? value : undefined;
  }

  async set(key: string, value: string, ttlMs: number) {
    this.#entries.set(key, { value, expiresAt: Date.now() + ttlMs });
  }

  async setIfAbsent(key: string, value: string, ttlMs: number) {
    if (this.#live(key)) return false;
    this.#entries.set(key, { value, expiresAt: Date.now() + ttlMs });
    return true;
  }

  async renew(key: string, value: string, ttlMs: number) {
    const entry = this.#live(key);
    if (entry?.value !== value) return false;
    entry.expiresAt = Date.now() + ttlMs;
    return true;
  }

  async delete(...keys: string[]) {
    for (const key of keys) this.#entries.delete(key);
  }

  async increment(key: string, ttlMs: number) {
    const entry = this.#live(key);
    const count = Number(entry?.value ?? 0) + 1;
    this.#entries.set(key, { value: String(count), expiresAt: entry?.expiresAt ?? Date.now() + ttlMs });
    return count;
  }

  async addToFields(key: string, increments: Record<string, number>, ttlMs: number, maxFields: number) {
    const entry = this.#live(key);
    const hash = entry?.value instanceof Map ? entry.value : new Map<string, number>();
    for (const [field, by] of Object.entries(increments)) {
      const current = hash.get(field);
      if (current !== undefined || hash.size < maxFields) hash.set(field, (current ?? 0) + by);
    }
    this.#entries.set(key, { value: hash, expiresAt: Date.now() + ttlMs });
  }

  async fields(key: string) {
    const value = this.#live(key)?.value;
    return value instanceof Map ? Object.fromEntries(value) : {};
  }

  async append(key: string, value: string, ttlMs: number) {
    const entry = this.#live(key);
    const list = Array.isArray(entry?.value) ? entry.value : [];
    list.push(value);
    this.#entries.set(key, { value: list, expiresAt: Date.now() + ttlMs });
    return list.length;
  }

  async range(key: string, from: number) {
    const value = this.#live(key)?.value;
    return Array.isArray(value) ? value.slice(from) : [];
  }

  async addMember(key: string, member: string, ttlMs: number) {
    const entry = this.#live(key);
    const set = entry?.value instanceof Set ? entry.value : new Set<string>();
    set.add(member);
    this.#entries.set(key, { value: set, expiresAt: Date.now() + ttlMs });
  }

  async members(key: string) {
    const value = this.#live(key)?.value;
    return value instanceof Set ? [...value] : [];
  }

  async publish(channel: string, message: string) {
    for (const listener of this.#channels.get(channel) ?? []) listener(message);
  }

  async subscribe(channel: string, listener: (message: string) => void) {
    const listeners = this.#channels.get(channel) ?? new Set();
    listeners.add(listener);
    this.#channels.set(channel, listeners);
    return async () => {
      listeners.delete(listener);
      if (!listeners.size) this.#channels.delete(channel);
    };
  }

  async ping() {}

  async close() {
    clearInterval(this.#sweeper);
  }

  #sweep() {
    const now = Date.now();
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
  }
}
