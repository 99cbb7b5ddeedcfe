/**
 * One provider's HTTP access: a timeout per call, retries that are safe, 429 + Retry-After,
 * error answers mapped to the contract's codes, lenient JSON.
 *
 * Secrets: no URL with a query string, no header and no response body ever reaches a log
 * line or a `ProviderError` from here. Calls are named by a `label` ("POST /v1/try-on"),
 * provider text is cut short and passed through `maskString` with the adapter's secrets.
 */
import { sleep } from '../../../shared/sleep.js';
import { maskString, type Logger } from '../../log.js';
import { ProviderError, type ProviderFailure } from '../types.js';
import { openEventStream, type ServerSentEvent } from './event-stream.js';
import { causeCode, causeText, failure, genericHttpFailure, noAnswer, type HttpAnswer } from './failures.js';
import type { ImageBytes } from './image-bytes.js';
import { isObject, readJson, type JsonObject } from './json.js';
import { downloadResult, type DownloadOptions } from './result-download.js';
import { backoff, jitter, parseRetryAfter, TRANSIENT_STATUSES, type Timing } from './timing.js';

export interface UpstreamOptions {
  /** Display name, e.g. "Mirrago". */
  provider: string;
  baseUrl: URL;
  fetch: typeof fetch;
  log: Logger;
  timing: Timing;
  /** Exact values masked wherever provider text is quoted (the adapter's keys and tokens). */
  secrets: () => readonly string[];
  /** What the merchant should check when the provider refuses the credentials. */
  authHint: string;
  /** Provider-specific mapping of an error answer; `undefined` falls back to `genericHttpFailure`. */
  mapError?: (answer: HttpAnswer) => ProviderFailure | undefined;
  /** The provider's own words in an error body, quoted (clipped, masked) in `detail`. */
  messageOf?: (body: unknown) => string | undefined;
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** A path under the base URL ("/v1/jobs/1"), or an absolute URL. */
  path: string;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  body?: BodyInit;
  /**
   * May the call be repeated after a timeout, a network error or a 5xx? Defaults to true for
   * GET, PUT and DELETE. A 429 and a refused connection are retried either way: in both the
   * upstream did nothing.
   */
  retrySafe?: boolean;
  timeoutMs?: number;
  /** For logs and errors; defaults to "METHOD /path". Never include a query string. */
  label?: string;
  /** Statuses returned to the caller instead of thrown (e.g. 401 to refresh a token). */
  passStatuses?: readonly number[];
  signal: AbortSignal;
}

export interface Answer extends HttpAnswer {
  text: string;
}

/**
 * Each call gets its own timeout (`AbortSignal.timeout` combined with the caller's signal
 * through `AbortSignal.any`), answers are read as text and parsed leniently, and failures
 * come out as `ProviderError`s with contract codes.
 */
export class Upstream {
  readonly log: Logger;
  constructor(readonly options: UpstreamOptions) {
    this.log = options.log;
  }

  get timing(): Timing {
    return this.options.timing;
  }

