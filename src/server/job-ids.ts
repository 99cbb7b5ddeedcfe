import { Recent, tailKey } from './recent.js';
import { base64url, randomId } from './session.js';

/**
 * Job ids are signed, self-describing handles: `payload.signature`, where the payload names
 * the provider and the creation time, and the signature binds the id to the session that
 * made it. Any instance can tell from the id alone whether a session owns it, without a
 * lookup; another session's id fails the check and answers exactly like a missing one.
 */
export interface JobHandle {
  /** Random part: the id's uniqueness. */
  nonce: string;
  provider: string;
  /** Seconds since the epoch. */
  createdAt: number;
}

const SIGNATURE_BYTES = 16;

export class JobIds {
  readonly #key: Promise<CryptoKey>;
  /** Ids already proven to belong to a session, by `tailKey`: the id, its session and handle. */
  readonly #owned = new Recent<{ id: string; sessionId: string; handle: JobHandle }>(8192);

  constructor(secret: string) {
    // A key of its own (derived by domain separation), so a job id can never pass as a session token signature.
    this.#key = crypto.subtle.importKey('raw', new TextEncoder().encode(`job-id:${secret}`), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  }

  async mint(sessionId: string, provider: string, now = Date.now()): Promise<string> {
    const handle: JobHandle = { nonce: randomId(12), provider, createdAt: Math.floor(now / 1000) };
    const payload = base64url(new TextEncoder().encode(JSON.stringify([handle.nonce, handle.provider, handle.createdAt])));
    return `${payload}.${await this.#sign(payload, sessionId)}`;
  }

  /** The handle when `sessionId` owns `id`; undefined otherwise (forged, foreign or malformed alike). */
  async open(id: string, sessionId: string): Promise<JobHandle | undefined> {
    return this.openKnown(id, sessionId) ?? this.#openNew(id, sessionId);
  }

  /** `open` for an id already proven to belong to `sessionId`, without a promise; undefined when not proven recently. */
  openKnown(id: string, sessionId: string): JobHandle | undefined {
    const known = this.#owned.get(tailKey(id));
    // Another session's request for the id is checked again, and fails.
    return known?.id === id && known.sessionId === sessionId ? known.handle : undefined;
  }

  async #openNew(id: string, sessionId: string): Promise<JobHandle | undefined> {
    const [payload, signature, extra] = id.split('.');
    if (!payload || !signature || extra !== undefined || id.length > 200) return undefined;
    if (!timingSafeEqual(signature, await this.#sign(payload, sessionId))) return undefined;
    try {
      const [nonce, provider, createdAt] = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as [string, string, number];
      const handle = { nonce, provider, createdAt };
      this.#owned.set(tailKey(id), { id, sessionId, handle });
      return handle;
    } catch {
      return undefined;
    }
  }

  async #sign(payload: string, sessionId: string): Promise<string> {
    const mac = await crypto.subtle.sign('HMAC', await this.#key, new TextEncoder().encode(`${payload}.${sessionId}`));
    return base64url(new Uint8Array(mac).subarray(0, SIGNATURE_BYTES));
  }
}

/** Compares two strings in time that depends only on their length. */
export function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
