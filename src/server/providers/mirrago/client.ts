/**
 * Mirrago's HTTP calls, nothing else: the OAuth client-credentials token (cached until
 * shortly before `expires_in`, shared by concurrent calls, refreshed exactly once when
 * an API call answers 401), job creation, job status and the result download.
 */
import { ProviderError } from '../types.js';
import type { Upstream, Answer, CallOptions } from '../upstream/http.js';
import { backoff } from '../upstream/timing.js';
import type { ImageBytes } from '../upstream/image-bytes.js';
import type { JsonObject } from '../upstream/json.js';
import { readToken, tokenRequest, type Token } from './mapping.js';

export interface MirragoCredentials {
  clientId: string;
  clientSecret: string;
}

export class MirragoClient {
  #token?: Token;
  #pending?: Promise<Token>;
  /** Tokens handed out so far (the last few), so provider text quoting one gets masked. */
  readonly #seen: string[] = [];

  constructor(
    private readonly upstream: Upstream,
    private readonly credentials: MirragoCredentials,
  ) {}

  /** Values to mask in any text we log or throw: the secret and our tokens. */
  secrets(): string[] {
    return [this.credentials.clientSecret, ...this.#seen];
  }

  /** `POST /v1/mirrago/generate-image`. Not repeated on timeouts: it spends credits. */
  generate(body: { model_image_url: string; garment_image_url: string }, signal: AbortSignal): Promise<JsonObject> {
    return this.authorized({ method: 'POST', path: '/v1/mirrago/generate-image', json: body, retrySafe: false, signal });
  }

  /** `GET /v1/mirrago/job/{job_id}`. */
  job(jobId: string, signal: AbortSignal): Promise<JsonObject> {
    return this.authorized({ path: `/v1/mirrago/job/${encodeURIComponent(jobId)}`, label: 'GET /v1/mirrago/job/{job_id}', signal });
  }

  /** The result image: a CDN URL, fetched without our token. */
  image(url: string, signal: AbortSignal): Promise<ImageBytes> {
    return this.upstream.image(url, { signal });
  }

  /** An API call with a bearer token; on 401 the token is renewed once and the call repeated once. */
  private async authorized(options: CallOptions): Promise<JsonObject> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.token(options.signal);
      const answer: Answer = await this.upstream.call({ ...options, headers: { ...options.headers, authorization: `Bearer ${token.value}` }, passStatuses: [401] });
      if (answer.status === 401) {
        if (attempt > 0) throw this.upstream.fail(answer);
        this.upstream.log.info('provider.token_rejected', { call: answer.label, action: 'renewing the access token once' });
        if (this.#token === token) this.#token = undefined;
        continue;
      }
      if (!answer.body || typeof answer.body !== 'object' || Array.isArray(answer.body)) throw this.upstream.malformed(answer);
      return answer.body as JsonObject;
    }
  }

  /** The cached token, or one fetch shared by every caller waiting for it. */
  private async token(signal: AbortSignal): Promise<Token> {
    const now = this.upstream.timing.now();
    if (this.#token && now < this.#token.refreshAt) return this.#token;
    this.#pending ??= this.fetchToken().finally(() => (this.#pending = undefined));
    return abortable(this.#pending, signal);
  }

  /**
   * `POST /oauth/token`. Runs on its own timeout, not a caller's signal, since callers share it.
   * A 2xx answer we cannot read (cut off, no `access_token`) is asked again, like a 5xx is by
   * the Upstream, a bounded number of times: otherwise one bad answer fails every submit waiting on it.
   */
  private async fetchToken(): Promise<Token> {
    const { timing } = this.upstream;
    for (let attempt = 0; ; attempt++) {
      const started = timing.now();
      let token: Token | undefined;
      let malformed: ProviderError;
      try {
        const answer = await this.upstream.json({
          method: 'POST',
          path: '/oauth/token',
          json: tokenRequest(this.credentials.clientId, this.credentials.clientSecret),
          // Asking for a token again has no side effect.
          retrySafe: true,
          signal: new AbortController().signal,
        });
        token = readToken(answer.body, started);
        malformed = this.upstream.malformed(answer, 'no access_token');
      } catch (error) {
        if (!(error instanceof ProviderError) || error.providerCode !== 'MALFORMED_RESPONSE') throw error;
        malformed = error;
      }
      if (token) return this.keep(token);
      if (attempt >= timing.retries) throw malformed;
      await this.upstream.pauseBeforeRetry('POST /oauth/token', attempt, 'MALFORMED_RESPONSE', backoff(attempt, timing), new AbortController().signal);
    }
  }

  private keep(token: Token): Token {
    this.#seen.push(token.value);
    if (this.#seen.length > 8) this.#seen.shift();
    this.#token = token;
    return token;
  }
}

/** The promise, or the signal's reason as soon as it aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
