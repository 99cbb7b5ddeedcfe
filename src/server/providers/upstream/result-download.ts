/**
 * Downloading a provider's result image: https or the provider's own origin only, redirects
 * followed by hand, credentials kept off CDNs and presigned URLs, a size cap, and bytes that
 * must be an image. Retried like a GET.
 */
import { ProviderError } from '../types.js';
import { causeText, failure, noAnswer } from './failures.js';
import type { Upstream } from './http.js';
import { MAX_RESULT_BYTES, resultContentType, type ImageBytes } from './image-bytes.js';
import { backoff, parseRetryAfter, TRANSIENT_STATUSES } from './timing.js';

/** A query that carries its own authorization (S3, GCS, CloudFront, generic signed links). */
const PRESIGNED_QUERY = /[?&](X-Amz-Signature|X-Goog-Signature|Signature|sig|token)=/i;
const MAX_REDIRECTS = 3;

export interface DownloadOptions {
  signal: AbortSignal;
  /** Sent to the provider's own origin only, and not even there when the URL signs itself. */
  authHeaders?: Record<string, string>;
  label?: string;
}

/** Downloads the result image at `location` (absolute, or a path under the provider's base URL). */
export async function downloadResult(upstream: Upstream, location: string, options: DownloadOptions): Promise<ImageBytes> {
  const { timing } = upstream;
  let url = resultUrl(upstream, location, options.label ?? 'GET result image');
  const label = () => options.label ?? `GET result image (${upstream.isOwnOrigin(url) ? 'provider API' : url.host})`;
  const timeoutMs = timing.transferTimeoutMs;
  const tooLarge = () => new ProviderError(failure('PROVIDER_ERROR', false, { providerCode: 'RESULT_TOO_LARGE', detail: `${label()}: larger than ${MAX_RESULT_BYTES} bytes` }));
  let hops = 0;
  for (let attempt = 0; ; attempt++) {
    const canRetry = attempt < timing.retries;
    const timeout = AbortSignal.timeout(timeoutMs);
    const withAuth = upstream.isOwnOrigin(url) && !PRESIGNED_QUERY.test(url.search);
    let response: Response;
    let bytes = new Uint8Array();
    try {
      response = await upstream.options.fetch(url, {
        headers: { accept: 'image/*', ...(withAuth ? options.authHeaders : {}) },
        signal: AbortSignal.any([options.signal, timeout]),
        redirect: 'manual',
      });
      const redirect = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && redirect) {
        await response.body?.cancel().catch(() => undefined);
        if (++hops > MAX_REDIRECTS) throw new ProviderError(failure('PROVIDER_ERROR', true, { providerCode: 'RESULT_URL', detail: `${label()}: too many redirects` }));
        url = resultUrl(upstream, new URL(redirect, url).href, label());
        attempt--;
        continue;
      }
      if (Number(response.headers.get('content-length') ?? 0) > MAX_RESULT_BYTES) {
        await response.body?.cancel().catch(() => undefined);
        throw tooLarge();
      }
      if (response.ok) bytes = new Uint8Array(await response.arrayBuffer());
      else await response.body?.cancel().catch(() => undefined);
    } catch (error) {
      if (options.signal.aborted) throw options.signal.reason;
      if (error instanceof ProviderError) throw error;
      const fault = noAnswer(label(), timeout.aborted, timeoutMs, upstream.mask(causeText(error)));
      if (canRetry) {
        await upstream.pauseBeforeRetry(label(), attempt, fault.providerCode!, backoff(attempt, timing), options.signal);
        continue;
      }
      throw new ProviderError(fault);
    }
    const status = response.status;
    if (!response.ok) {
      if (canRetry && (status === 429 || TRANSIENT_STATUSES.has(status))) {
        const wait = Math.min(parseRetryAfter(response.headers.get('retry-after'), timing.now()) ?? backoff(attempt, timing), timing.maxRetryAfterMs);
        await upstream.pauseBeforeRetry(label(), attempt, `HTTP_${status}`, wait, options.signal);
        continue;
      }
      // Signed result URLs expire: a 403 or 404 there means the image is gone, not that our credentials are wrong.
      const code = status === 429 ? 'RATE_LIMITED' : 'PROVIDER_ERROR';
      throw new ProviderError(
        failure(code, status === 429 || status >= 500 || status === 403 || status === 404, { providerCode: `RESULT_HTTP_${status}`, detail: `${label()} answered ${status}` }),
      );
    }
    if (bytes.byteLength > MAX_RESULT_BYTES) throw tooLarge();
    const contentType = resultContentType(bytes);
    if (!contentType) {
      throw new ProviderError(
        failure('PROVIDER_ERROR', true, {
          providerCode: 'RESULT_NOT_IMAGE',
          detail: `${label()}: the body (${bytes.byteLength} bytes, ${response.headers.get('content-type') ?? 'no type'}) is not an image`,
        }),
      );
    }
    return { bytes, contentType };
  }
}

/** A result location as a URL we may fetch: https anywhere, or anything on the provider's own origin. */
function resultUrl(upstream: Upstream, location: string, label: string): URL {
  let url: URL;
  try {
    url = upstream.resolve(location);
  } catch {
    throw new ProviderError(failure('PROVIDER_ERROR', true, { providerCode: 'RESULT_URL', detail: `${label}: the result location is not a URL` }));
  }
  if (!upstream.isOwnOrigin(url) && url.protocol !== 'https:') {
    throw new ProviderError(
      failure('PROVIDER_ERROR', false, {
        providerCode: 'RESULT_URL',
        detail: `${label}: refusing a non-https result URL off the provider's origin (${url.protocol}//${url.host})`,
      }),
    );
  }
  return url;
}
