/**
 * The proxy's shared, short-lived state: job records and their event history, the
 * idempotency and result caches, rate-limit counters, and the fan-out of job updates.
 * One instance keeps it in memory (`MemoryState`); several share it through Redis
 * (`RedisState`), so any instance can serve any request. Every key expires.
 */
export interface SharedState {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Sets only when absent; true when this call set it (a lock, a lease, a first writer wins). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Extends a key's life if it still holds `value` (renewing a lease this instance owns). */
  renew(key: string, value: string, ttlMs: number): Promise<boolean>;
  delete(...keys: string[]): Promise<void>;
  /** Adds one and returns the new count; the key expires `ttlMs` after its first increment. */
  increment(key: string, ttlMs: number): Promise<number>;
  /**
   * Adds each number to its field of a hash (creating fields at 0), so several instances add up;
   * a field not yet present is only created while the hash has fewer than `maxFields` fields.
   * The key expires `ttlMs` after this call (counters of a day live as long as their retention).
   */
  addToFields(key: string, increments: Record<string, number>, ttlMs: number, maxFields: number): Promise<void>;
  /** A hash's fields and their numbers (empty when absent). */
  fields(key: string): Promise<Record<string, number>>;
  /** Appends to a list and returns its new length (so the 1-based index of the new item). */
  append(key: string, value: string, ttlMs: number): Promise<number>;
  /** Items from the 0-based `from` index to the end. */
  range(key: string, from: number): Promise<string[]>;
  /** Adds a member to a set. */
  addMember(key: string, member: string, ttlMs: number): Promise<void>;
  members(key: string): Promise<string[]>;
  publish(channel: string, message: string): Promise<void>;
  /** Calls `listener` for each message on `channel` until the returned function is called. */
  subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>>;
  /** Throws when the state cannot be reached (for /healthz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
