import type { ConsentReceiptFields, ErrorCode, ErrorEnvelope, JobCreated, JobView, ModelView, SessionGrant } from '../contract.js';
import { TERMINAL_STATUSES } from '../contract.js';
import { sleep } from '../shared/sleep.js';
import { parseEventStream } from './event-stream.js';

/** Re-exported for the proxy's tests, which read its event streams the way the widget does. */
export { parseEventStream, type ServerSentEvent } from './event-stream.js';

/** A failure the widget can explain: a contract error code, or NETWORK when the proxy was not reached. */
export class ProxyError extends Error {
  constructor(
    readonly code: ErrorCode | 'NETWORK',
    message: string,
    readonly retryable: boolean,
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ProxyError';
  }
}

export interface JobFields extends ConsentReceiptFields {
  /** Exactly one of `person`, `personRef` and `modelId` (a model of the merchant's gallery). */
  person?: Blob;
  personRef?: string;
  modelId?: string;
  /** Several garments (a look) go as repeated fields, garment 1 with category 1 and so on. */
  garment: string | string[];
  category: string | string[];
  productId?: string;
  variantId?: string;
}

export interface CreateJobOptions {
  signal: AbortSignal;
  onUploadProgress?: (fraction: number) => void;
}

/** Renew the token a little before it expires so a request never races its expiry. */
const TOKEN_MARGIN_MS = 30_000;
const MAX_STREAM_RECONNECTS = 2;
const POLL_FIRST_MS = 800;
const POLL_MAX_MS = 5_000;

/**
 * Speaks the widget ↔ proxy contract. It holds the short-lived session token (never a
 * provider credential), uploads with progress, and follows a job over SSE — read through
 * fetch so the token travels in a header, not a URL — falling back to polling with backoff.
 */
export class ProxyClient {
  readonly #base: URL;
  #grant?: Promise<SessionGrant>;
  #expiresAt = 0;
  #lastToken?: string;

  constructor(endpoint: string, pageUrl: string = location.href) {
    const base = new URL(endpoint || '.', pageUrl);
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    this.#base = base;
  }

  /** The session token, once the proxy granted one (the analytics collector takes it with try-on events). */
  get sessionToken(): string | undefined {
    return this.#lastToken;
  }

  /** How long the proxy keeps photos, once a session exists. */
  async retentionSeconds(): Promise<number> {
    return (await this.#session()).retentionSeconds;
  }

  createJob(fields: JobFields, options: CreateJobOptions): Promise<JobCreated> {
    return this.#withToken(async (token) => {
      const form = new FormData();
      if (fields.person) form.append('person', fields.person, 'photo.jpg');
      // Every text field that has a value, in the order declared (garment and category always have one); a list as repeated fields.
      for (const [name, value] of Object.entries(fields)) for (const text of [value].flat()) if (text && typeof text === 'string') form.append(name, text);
      return uploadWithProgress(this.#url('jobs'), form, token, options);
    });
  }

