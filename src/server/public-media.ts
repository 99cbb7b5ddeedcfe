import { randomId } from './session.js';

/** Longest a provider may fetch a photo by its public link, whatever the retention. */
const MAX_LINK_MS = 60 * 60 * 1000;

/**
 * Unguessable, expiring links to stored images, for providers that fetch images by URL
 * (Mirrago). The link names a random token, never the store key, and `GET /media/{token}`
 * serves exactly that one image until the link expires or the image is deleted.
 */
export class PublicMedia {
  readonly #links = new Map<string, { key: string; expiresAt: number }>();

  constructor(private readonly baseUrl: string) {}

  link(key: string, expiresAt: number): string {
    const token = randomId(24);
    this.#links.set(token, { key, expiresAt: Math.min(expiresAt, Date.now() + MAX_LINK_MS) });
    return `${this.baseUrl}/media/${token}`;
  }

  /** The store key behind a live link, or undefined. */
  resolve(token: string): string | undefined {
    const link = this.#links.get(token);
    return link && link.expiresAt > Date.now() ? link.key : undefined;
  }

  sweep(now = Date.now()) {
    for (const [token, link] of this.#links) if (link.expiresAt <= now) this.#links.delete(token);
  }
}
