/**
 * What every documented provider adapter shares: calling an upstream HTTP API with a
 * timeout per call, retries that are safe, 429 + Retry-After, errors mapped to the
 * contract's codes, a JSON reader that survives malformed bodies, a Server-Sent Events
 * parser, result-image downloads, and the watch loop (stream first, polling after).
 *
 * Nothing here knows a provider. A provider folder holds a thin `client.ts` (its calls),
 * a pure `mapping.ts` (its JSON ↔ our types) and an `index.ts` (the factory).
 *
 * Secrets: no URL with a query string, no header and no response body ever reaches a log
 * line or a `ProviderError` from here. Calls are named by a `label` ("POST /v1/try-on"),
 * provider text is cut short and passed through `maskString` with the adapter's secrets.
 */
import type { ErrorCode } from '../../contract.js';
import { maskString, type Logger } from '../log.js';
import { ProviderError, type ProviderContext, type ProviderFailure, type ProviderUpdate } from './types.js';

// ---------------------------------------------------------------------------------------
// Timing
// ---------------------------------------------------------------------------------------

export interface Timing {
  /** Budget of one ordinary call, connect to last byte. */
  requestTimeoutMs: number;
  /** Budget of a call that carries an image (uploads, result downloads). */
  transferTimeoutMs: number;
  /** First poll interval; it grows by half each poll up to `pollMaxMs`. */
  pollMs: number;
  pollMaxMs: number;
  /** A job with no terminal status after this long fails with PROVIDER_ERROR. */
  watchTimeoutMs: number;
  /** An event stream silent (not even a heartbeat) this long is dropped for polling. */
  streamIdleMs: number;
  /** Extra attempts for a call that is safe to repeat. */
  retries: number;
  /** Exponential backoff base and ceiling; each delay is jittered between half and all of it. */
  backoffMs: number;
  backoffMaxMs: number;
  /** A 429 asking for a longer wait than this is not waited out: the caller gets RATE_LIMITED. */
  maxRetryAfterMs: number;
  /** Consecutive failed polls (each already retried) before the job is failed. */
  maxPollFailures: number;
  /** Clock, replaceable in tests (token lifetimes). */
  now: () => number;
}

export const DEFAULT_TIMING: Timing = {
  requestTimeoutMs: 15_000,
  transferTimeoutMs: 45_000,
  pollMs: 1_000,
  pollMaxMs: 3_000,
  watchTimeoutMs: 150_000,
  streamIdleMs: 30_000,
  retries: 3,
  backoffMs: 300,
  backoffMaxMs: 5_000,
  maxRetryAfterMs: 10_000,
  maxPollFailures: 3,
  now: () => Date.now(),
};

/** What a provider factory creator accepts: any part of the timing (tests make it fast). */
export type ProviderOptions = Partial<Timing>;

/** Defaults, then `FITTING_ROOM_POLL_MS` (first poll interval) from the environment, then explicit options. */
export function resolveTiming(env: Record<string, string | undefined>, options: ProviderOptions = {}): Timing {
  const timing = { ...DEFAULT_TIMING };
  const pollMs = Number(env.FITTING_ROOM_POLL_MS);
  if (env.FITTING_ROOM_POLL_MS && Number.isFinite(pollMs) && pollMs > 0) {
    timing.pollMs = pollMs;
    timing.pollMaxMs = Math.max(pollMs, timing.pollMaxMs);
  }
  return { ...timing, ...definedOnly(options) };
}

// ---------------------------------------------------------------------------------------
// Configuration from the environment
// ---------------------------------------------------------------------------------------

/** The value of a required variable, or an Error naming it. */
export function requireEnv(env: Record<string, string | undefined>, name: string, provider: string): string {
  const value = env[name]?.trim();
  if (!value) throw new Error(`${name} is required for the ${provider} provider. Set it in the proxy's environment.`);
  return value;
}

