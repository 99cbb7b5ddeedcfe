/**
 * A small map of recently used entries. The proxy checks the same session token and the
 * same job id on every poll of a job; remembering what an HMAC already proved keeps a
 * status request from paying for the same signature twice.
 *
 * Two generations instead of a strict LRU: an entry used since the last turnover is found
 * in the young map with one lookup and no reordering (a poll every second would otherwise
 * delete and re-insert its keys each time). When the young map is full it becomes the old
 * one and the previous old one is dropped; an old entry that is used again moves back.
 * At most `capacity` entries are held in each; each survives at least `capacity` insertions.
 */
export class Recent<V> {
  #young = new Map<string, V>();
  #old = new Map<string, V>();
  constructor(private readonly capacity: number) {}

  get(key: string): V | undefined {
    const young = this.#young.get(key);
    if (young !== undefined) return young;
    const old = this.#old.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: string, value: V) {
    this.#young.set(key, value);
    if (this.#young.size < this.capacity) return;
    this.#old = this.#young;
    this.#young = new Map();
  }
}

/**
 * A short key for a long string that ends in random characters (the signature of a session
 * token or a job id). V8 hashes the whole of a string key, and a status poll's token is a
 * new 230-character string every time: hashing it cost more than the rest of checking it.
 * The last 16 characters are as good a key; whoever uses one keeps the whole string in the
 * entry and compares it on a hit, so two strings with the same tail never stand for each other.
 */
export const tailKey = (text: string): string => text.slice(-16);
