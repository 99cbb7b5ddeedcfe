import { ApiError } from './errors.js';
import type { ParsedForm } from './job-form.js';
import type { SharedState } from './state/types.js';

/** What the widget sends with a job about the consent it was given (README "The contract"). */
export interface ConsentReceipt {
  version: string;
  /** SHA-256 (hex) of the consent text as the shopper saw it; absent where the page had no WebCrypto. */
  textHash?: string;
  locale?: string;
}

/**
 * One shopper's consent, as an operator exports it. No photo and no address in clear: the
 * session id and the client address are HMACs with the proxy's secret, so the same shopper's
 * records can be matched with each other (and with an address the operator already knows)
 * but an address cannot be read back from them.
 */
export interface ConsentRecord {
  /** When the proxy first saw this consent (ISO 8601, UTC). */
  at: string;
  origin: string;
  version: string;
  textHash: string | null;
  locale: string | null;
  /** HMAC-SHA-256 (hex) of the session id. */
  session: string;
  /** HMAC-SHA-256 (hex) of the client address. */
  client: string;
}

const VERSION = /^\d{1,6}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const LOCALE = /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$/;
const MAX_LOCALE_LENGTH = 35;

/**
 * The receipt fields of a `POST /jobs` form; undefined from a widget older than receipts. A
 * malformed version or hash is a BAD_REQUEST; a locale that is not a plain language tag (the
 * page's own `lang` passes through) is left out rather than cost the shopper the try-on.
 */
export function readConsentReceipt(form: ParsedForm): ConsentReceipt | undefined {
  const field = (name: string, pattern: RegExp) => {
    const value = form[name];
    if (value == null || value === '') return undefined;
    if (typeof value !== 'string' || !pattern.test(value)) throw new ApiError('BAD_REQUEST', `"${name}" is malformed.`);
    return value;
  };
  const version = field('consentVersion', VERSION);
  const textHash = field('consentTextHash', SHA256_HEX);
  const locale = typeof form.consentLocale === 'string' && form.consentLocale.length <= MAX_LOCALE_LENGTH && LOCALE.test(form.consentLocale) ? form.consentLocale : undefined;
  return version ? { version, textHash, locale } : undefined;
}

const DAY_MS = 86_400_000;
const dayKey = (time: number) => `consents:${new Date(time).toISOString().slice(0, 10)}`;

export interface ConsentLedgerOptions {
  state: SharedState;
  /** The proxy's secret: the key of the HMACs. */
  secret: string;
  /** FITTING_ROOM_CONSENT_RETENTION_S. */
  retentionSeconds: number;
}

/**
 * The consent records, in the shared state (so they survive restarts on Redis and every
 * instance writes to the same ledger): one list per UTC day, kept a day longer than the
 * retention and filtered to it on reading. One record per session, version and text hash,
 * however many jobs the shopper runs.
 */
export class ConsentLedger {
  readonly #state: SharedState;
  readonly #retentionMs: number;
  readonly #key: Promise<CryptoKey>;

  constructor({ state, secret, retentionSeconds }: ConsentLedgerOptions) {
    this.#state = state;
    this.#retentionMs = retentionSeconds * 1000;
    this.#key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  }

  /** Records the consent unless this session already recorded the same one; true when it wrote a record. */
  async record(receipt: ConsentReceipt, who: { sessionId: string; client: string; origin: string }, now = Date.now()): Promise<boolean> {
    if (!this.#retentionMs) return false;
    const session = await this.#hmac(`session\u0000${who.sessionId}`);
    const seen = `consents:seen:${await this.#hmac(`seen\u0000${session}\u0000${receipt.version}\u0000${receipt.textHash ?? ''}`)}`;
    if (!(await this.#state.setIfAbsent(seen, '1', this.#retentionMs))) return false;
    const record: ConsentRecord = {
      at: new Date(now).toISOString(),
      origin: who.origin,
      version: receipt.version,
      textHash: receipt.textHash ?? null,
      locale: receipt.locale ?? null,
      session,
      client: await this.#hmac(`client\u0000${who.client}`),
    };
    try {
      await this.#state.append(dayKey(now), JSON.stringify(record), this.#retentionMs + DAY_MS);
    } catch (error) {
      // Not written: the next job of this session tries again.
      await this.#state.delete(seen).catch(() => undefined);
      throw error;
    }
    return true;
  }

  /**
   * The records kept from `since` (epoch ms) on, oldest first, one UTC day at a time: an export
   * of a year of a busy shop never has to be held in memory whole.
   */
  async *days(since = 0, now = Date.now()): AsyncGenerator<ConsentRecord[]> {
    const from = Math.max(since, now - this.#retentionMs);
    for (let day = Math.floor(from / DAY_MS) * DAY_MS; day <= now; day += DAY_MS) {
      const records = (await this.#state.range(dayKey(day), 0)).map((line) => JSON.parse(line) as ConsentRecord);
      yield records.filter((record) => Date.parse(record.at) >= from);
    }
  }

  /** All the records kept from `since` on, oldest first. */
  async list(since = 0, now = Date.now()): Promise<ConsentRecord[]> {
    const records: ConsentRecord[] = [];
    for await (const day of this.days(since, now)) records.push(...day);
    return records;
  }

  async #hmac(message: string): Promise<string> {
    const signature = new Uint8Array(await crypto.subtle.sign('HMAC', await this.#key, new TextEncoder().encode(message)));
    let hex = '';
    for (const byte of signature) hex += byte.toString(16).padStart(2, '0');
    return hex;
  }
}
