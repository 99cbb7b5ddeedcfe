import { ApiError } from './errors.js';
import { Recent, tailKey } from './recent.js';

/**
 * Session tokens: compact JWTs signed with HS256 through WebCrypto (so the same code runs
 * on edge runtimes). A token names a session (`sid`) and the page origin it was issued to;
 * it expires within minutes and can be renewed into the same session while the session
 * is younger than the retention time, so a long try-on never loses its jobs.
 */
export interface SessionClaims {
  /** Session id: every job, photo and result belongs to exactly one. */
  sid: string;
  /** The page origin the token was issued to. */
  origin: string;
  /** Issued at, expires at, session started at (seconds since the epoch). */
  iat: number;
  exp: number;
  sst: number;
}

/** What `verify` takes besides the token: the time to judge by, and whether an expired token is accepted (renewal). */
export interface VerifyOptions {
  now?: number;
  allowExpired?: boolean;
}

const HEADER = base64url(new TextEncoder().encode(JSON.stringify({ alg: 'HS256', typ: 'JWT' })));

export class SessionSigner {
  readonly #key: Promise<CryptoKey>;
  /** Tokens whose signature was already checked (a polling tab sends the same one again and again), by `tailKey`. */
  readonly #verified = new Recent<{ token: string; claims: SessionClaims }>(4096);

  constructor(
    secret: string,
    readonly ttlSeconds: number,
    /** How long one session may be renewed for. */
    readonly maxSessionSeconds: number,
  ) {
    this.#key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  }

  /** A token for a new session, or for `renew`'s session when it may still be renewed. */
  async issue(origin: string, renew?: SessionClaims, now = Date.now()): Promise<{ token: string; claims: SessionClaims }> {
    const iat = Math.floor(now / 1000);
    const sst = renew ? renew.sst : iat;
    const claims: SessionClaims = {
      sid: renew ? renew.sid : randomId(),
      origin,
      iat,
      exp: Math.min(iat + this.ttlSeconds, sst + this.maxSessionSeconds),
      sst,
    };
    const payload = base64url(new TextEncoder().encode(JSON.stringify(claims)));
    const signature = new Uint8Array(await crypto.subtle.sign('HMAC', await this.#key, new TextEncoder().encode(`${HEADER}.${payload}`)));
    return { token: `${HEADER}.${payload}.${base64url(signature)}`, claims };
  }

  /**
   * Checks signature, algorithm, shape and lifetime. `allowExpired` is for renewal only:
   * an expired but authentic token may renew its own session while that session is young.
   */
  async verify(token: string, options: VerifyOptions = {}): Promise<SessionClaims> {
    return this.verifyKnown(token, options) ?? this.#verifyNew(token, options);
  }

  /**
   * `verify` for a token whose signature was already checked, without a promise: its claims
   * (lifetime checked, as in `verify`), or undefined for a token not seen recently.
   */
  verifyKnown(token: string, { now = Date.now(), allowExpired = false }: VerifyOptions = {}): SessionClaims | undefined {
    const known = this.#verified.get(tailKey(token));
    return known?.token === token ? this.#checkLifetime(known.claims, now, allowExpired) : undefined;
  }

  async #verifyNew(token: string, { now = Date.now(), allowExpired = false }: VerifyOptions): Promise<SessionClaims> {
    const parts = token.split('.');
    if (parts.length !== 3) throw invalid();
    const [header, payload, signature] = parts as [string, string, string];
    // Only our exact header: this rejects alg "none", RS256/HS512 confusion and extra header fields.
    if (header !== HEADER) throw invalid();
    const claims = await this.#authenticate(header, payload, signature);
    this.#verified.set(tailKey(token), { token, claims });
    return this.#checkLifetime(claims, now, allowExpired);
  }

  #checkLifetime(claims: SessionClaims, now: number, allowExpired: boolean): SessionClaims {
    const nowSeconds = Math.floor(now / 1000);
    if (claims.exp - claims.iat > this.ttlSeconds || claims.iat > nowSeconds + 60) throw invalid();
    if (claims.exp <= nowSeconds) {
      if (!allowExpired) throw new ApiError('TOKEN_EXPIRED', 'The session token has expired; request a new one.', { retryable: true });
      if (nowSeconds - claims.sst >= this.maxSessionSeconds) throw new ApiError('TOKEN_EXPIRED', 'The session has ended; start a new one.', { retryable: true });
    }
    return claims;
  }

  /** Signature and shape; the lifetime checks above run on every use. */
  async #authenticate(header: string, payload: string, signature: string): Promise<SessionClaims> {
    let signatureBytes: Uint8Array;
    let claims: SessionClaims;
    try {
      signatureBytes = fromBase64url(signature);
      claims = JSON.parse(new TextDecoder().decode(fromBase64url(payload))) as SessionClaims;
    } catch {
      throw invalid();
    }
    // crypto.subtle.verify compares in constant time.
    const authentic = await crypto.subtle.verify('HMAC', await this.#key, signatureBytes as Uint8Array<ArrayBuffer>, new TextEncoder().encode(`${header}.${payload}`));
    if (!authentic || !isClaims(claims)) throw invalid();
    return claims;
  }
}

const invalid = () => new ApiError('TOKEN_INVALID', 'The session token is not valid.', { retryable: true });

function isClaims(value: unknown): value is SessionClaims {
  const claims = value as Partial<SessionClaims> | null;
  return (
    !!claims &&
    typeof claims.sid === 'string' &&
    claims.sid.length >= 16 &&
    typeof claims.origin === 'string' &&
    Number.isInteger(claims.iat) &&
    Number.isInteger(claims.exp) &&
    Number.isInteger(claims.sst)
  );
}

/** 128 random bits, base64url: opaque ids for sessions, jobs, photos and results. */
export function randomId(bytes = 16): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('not base64url');
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