/** A base URL from `name` (or `fallback`), validated; no trailing slash. */
export function baseUrlFromEnv(env: Record<string, string | undefined>, name: string, provider: string, fallback?: string, whyRequired?: string): URL {
  const value = env[name]?.trim() || fallback;
  if (!value) throw new Error(`${name} is required for the ${provider} provider${whyRequired ? `: ${whyRequired}` : '.'}`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${name} must be a URL like https://api.example.com, got "${maskString(value)}".`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`${name} must be an http(s) URL.`);
  if (url.username || url.password || url.search) throw new Error(`${name} must not carry credentials or a query string; use the provider's key variables.`);
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}

// ---------------------------------------------------------------------------------------
// Failures
// ---------------------------------------------------------------------------------------

/** Shopper-facing words for the codes adapters produce (the widget has its own per code too). */
export const SHOPPER_TEXT = {
  PROVIDER_UNAVAILABLE: 'Try-on is unavailable right now. Please try again later.',
  RATE_LIMITED: 'Lots of people are trying things on right now. Please wait a moment and try again.',
  PROVIDER_ERROR: 'The try-on service had a problem. Please try again.',
  TRYON_FAILED: 'The try-on didn’t work this time. Please try again.',
  TRYON_REJECTED: 'We couldn’t find a person in that photo. Please use a clear, well-lit photo of yourself from head to at least the knees.',
  GARMENT_UNREADABLE: 'This product’s image can’t be used for a try-on.',
  INVALID_CATEGORY: 'Try-on isn’t available for this kind of product.',
  INTERNAL: 'Something went wrong on our side. Please try again.',
} as const satisfies Partial<Record<ErrorCode, string>>;

/** A failure with the shopper text of its code. */
export function failure(code: keyof typeof SHOPPER_TEXT, retryable: boolean, extra: Omit<ProviderFailure, 'code' | 'retryable'> = {}): ProviderFailure {
  return { code, retryable, message: SHOPPER_TEXT[code], ...definedOnly(extra) };
}

/** One non-2xx (or unusable 2xx) answer of an upstream call. */
export interface HttpAnswer {
  /** "POST /v1/try-on": what the call was, without host or query. */
  label: string;
  status: number;
  headers: Headers;
  /** Parsed JSON body, or undefined when empty or not JSON. */
  body: unknown;
}

/**
 * The mapping every provider falls back to. Provider mappings handle their own envelopes
 * first (error codes in bodies) and return `undefined` to land here.
 */
export function genericHttpFailure(answer: HttpAnswer, providerMessage?: string): ProviderFailure {
  const { status } = answer;
  const providerCode = `HTTP_${status}`;
  const detail = describeAnswer(answer, providerMessage);
  if (status === 401 || status === 403) return failure('PROVIDER_UNAVAILABLE', false, { providerCode, detail });
  if (status === 402) return failure('PROVIDER_UNAVAILABLE', false, { providerCode, detail, creditsExhausted: true });
  if (status === 429) return failure('RATE_LIMITED', true, { providerCode, detail });
  if (status === 502 || status === 503 || status === 504) return failure('PROVIDER_UNAVAILABLE', true, { providerCode, detail });
  if (status >= 500 || status === 408) return failure('PROVIDER_ERROR', true, { providerCode, detail });
  return failure('PROVIDER_ERROR', false, { providerCode, detail });
}

/** "POST /v1/try-on answered 402: Account balance is below…" — for logs, masked by the caller. */
export function describeAnswer(answer: HttpAnswer, providerMessage?: string): string {
  return `${answer.label} answered ${answer.status}${providerMessage ? `: ${clip(providerMessage)}` : ''}`;
}

/** Any error as a ProviderFailure (ProviderErrors keep their fields; anything else is PROVIDER_ERROR). */
export function toFailure(error: unknown, secrets: readonly string[] = []): ProviderFailure {
  if (error instanceof ProviderError) {
    const { code, message, retryable, providerCode, detail, creditsExhausted } = error;
    return definedOnly({ code, message, retryable, providerCode, detail, creditsExhausted });
  }
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return failure('PROVIDER_ERROR', true, { detail: maskString(clip(text), secrets) });
}

// ---------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------

export type JsonObject = Record<string, unknown>;

/** Parses JSON without throwing: malformed or empty text is `undefined`. */
export function readJson(text: string): unknown {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
/** A non-empty string field, else undefined. */
export const str = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);
/** A field as a string, accepting numbers too (ids). */
export const idOf = (value: unknown): string | undefined => str(value) ?? (typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined);

/** Progress as 0..1 from 0..1, 0..100, or "45%"; undefined when absent or unreadable. */
export function normalizeProgress(value: unknown): number | undefined {
  let number: number;
  if (typeof value === 'number') number = value;
  else if (typeof value === 'string' && value.trim()) number = Number.parseFloat(value);
  else return undefined;
  if (!Number.isFinite(number) || number < 0) return undefined;
  const percent = typeof value === 'string' && value.includes('%');
  const fraction = percent || number > 1 ? number / 100 : number;
  return Math.min(1, Math.max(0, fraction));
}

// ---------------------------------------------------------------------------------------
// Images
// ---------------------------------------------------------------------------------------

export interface ImageBytes {
  bytes: Uint8Array;
  contentType: string;
}

/** Result images larger than this are refused (no try-on image is anywhere near it). */
export const MAX_RESULT_BYTES = 25 * 1024 * 1024;

/** The image type from the first bytes (JPEG, PNG, WebP, GIF), else undefined. */
export function sniffImageType(bytes: Uint8Array): string | undefined {
  const at = (index: number) => bytes[index];
  if (bytes.length >= 3 && at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && at(0) === 0x89 && at(1) === 0x50 && at(2) === 0x4e && at(3) === 0x47) return 'image/png';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'image/webp';
  if (bytes.length >= 6 && ascii(bytes, 0, 4) === 'GIF8') return 'image/gif';
  return undefined;
}

/** Decodes a base64 image (plain or a `data:` URL) and checks that it is one. */
export function imageFromBase64(value: string, label: string): ImageBytes {
  const base64 = value.replace(/^data:[^,]*,/, '').replace(/\s+/g, '');
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  } catch {
    bytes = new Uint8Array(0);
  }
  const contentType = sniffImageType(bytes);
  if (!contentType) throw new ProviderError(failure('PROVIDER_ERROR', true, { providerCode: 'RESULT_NOT_IMAGE', detail: `${label}: the base64 result is not an image` }));
  return { bytes, contentType };
}

