import { Recent, tailKey } from './recent.js';

/**
 * Records read from the shared state, parsed once per stored text. A tab polls its job
 * every second and the record rarely changes between polls; parsing the same JSON again
 * each time is most of what a status answer costs beyond HTTP.
 *
 * The shared state stays the only truth: the caller reads the text from it on every use,
 * and a parse is reused only while that text is exactly the one it was made from (another
 * instance's write changes the text, so it is seen at once). Records are shared between
 * readers, so they are frozen: a reader that wants to change one copies it first.
 */
export class ParsedRecords<T extends object> {
  readonly #recent: Recent<{ text: string; record: Readonly<T> }>;

  constructor(capacity: number) {
    this.#recent = new Recent(capacity);
  }

  /**
   * The record `text` holds, read from the shared state under `key`: the same object as the
   * last time `key` held this text. Keys are told apart by their tail (`tailKey`); the text,
   * compared whole, decides.
   */
  parse(key: string, text: string): Readonly<T> {
    const known = this.#recent.get(tailKey(key));
    if (known?.text === text) return known.record;
    const record = deepFreeze(JSON.parse(text) as T);
    this.#recent.set(tailKey(key), { text, record });
    return record;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}