  /** The call's URL: a path under the base URL, or an absolute one. */
  resolve(path: string): URL {
    if (/^https?:\/\//i.test(path)) return new URL(path);
    const base = this.options.baseUrl;
    return new URL(`${base.pathname.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`, base.origin);
  }

  /** Is the URL on the provider's own API origin (the only place our credentials may go)? */
  isOwnOrigin(url: URL): boolean {
    return url.origin === this.options.baseUrl.origin;
  }

  /** A call whose 2xx answer must be a JSON object. */
  async json(options: CallOptions): Promise<Answer & { body: JsonObject }> {
    const answer = await this.call(options);
    if (!isObject(answer.body)) throw this.malformed(answer);
    return answer as Answer & { body: JsonObject };
  }

  /** Any call; 2xx (or a passed status) is returned, everything else thrown as ProviderError. */
  async call(options: CallOptions): Promise<Answer> {
    const method = options.method ?? (options.json !== undefined || options.body !== undefined ? 'POST' : 'GET');
    const url = this.resolve(options.path);
    const label = options.label ?? `${method} ${url.pathname}`;
    const retrySafe = options.retrySafe ?? (method === 'GET' || method === 'PUT' || method === 'DELETE');
    const timeoutMs = options.timeoutMs ?? this.timing.requestTimeoutMs;
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    let body = options.body;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }

    for (let attempt = 0; ; attempt++) {
      const canRetry = attempt < this.timing.retries;
      let response: Response;
      let text: string;
      const timeout = AbortSignal.timeout(timeoutMs);
      try {
        response = await this.options.fetch(url, { method, headers, body, signal: AbortSignal.any([options.signal, timeout]), redirect: 'manual' });
        text = await response.text();
      } catch (error) {
        if (options.signal.aborted) throw options.signal.reason;
        const refused = causeCode(error) === 'ECONNREFUSED';
        const fault = noAnswer(label, timeout.aborted, timeoutMs, this.mask(causeText(error)));
        if (canRetry && (retrySafe || refused)) {
          await this.pauseBeforeRetry(label, attempt, fault.providerCode!, backoff(attempt, this.timing), options.signal);
          continue;
        }
        // No answer: unless the connection was refused, the provider may have acted on the call.
        throw new ProviderError(refused ? fault : { ...fault, outcomeUnknown: true });
      }

      const answer: Answer = { label, status: response.status, headers: response.headers, text, body: readJson(text) };
      if (response.ok || options.passStatuses?.includes(response.status)) return answer;

      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.timing.now());
      if (response.status === 429) {
        const wait = retryAfterMs ?? backoff(attempt, this.timing);
        if (canRetry && wait <= this.timing.maxRetryAfterMs) {
          await this.pauseBeforeRetry(label, attempt, 'HTTP_429', wait + jitter(wait), options.signal);
          continue;
        }
      } else if (canRetry && retrySafe && TRANSIENT_STATUSES.has(response.status)) {
        const wait = Math.max(backoff(attempt, this.timing), Math.min(retryAfterMs ?? 0, this.timing.maxRetryAfterMs));
        await this.pauseBeforeRetry(label, attempt, `HTTP_${response.status}`, wait, options.signal);
        continue;
      }
      throw this.fail(answer);
    }
  }

  /**
   * The ProviderError for an error answer: the provider's own mapping first, then the
   * generic one; Retry-After carried along; a merchant-facing log line when credentials
   * were refused.
   */
  fail(answer: HttpAnswer): ProviderError {
    const mapped = this.options.mapError?.(answer) ?? genericHttpFailure(answer, this.options.messageOf?.(answer.body));
    const retryAfterMs = parseRetryAfter(answer.headers.get('retry-after'), this.timing.now());
    const detail = mapped.detail ? this.mask(mapped.detail) : undefined;
    if (answer.status === 401 || answer.status === 403) {
      this.log.error('provider.auth_rejected', { call: answer.label, status: answer.status, action: this.options.authHint });
    }
    return new ProviderError({ ...mapped, detail, retryAfter: retryAfterMs != null ? Math.ceil(retryAfterMs / 1000) : undefined });
  }

  /** Reads a provider's JSON answer with a mapping function; an answer it cannot read is malformed. */
  read<B, T>(body: B, reader: (body: B) => T | undefined, label: string, problem: string, status = 200): T {
    const value = reader(body);
    if (value === undefined || value === null) throw this.malformed({ label, status, headers: new Headers(), body }, problem);
    return value;
  }

  /** PROVIDER_ERROR for a 2xx answer we cannot use (malformed JSON, fields missing). */
  malformed(answer: HttpAnswer, what = 'a body that is not the documented JSON'): ProviderError {
    // A 2xx we cannot read may still have started something upstream (a job we cannot name).
    return new ProviderError(
      failure('PROVIDER_ERROR', true, { providerCode: 'MALFORMED_RESPONSE', detail: `${answer.label} answered ${answer.status} with ${what}`, outcomeUnknown: true }),
    );
  }

  /** Downloads a result image (see result-download.ts). */
  image(location: string, options: DownloadOptions): Promise<ImageBytes> {
    return downloadResult(this, location, options);
  }

  /** The provider's event stream for a job (see event-stream.ts). */
  events(options: { path: string; headers?: Record<string, string>; label?: string; signal: AbortSignal }): AsyncGenerator<ServerSentEvent> {
    return openEventStream(this, options);
  }

  /** Masks the adapter's secrets and anything credential-shaped in provider text. */
  mask(text: string): string {
    return maskString(text, this.options.secrets());
  }

  /** A failure whose `detail` (provider text) is masked. */
  clean(fault: ProviderFailure): ProviderFailure {
    return fault.detail ? { ...fault, detail: this.mask(fault.detail) } : fault;
  }

  /** Logs the retry and waits; rejects at once when the caller aborts. */
  async pauseBeforeRetry(label: string, attempt: number, reason: string, ms: number, signal: AbortSignal) {
    this.log.warn('upstream.retry', { call: label, reason, attempt: attempt + 1, delayMs: Math.round(ms) });
    await sleep(ms, signal);
  }
}