/** The bytes of a prepared image as base64 (no `data:` prefix). */
export function toBase64(bytes: Uint8Array): string {
  // btoa, not Buffer: the same adapters run on edge runtimes. Chunks keep the argument list short.
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** A Blob of the bytes (copied, so the Blob owns a plain ArrayBuffer). */
export const toBlob = (bytes: Uint8Array, type: string): Blob => new Blob([new Uint8Array(bytes)], { type });

export const extensionOf = (contentType: string): string => ({ 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' })[contentType] ?? 'bin';

// ---------------------------------------------------------------------------------------
// The HTTP client
// ---------------------------------------------------------------------------------------

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

const TRANSIENT_STATUSES = new Set([408, 500, 502, 503, 504]);
/** A query that carries its own authorization (S3, GCS, CloudFront, generic signed links). */
const PRESIGNED_QUERY = /[?&](X-Amz-Signature|X-Goog-Signature|Signature|sig|token)=/i;

/**
 * The Upstream every adapter builds: the proxy's fetch, a log tagged with the provider, and
 * the timing from the environment (`FITTING_ROOM_POLL_MS`) and the adapter's options.
 */
export function upstreamFor(env: Record<string, string | undefined>, context: ProviderContext, options: ProviderOptions, spec: Omit<UpstreamOptions, 'fetch' | 'log' | 'timing'>): Upstream {
  return new Upstream({ ...spec, fetch: context.fetch, log: context.log.child({ provider: spec.provider.toLowerCase() }), timing: resolveTiming(env, options) });
}

/**
 * One provider's HTTP access. Each call gets its own timeout (`AbortSignal.timeout`
 * combined with the caller's signal through `AbortSignal.any`), answers are read as text
 * and parsed leniently, and failures come out as `ProviderError`s with contract codes.
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
        const fault = timeout.aborted
          ? failure('PROVIDER_ERROR', true, { providerCode: 'TIMEOUT', detail: `${label} did not answer within ${timeoutMs} ms` })
          : failure('PROVIDER_UNAVAILABLE', true, { providerCode: 'NETWORK', detail: `${label} failed: ${this.mask(causeText(error))}` });
        if (canRetry && (retrySafe || refused)) {
          await this.pause(label, attempt, fault.providerCode!, backoff(attempt, this.timing), options.signal);
          continue;
        }
        throw new ProviderError(fault);
      }

      const answer: Answer = { label, status: response.status, headers: response.headers, text, body: readJson(text) };
      if (response.ok || options.passStatuses?.includes(response.status)) return answer;

      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.timing.now());
      if (response.status === 429) {
        const wait = retryAfterMs ?? backoff(attempt, this.timing);
        if (canRetry && wait <= this.timing.maxRetryAfterMs) {
          await this.pause(label, attempt, 'HTTP_429', wait + jitter(wait), options.signal);
          continue;
        }
      } else if (canRetry && retrySafe && TRANSIENT_STATUSES.has(response.status)) {
        const wait = Math.max(backoff(attempt, this.timing), Math.min(retryAfterMs ?? 0, this.timing.maxRetryAfterMs));
        await this.pause(label, attempt, `HTTP_${response.status}`, wait, options.signal);
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

  /** PROVIDER_ERROR for a 2xx answer we cannot use (malformed JSON, fields missing). */
  /** Reads a provider's JSON answer with a mapping function; an answer it cannot read is malformed. */
  read<B, T>(body: B, reader: (body: B) => T | undefined, label: string, problem: string, status = 200): T {
    const value = reader(body);
    if (value === undefined || value === null) throw this.malformed({ label, status, headers: new Headers(), body }, problem);
    return value;
  }

  malformed(answer: HttpAnswer, what = 'a body that is not the documented JSON'): ProviderError {
    return new ProviderError(failure('PROVIDER_ERROR', true, { providerCode: 'MALFORMED_RESPONSE', detail: `${answer.label} answered ${answer.status} with ${what}` }));
  }

  /**
   * Downloads a result image. Only https URLs or URLs on the provider's own origin are
   * fetched, redirects included (followed by hand, at most 3); `authHeaders` go only to the
   * provider's own origin, never to a CDN, and never with a presigned (self-signed) URL. The
   * bytes must be an image; retried like a GET.
   */
  async image(location: string, options: { signal: AbortSignal; authHeaders?: Record<string, string>; label?: string }): Promise<ImageBytes> {
    let url = this.resultUrl(location, options.label ?? 'GET result image');
    const label = () => options.label ?? `GET result image (${this.isOwnOrigin(url) ? 'provider API' : url.host})`;
    const timeoutMs = this.timing.transferTimeoutMs;
    let hops = 0;
    for (let attempt = 0; ; attempt++) {
      const canRetry = attempt < this.timing.retries;
      const timeout = AbortSignal.timeout(timeoutMs);
      // Credentials go to the provider's own origin only, and not even there when the URL signs itself.
      const withAuth = this.isOwnOrigin(url) && !PRESIGNED_QUERY.test(url.search);
      let response: Response;
      let bytes = new Uint8Array();
      try {
        response = await this.options.fetch(url, { headers: { accept: 'image/*', ...(withAuth ? options.authHeaders : {}) }, signal: AbortSignal.any([options.signal, timeout]), redirect: 'manual' });
        const location = response.headers.get('location');
        if (response.status >= 300 && response.status < 400 && location) {
          await response.body?.cancel().catch(() => undefined);
          if (++hops > 3) throw new ProviderError(failure('PROVIDER_ERROR', true, { providerCode: 'RESULT_URL', detail: `${label()}: too many redirects` }));
          url = this.resultUrl(new URL(location, url).href, label());
          attempt--;
          continue;
        }
        if (Number(response.headers.get('content-length') ?? 0) > MAX_RESULT_BYTES) {
          await response.body?.cancel().catch(() => undefined);
          throw new ProviderError(failure('PROVIDER_ERROR', false, { providerCode: 'RESULT_TOO_LARGE', detail: `${label()}: larger than ${MAX_RESULT_BYTES} bytes` }));
        }
        if (response.ok) bytes = new Uint8Array(await response.arrayBuffer());
        else await response.body?.cancel().catch(() => undefined);
      } catch (error) {
        if (options.signal.aborted) throw options.signal.reason;
        if (error instanceof ProviderError) throw error;
        const fault = timeout.aborted
          ? failure('PROVIDER_ERROR', true, { providerCode: 'TIMEOUT', detail: `${label()} did not answer within ${timeoutMs} ms` })
          : failure('PROVIDER_UNAVAILABLE', true, { providerCode: 'NETWORK', detail: `${label()} failed: ${this.mask(causeText(error))}` });
        if (canRetry) {
          await this.pause(label(), attempt, fault.providerCode!, backoff(attempt, this.timing), options.signal);
          continue;
        }
        throw new ProviderError(fault);
      }
      const status = response.status;
      if (!response.ok) {
        if (canRetry && (status === 429 || TRANSIENT_STATUSES.has(status))) {
          const wait = Math.min(parseRetryAfter(response.headers.get('retry-after'), this.timing.now()) ?? backoff(attempt, this.timing), this.timing.maxRetryAfterMs);
          await this.pause(label(), attempt, `HTTP_${status}`, wait, options.signal);
          continue;
        }
        // Signed result URLs expire: a 403 or 404 there means the image is gone, not that our credentials are wrong.
        const code = status === 429 ? 'RATE_LIMITED' : 'PROVIDER_ERROR';
        throw new ProviderError(failure(code, status === 429 || status >= 500 || status === 403 || status === 404, { providerCode: `RESULT_HTTP_${status}`, detail: `${label()} answered ${status}` }));
      }
      if (bytes.byteLength > MAX_RESULT_BYTES) throw new ProviderError(failure('PROVIDER_ERROR', false, { providerCode: 'RESULT_TOO_LARGE', detail: `${label()}: larger than ${MAX_RESULT_BYTES} bytes` }));
      const contentType = sniffImageType(bytes);
      if (!contentType) {
        throw new ProviderError(failure('PROVIDER_ERROR', true, { providerCode: 'RESULT_NOT_IMAGE', detail: `${label()}: the body (${bytes.byteLength} bytes, ${response.headers.get('content-type') ?? 'no type'}) is not an image` }));
      }
      return { bytes, contentType };
    }
  }

  /** A result location as a URL we may fetch: https anywhere, or anything on the provider's own origin. */
  private resultUrl(location: string, label: string): URL {
    let url: URL;
    try {
      url = this.resolve(location);
    } catch {
      throw new ProviderError(failure('PROVIDER_ERROR', true, { providerCode: 'RESULT_URL', detail: `${label}: the result location is not a URL` }));
    }
    if (!this.isOwnOrigin(url) && url.protocol !== 'https:') {
      throw new ProviderError(failure('PROVIDER_ERROR', false, { providerCode: 'RESULT_URL', detail: `${label}: refusing a non-https result URL off the provider's origin (${url.protocol}//${url.host})` }));
    }
    return url;
  }

  /**
   * Opens a Server-Sent Events stream and yields its events. The connection must be made
   * within the request timeout and then stay alive: silence longer than `streamIdleMs`
   * (heartbeats count) ends it with a PROVIDER_ERROR, as does a non-2xx answer or a body
   * that is not `text/event-stream`. Never retried: callers fall back to polling.
   */
  async *events(options: { path: string; headers?: Record<string, string>; label?: string; signal: AbortSignal }): AsyncGenerator<ServerSentEvent> {
    const url = this.resolve(options.path);
    const label = options.label ?? `GET ${url.pathname}`;
    const local = new AbortController();
    const signal = AbortSignal.any([options.signal, local.signal]);
    let phase: 'connect' | 'idle' = 'connect';
    let timer = setTimeout(() => local.abort(), this.timing.requestTimeoutMs);
    const arm = () => {
      clearTimeout(timer);
      phase = 'idle';
      timer = setTimeout(() => local.abort(), this.timing.streamIdleMs);
    };
    const fault = (error: unknown): ProviderError => {
      if (error instanceof ProviderError) return error;
      if (local.signal.aborted) {
        const detail = phase === 'connect' ? `${label} did not answer within ${this.timing.requestTimeoutMs} ms` : `${label} was silent for ${this.timing.streamIdleMs} ms`;
        return new ProviderError(failure('PROVIDER_ERROR', true, { providerCode: 'TIMEOUT', detail }));
      }
      return new ProviderError(failure('PROVIDER_UNAVAILABLE', true, { providerCode: 'NETWORK', detail: `${label} failed: ${this.mask(causeText(error))}` }));
    };
    try {
      let response: Response;
      try {
        response = await this.options.fetch(url, { headers: { accept: 'text/event-stream', 'cache-control': 'no-cache', ...options.headers }, signal, redirect: 'manual' });
      } catch (error) {
        if (options.signal.aborted) throw options.signal.reason;
        throw fault(error);
      }
      if (!response.ok) {
        const text = await response.text().catch(() => '');
        throw this.fail({ label, status: response.status, headers: response.headers, body: readJson(text) });
      }
      if (!/text\/event-stream/i.test(response.headers.get('content-type') ?? '') || !response.body) {
        await response.body?.cancel().catch(() => undefined);
        throw this.malformed({ label, status: response.status, headers: response.headers, body: undefined }, 'a body that is not an event stream');
      }
      arm();
      try {
        for await (const event of parseEventStream(response.body, arm)) yield event;
      } catch (error) {
        if (options.signal.aborted) throw options.signal.reason;
        throw fault(error);
      }
    } finally {
      clearTimeout(timer);
      local.abort();
    }
  }

  /** Masks the adapter's secrets and anything credential-shaped in provider text. */
  mask(text: string): string {
    return maskString(text, this.options.secrets());
  }

  /** A failure whose `detail` (provider text) is masked. */
  clean(fault: ProviderFailure): ProviderFailure {
    return fault.detail ? { ...fault, detail: this.mask(fault.detail) } : fault;
  }

  private async pause(label: string, attempt: number, reason: string, ms: number, signal: AbortSignal) {
    this.log.warn('upstream.retry', { call: label, reason, attempt: attempt + 1, delayMs: Math.round(ms) });
    await sleep(ms, signal);
  }
}

/** Milliseconds from a Retry-After header (seconds or an HTTP date), or undefined. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value == null || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with jitter: between half and all of min(max, base·2^attempt). */
export function backoff(attempt: number, timing: Pick<Timing, 'backoffMs' | 'backoffMaxMs'>): number {
  const ceiling = Math.min(timing.backoffMaxMs, timing.backoffMs * 2 ** attempt);
  return ceiling / 2 + (Math.random() * ceiling) / 2;
}

/** A little spread on top of a server-requested wait, so many clients don't return at once. */
const jitter = (ms: number) => Math.random() * Math.min(250, ms * 0.1);

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

// ---------------------------------------------------------------------------------------
// Server-Sent Events
// ---------------------------------------------------------------------------------------

export interface ServerSentEvent {
  id?: string;
  /** The `event:` field; "message" when the stream names none. */
  event: string;
  data: string;
}

/**
 * A text/event-stream parser following the WHATWG algorithm: CRLF, LF or CR line ends (also
 * split across chunks), a leading BOM, comments, `id`, `event`, multi-line `data`; `retry`
 * is ignored; an event is dispatched on a blank line and only if it has data; a last event
 * without its blank line is dropped, as browsers do. `onChunk` is called for every chunk
 * (heartbeat comments included) so callers can time silence.
 */
export async function* parseEventStream(body: ReadableStream<Uint8Array>, onChunk: () => void = () => {}): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder('utf-8');
  let buffer = '';
  let first = true;
  let data: string[] = [];
  let event = '';
  let id: string | undefined;
  const line = (text: string): ServerSentEvent | undefined => {
    if (text === '') {
      const dispatch = data.length ? { ...(id !== undefined ? { id } : {}), event: event || 'message', data: data.join('\n') } : undefined;
      data = [];
      event = '';
      return dispatch;
    }
    if (text.startsWith(':')) return undefined;
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    const value = colon < 0 ? '' : text.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id' && !value.includes('\0')) id = value;
    return undefined;
  };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      onChunk();
      buffer += decoder.decode(value, { stream: true });
      if (first && buffer.length) {
        if (buffer.charCodeAt(0) === 0xfeff) buffer = buffer.slice(1);
        first = false;
      }
      let start = 0;
      for (let index = 0; index < buffer.length; index++) {
        const char = buffer[index];
        if (char !== '\n' && char !== '\r') continue;
        // A CR at the very end may be the first half of a CRLF still in flight.
        if (char === '\r' && index === buffer.length - 1) break;
        const dispatched = line(buffer.slice(start, index));
        if (char === '\r' && buffer[index + 1] === '\n') index++;
        start = index + 1;
        if (dispatched) yield dispatched;
      }
      buffer = buffer.slice(start);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

// ---------------------------------------------------------------------------------------
// Watching a job
// ---------------------------------------------------------------------------------------

/** One observation of an upstream job in our vocabulary; `R` is how the provider hands over its result. */
export type JobState<R> = { status: 'queued' | 'running'; progress?: number } | { status: 'succeeded'; result: R } | { status: 'failed'; error: ProviderFailure };

export interface WatchPlan<R> {
  upstream: Upstream;
  upstreamId: string;
  signal: AbortSignal;
  /** One status read (the status endpoint, mapped). */
  poll: (signal: AbortSignal) => Promise<JobState<R>>;
  /**
   * Live updates, tried first. Yielding a terminal state ends the watch with it; ending or
   * throwing (anything but the abort) switches to polling, whose first read is immediate.
   */
  stream?: (signal: AbortSignal) => AsyncIterable<JobState<R>>;
  /** Turns the provider's result handle into image bytes. */
  fetchResult: (result: R, signal: AbortSignal) => Promise<ImageBytes>;
}

/**
 * The watch loop every adapter uses: stream (when the provider has one), else poll at
 * `pollMs` growing to `pollMaxMs`; a poll that fails transiently is retried up to
 * `maxPollFailures` times; repeated updates are not yielded twice; the result image is
 * downloaded here so the adapter yields exactly one terminal update. Ends with the
 * caller's abort reason when aborted, and with a PROVIDER_ERROR failure after
 * `watchTimeoutMs`.
 */
export async function* watchJob<R>(plan: WatchPlan<R>): AsyncGenerator<ProviderUpdate> {
  const { upstream, signal } = plan;
  const { timing, log } = upstream;
  const deadline = new AbortController();
  const deadlineTimer = setTimeout(() => deadline.abort(), timing.watchTimeoutMs);
  deadlineTimer.unref?.();
  const watchSignal = AbortSignal.any([signal, deadline.signal]);
  let last = '';
  const fresh = (state: { status: string; progress?: number }) => {
    const key = `${state.status}:${state.progress == null ? '' : Math.round(state.progress * 100)}`;
    if (key === last) return false;
    last = key;
    return true;
  };
  const progressOf = (state: { status: 'queued' | 'running'; progress?: number }): ProviderUpdate => (state.progress == null ? { status: state.status } : { status: state.status, progress: state.progress });

  let terminal: Extract<JobState<R>, { status: 'succeeded' | 'failed' }> | undefined;
  try {
    if (plan.stream) {
      try {
        for await (const state of plan.stream(watchSignal)) {
          if (state.status === 'succeeded' || state.status === 'failed') {
            terminal = state;
            break;
          }
          if (fresh(state)) yield progressOf(state);
        }
        if (!terminal) log.debug('provider.stream_ended', { upstreamId: plan.upstreamId });
      } catch (error) {
        if (watchSignal.aborted) throw error;
        log.warn('provider.stream_fallback', { upstreamId: plan.upstreamId, reason: toFailure(error).detail ?? 'stream failed', next: 'polling' });
      }
    }

    let interval = timing.pollMs;
    let failures = 0;
    let firstPoll = true;
    while (!terminal) {
      if (!firstPoll) {
        await sleep(interval, watchSignal);
        interval = Math.min(timing.pollMaxMs, interval * 1.5);
      }
      firstPoll = false;
      let state: JobState<R>;
      try {
        state = await plan.poll(watchSignal);
        failures = 0;
      } catch (error) {
        if (watchSignal.aborted) throw error;
        const fault = toFailure(error);
        if (fault.retryable && !fault.creditsExhausted && ++failures < timing.maxPollFailures) {
          log.warn('provider.poll_failed', { upstreamId: plan.upstreamId, code: fault.code, providerCode: fault.providerCode, detail: fault.detail, failures });
          const retryAfter = error instanceof ProviderError && error.retryAfter ? error.retryAfter * 1000 : 0;
          if (retryAfter > interval) await sleep(Math.min(retryAfter, timing.maxRetryAfterMs), watchSignal);
          continue;
        }
        terminal = { status: 'failed', error: fault };
        break;
      }
      if (state.status === 'succeeded' || state.status === 'failed') terminal = state;
      else if (fresh(state)) yield progressOf(state);
    }

    if (terminal.status === 'failed') {
      yield { status: 'failed', error: upstream.clean(terminal.error) };
      return;
    }
    let image: ImageBytes;
    try {
      image = await plan.fetchResult(terminal.result, watchSignal);
    } catch (error) {
      if (watchSignal.aborted) throw error;
      yield { status: 'failed', error: upstream.clean(toFailure(error)) };
      return;
    }
    yield { status: 'succeeded', image };
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (deadline.signal.aborted) {
      yield { status: 'failed', error: failure('PROVIDER_ERROR', true, { providerCode: 'TIMEOUT', detail: `no terminal status within ${timing.watchTimeoutMs} ms` }) };
      return;
    }
    throw error;
  } finally {
    clearTimeout(deadlineTimer);
  }
}

/**
 * Runs calls side by side (uploads); the first failure aborts the others, so nothing keeps
 * retrying in the background for a submit that has already failed.
 */
export async function allOrNothing<T>(signal: AbortSignal, tasks: ((signal: AbortSignal) => Promise<T>)[]): Promise<T[]> {
  const group = new AbortController();
  const groupSignal = AbortSignal.any([signal, group.signal]);
  try {
    return await Promise.all(
      tasks.map((task) =>
        task(groupSignal).catch((error: unknown) => {
          group.abort(error);
          throw error;
        }),
      ),
    );
  } finally {
    group.abort();
  }
}

// ---------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}

/** At most `max` characters of provider text, on one line. */
export function clip(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, to));
}

function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

/** "ECONNREFUSED" or the error's own words; never a URL (undici's "fetch failed" carries none). */
function causeText(error: unknown): string {
  const code = causeCode(error);
  if (code) return code;
  return error instanceof Error ? clip(error.message, 120) : 'unknown error';
}