  /** The merchant's model gallery; none when the proxy has no models (or predates them). No session needed. */
  async models(): Promise<ModelView[]> {
    const response = await fetch(this.#url('models')).catch(() => undefined);
    return (response?.ok && (await response.json()).models) || [];
  }

  getJob(id: string, signal?: AbortSignal): Promise<JobView> {
    return this.#withToken(async (token) => readJson<JobView>(await this.#fetch(`jobs/${enc(id)}`, token, { signal })));
  }

  /** Fetches the result image with the session token; returns it as a Blob for display, download and share. */
  fetchResult(view: JobView, signal?: AbortSignal): Promise<Blob> {
    return this.#withToken(async (token) => {
      const response = await this.#fetch(view.resultUrl ?? `results/${enc(view.id)}`, token, { signal });
      if (!response.ok) await readJson(response);
      return response.blob();
    });
  }

  /** Cancels the job if it runs and deletes its stored photo and result. Best effort. */
  async deleteJob(id: string): Promise<void> {
    const token = await this.#token();
    await fetch(this.#url(`jobs/${enc(id)}`), {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
      keepalive: true,
    }).catch(() => undefined);
  }

  /**
   * Follows a job until it reaches a terminal status and returns that last view.
   * SSE first, reconnecting with Last-Event-ID; then polling with jittered backoff.
   */
  async watchJob(id: string, onUpdate: (view: JobView) => void, signal: AbortSignal): Promise<JobView> {
    let lastEventId: string | undefined;
    for (let attempt = 0; attempt <= MAX_STREAM_RECONNECTS; attempt++) {
      try {
        const token = await this.#token();
        const final = await this.#readEvents(id, token, lastEventId, signal, (view, eventId) => {
          lastEventId = eventId ?? lastEventId;
          onUpdate(view);
        });
        if (final) return final;
      } catch (error) {
        if (signal.aborted || (error instanceof ProxyError && error.code !== 'NETWORK' && !error.retryable)) throw error;
      }
    }
    return this.#poll(id, onUpdate, signal);
  }

  async #readEvents(
    id: string,
    token: string,
    lastEventId: string | undefined,
    signal: AbortSignal,
    onEvent: (view: JobView, eventId?: string) => void,
  ): Promise<JobView | undefined> {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (lastEventId) headers['last-event-id'] = lastEventId;
    const response = await this.#fetch(`jobs/${enc(id)}/events`, token, { signal, headers });
    if (!response.ok || !response.body) return readJson(response);
    let final: JobView | undefined;
    for await (const event of parseEventStream(response.body)) {
      const view = JSON.parse(event.data) as JobView;
      onEvent(view, event.id);
      if (isTerminal(view)) final = view;
    }
    return final;
  }

  async #poll(id: string, onUpdate: (view: JobView) => void, signal: AbortSignal): Promise<JobView> {
    let delay = POLL_FIRST_MS;
    for (;;) {
      try {
        const view = await this.getJob(id, signal);
        onUpdate(view);
        if (isTerminal(view)) return view;
      } catch (error) {
        if (signal.aborted || !(error instanceof ProxyError) || (error.code !== 'NETWORK' && !error.retryable)) throw error;
        if (error.retryAfter) delay = Math.max(delay, error.retryAfter * 1000);
      }
      await sleep(delay * (0.8 + Math.random() * 0.4), signal);
      delay = Math.min(delay * 1.5, POLL_MAX_MS);
    }
  }

  #url(path: string) {
    return new URL(path, this.#base).href;
  }

  async #fetch(path: string, token: string, init: RequestInit & { headers?: Record<string, string> }) {
    try {
      return await fetch(this.#url(path), { ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw new ProxyError('NETWORK', 'The try-on service could not be reached.', true);
    }
  }

  /** Runs a call with a valid token; when the proxy says the token expired, renews it once and retries. */
  async #withToken<T>(call: (token: string) => Promise<T>): Promise<T> {
    try {
      return await call(await this.#token());
    } catch (error) {
      if (!(error instanceof ProxyError) || error.code !== 'TOKEN_EXPIRED') throw error;
      return call(await this.#token(true));
    }
  }

  async #token(renew = false): Promise<string> {
    if (renew || Date.now() > this.#expiresAt - TOKEN_MARGIN_MS) this.#grant = undefined;
    return (await this.#session()).token;
  }

  #session(): Promise<SessionGrant> {
    this.#grant ??= (async () => {
      // Renewing with the old token keeps the same session, so its jobs and stored photo stay ours.
      const headers: Record<string, string> = this.#lastToken ? { authorization: `Bearer ${this.#lastToken}` } : {};
      let response: Response;
      try {
        response = await fetch(this.#url('session'), { method: 'POST', headers });
      } catch {
        throw new ProxyError('NETWORK', 'The try-on service could not be reached.', true);
      }
      const grant = await readJson<SessionGrant>(response);
      this.#expiresAt = Date.parse(grant.expiresAt);
      this.#lastToken = grant.token;
      return grant;
    })();
    this.#grant.catch(() => (this.#grant = undefined));
    return this.#grant;
  }
}

const enc = encodeURIComponent;

export const isTerminal = (view: JobView) => TERMINAL_STATUSES.includes(view.status);

/** Parses a response, turning the contract's error envelope into a ProxyError. */
async function readJson<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => undefined)) as (T & Partial<ErrorEnvelope>) | undefined;
  if (response.ok && body) return body;
  throw toProxyError(response.status, body?.error, response.headers.get('retry-after'));
}

function toProxyError(status: number, error: ErrorEnvelope['error'] | undefined, retryAfter: string | null) {
  if (error?.code) return new ProxyError(error.code, error.message, error.retryable, Number(retryAfter) || undefined);
  return new ProxyError(status >= 500 || status === 0 ? 'PROVIDER_UNAVAILABLE' : 'BAD_REQUEST', `HTTP ${status}`, status >= 500);
}

/** XMLHttpRequest because fetch still cannot report upload progress. */
function uploadWithProgress(url: string, body: FormData, token: string, options: CreateJobOptions): Promise<JobCreated> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.setRequestHeader('idempotency-key', crypto.randomUUID());
    xhr.responseType = 'json';
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) options.onUploadProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => {
      const body = xhr.response as (JobCreated & Partial<ErrorEnvelope>) | null;
      if (xhr.status === 202 || xhr.status === 200) resolve(body as JobCreated);
      else reject(toProxyError(xhr.status, body?.error, xhr.getResponseHeader('retry-after')));
    };
    xhr.onerror = () => reject(new ProxyError('NETWORK', 'The upload did not reach the try-on service.', true));
    const abort = () => xhr.abort();
    xhr.onabort = () => reject(options.signal.reason);
    options.signal.addEventListener('abort', abort, { once: true });
    xhr.onloadend = () => options.signal.removeEventListener('abort', abort);
    xhr.send(body);
  });
}
