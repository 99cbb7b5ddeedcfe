import { base64url } from '../session.js';

/** The dashboard's sign-in cookie. */
export const ADMIN_COOKIE = 'fr_admin';
/** How long a sign-in lasts. */
export const ADMIN_SESSION_SECONDS = 8 * 3600;

/**
 * The signed value of the dashboard's cookie: `{expires}.{HMAC-SHA256}` and nothing else — it
 * says "someone who knew the admin token signed in, until then". The key is made from the admin
 * token and the proxy's secret, so changing either signs everyone out.
 */
export class AdminCookieSigner {
  readonly #key: Promise<CryptoKey>;

  constructor(adminToken: string, secret: string) {
    this.#key = crypto.subtle.importKey('raw', new TextEncoder().encode(`fitting-room admin cookie\n${adminToken}\n${secret}`), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
  }

  async issue(now = Date.now()): Promise<string> {
    const expires = String(Math.floor(now / 1000) + ADMIN_SESSION_SECONDS);
    const signature = new Uint8Array(await crypto.subtle.sign('HMAC', await this.#key, new TextEncoder().encode(expires)));
    return `${expires}.${base64url(signature)}`;
  }

  /** True for a value this signer made that has not expired. */
  async verify(value: string | undefined, now = Date.now()): Promise<boolean> {
    const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value ?? '');
    if (!match) return false;
    const [, expires, signature] = match as unknown as [string, string, string];
    if (Number(expires) <= Math.floor(now / 1000)) return false;
    const bytes = Uint8Array.from(atob(signature.replace(/-/g, '+').replace(/_/g, '/')), (char) => char.charCodeAt(0));
    // crypto.subtle.verify compares in constant time.
    return crypto.subtle.verify('HMAC', await this.#key, bytes, new TextEncoder().encode(expires));
  }
}

/** The `Set-Cookie` value: httpOnly, SameSite=Strict, scoped to the admin path, Secure unless served over plain http in development. */
export function adminCookieHeader(value: string, { path, secure, maxAge = ADMIN_SESSION_SECONDS }: { path: string; secure: boolean; maxAge?: number }): string {
  return `${ADMIN_COOKIE}=${value}; Path=${path}; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** One cookie's value from a `Cookie` header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}
