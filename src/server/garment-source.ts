import { ApiError } from './errors.js';

export interface GarmentFetchPolicy {
  /** `host[:port]` values allowed; anything else is refused before any connection. */
  allowedHosts: readonly string[];
  /** Allow plain http (development only). */
  allowHttp: boolean;
  maxBytes: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const MAX_REDIRECTS = 3;

/**
 * The only way the proxy fetches a URL that came from a browser. It never trusts a
 * client-sent destination: the host must be on the merchant's list at every hop
 * (redirects are followed by hand and checked), the scheme must be https outside
 * development, credentials in URLs are refused, and the body is cut off at the limit.
 */
export function checkGarmentUrl(raw: string, policy: GarmentFetchPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ApiError('BAD_REQUEST', 'The garment must be an absolute image URL.');
  }
  const schemeAllowed = url.protocol === 'https:' || (policy.allowHttp && url.protocol === 'http:');
  if (!schemeAllowed)
    throw new ApiError('GARMENT_HOST_NOT_ALLOWED', `Garment URLs must use https (got ${url.protocol}); for an http staging shop, set FITTING_ROOM_ALLOW_HTTP_GARMENTS=true.`);
  if (url.username || url.password) throw new ApiError('GARMENT_HOST_NOT_ALLOWED', 'Garment URLs may not carry credentials.');
  if (!policy.allowedHosts.includes(url.host.toLowerCase())) {
    throw new ApiError('GARMENT_HOST_NOT_ALLOWED', `The proxy is not allowed to fetch images from ${url.host}; add it to FITTING_ROOM_GARMENT_HOSTS.`);
  }
  return url;
}

export async function fetchGarment(raw: string, policy: GarmentFetchPolicy, signal?: AbortSignal): Promise<Uint8Array> {
  const doFetch = policy.fetch ?? fetch;
  const timeout = AbortSignal.timeout(policy.timeoutMs ?? 10_000);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let url = checkGarmentUrl(raw, policy);
  for (let hop = 0; ; hop++) {
    let response: Response;
    try {
      response = await doFetch(url, { redirect: 'manual', signal: combined, headers: { accept: 'image/avif,image/webp,image/png,image/jpeg,*/*;q=0.5' } });
    } catch (error) {
      // The Node fetch refuses non-public addresses at connect time (guarded-fetch.ts).
      if ((error as Error | undefined)?.name === 'BlockedAddressError') throw new ApiError('GARMENT_HOST_NOT_ALLOWED', `${url.host} does not resolve to a public address.`);
      throw new ApiError('GARMENT_FETCH_FAILED', `The garment image at ${url.host} could not be loaded.`);
    }
    if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
      await response.body?.cancel();
      if (hop >= MAX_REDIRECTS) throw new ApiError('GARMENT_FETCH_FAILED', 'The garment image URL redirects too many times.');
      url = checkGarmentUrl(redirectTarget(response.headers.get('location')!, url), policy);
      continue;
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new ApiError('GARMENT_FETCH_FAILED', `The garment image answered HTTP ${response.status}.`);
    }
    return readLimited(response, policy.maxBytes);
  }
}

/** Where a redirect leads; a Location that is no URL cannot be checked against the allow-list, so it is refused like a host outside it. */
function redirectTarget(location: string, from: URL): string {
  try {
    return new URL(location, from).href;
  } catch {
    throw new ApiError('GARMENT_HOST_NOT_ALLOWED', `The garment image at ${from.host} redirects to an address that is not a valid URL.`);
  }
}

/** Reads a body up to `maxBytes`, failing as soon as it grows past it (whatever Content-Length claims). */
async function readLimited(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body!.cancel();
    throw new ApiError('IMAGE_TOO_LARGE', 'The garment image is larger than the limit.');
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body!.getReader();
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      throw new ApiError('GARMENT_FETCH_FAILED', 'The garment image download was interrupted.');
    }
    if (chunk.done) break;
    total += chunk.value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new ApiError('IMAGE_TOO_LARGE', 'The garment image is larger than the limit.');
    }
    chunks.push(chunk.value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
