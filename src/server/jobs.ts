import type { Category, JobError, JobStatus, JobView } from '../contract.js';
import { TERMINAL_STATUSES } from '../contract.js';
import { ApiError } from './errors.js';
import type { Logger } from './log.js';
import { ProviderError, type PreparedImage, type ProviderAdapter, type ProviderFailure } from './providers/types.js';
import { randomId } from './session.js';
import type { BlobStore } from './store.js';

export interface JobInput {
  personRef: string;
  garments: { bytes: Uint8Array; contentType: PreparedImage['contentType'] }[];
  category: Category;
  productId?: string;
  variantId?: string;
}

interface JobRecord {
  id: string;
  sessionId: string;
  status: JobStatus;
  progress?: number;
  error?: JobError;
  preview?: boolean;
  personRef: string;
  /** Store keys of everything this job keeps: garments, its result. */
  blobKeys: string[];
  expiresAt: number;
  /** Every view published, in order; the SSE event id is the index + 1. */
  history: JobView[];
  listeners: Set<() => void>;
  controller: AbortController;
}

interface PersonRecord {
  sessionId: string;
  expiresAt: number;
}

export interface JobServiceOptions {
  provider: ProviderAdapter;
  store: BlobStore;
  retentionSeconds: number;
  log: Logger;
  /** Makes an expiring public URL for stored bytes, for providers that fetch by URL. */
  publicUrl?: (storeKey: string, expiresAt: number) => string;
  /** Re-encodes a provider's result without metadata before it is stored for the browser. */
  cleanResult: (image: { bytes: Uint8Array; contentType: string }) => Promise<{ bytes: Uint8Array; contentType: string }>;
  /** A job that has not ended by then fails: every job reaches a terminal state. */
  jobTimeoutMs?: number;
  /** How long try-on stays off after the provider reports the account is out of credits. */
  creditsCooldownMs?: number;
}

/** Progress changes smaller than this are not worth an event to every listening tab. */
const PROGRESS_STEP = 0.01;

/**
 * Owns every try-on job of this proxy instance: it starts the upstream job once, watches
 * it once (however many tabs listen), fans its updates out to listeners, keeps the result,
 * and deletes photos and results at the end of their retention or at once on request.
 * Every lookup is by session: another session's id is indistinguishable from a missing one.
 */
export class JobService {
  readonly #jobs = new Map<string, JobRecord>();
  readonly #people = new Map<string, PersonRecord>();
  readonly #idempotency = new Map<string, { jobId: string; fingerprint: string; expiresAt: number }>();
  #unavailableUntil = 0;

  constructor(private readonly options: JobServiceOptions) {}

  get #retentionMs() {
    return this.options.retentionSeconds * 1000;
  }

  /** Keeps a validated, metadata-free person photo for this session and returns its reference. */
  async keepPerson(sessionId: string, image: { bytes: Uint8Array; contentType: string }): Promise<string> {
    const ref = randomId();
    const expiresAt = Date.now() + this.#retentionMs;
    await this.options.store.put(ref, image, expiresAt);
    this.#people.set(ref, { sessionId, expiresAt });
    return ref;
  }

  /** True when `ref` is a photo of this session that is still stored. */
  hasPerson(sessionId: string, ref: string): boolean {
    const person = this.#people.get(ref);
    return !!person && person.sessionId === sessionId && person.expiresAt > Date.now();
  }

  /** Returns the job an `Idempotency-Key` already made in this session, or undefined. */
  findIdempotent(sessionId: string, key: string | undefined, fingerprint: string): JobRecord | undefined {
    if (!key) return undefined;
    const entry = this.#idempotency.get(`${sessionId}:${key}`);
    if (!entry || entry.expiresAt <= Date.now()) return undefined;
    if (entry.fingerprint !== fingerprint) throw new ApiError('IDEMPOTENCY_CONFLICT', 'This Idempotency-Key was already used for a different request.', { retryable: false });
    return this.#jobs.get(entry.jobId);
  }

  /** Starts a job; returns at once (the upstream work runs in the background). */
  async create(sessionId: string, input: JobInput, idempotency?: { key: string; fingerprint: string }): Promise<JobRecord> {
    if (Date.now() < this.#unavailableUntil) {
      throw new ApiError('PROVIDER_UNAVAILABLE', 'Try-on is unavailable right now.', { retryable: false, retryAfter: (this.#unavailableUntil - Date.now()) / 1000 });
    }
    const person = await this.options.store.get(input.personRef);
    if (!person || !this.hasPerson(sessionId, input.personRef)) throw new ApiError('PERSON_REF_NOT_FOUND', 'That photo is no longer stored; upload it again.', { retryable: false });

    const expiresAt = Date.now() + this.#retentionMs;
    const job: JobRecord = {
      id: randomId(),
      sessionId,
      status: 'queued',
      personRef: input.personRef,
      blobKeys: [],
      expiresAt,
      history: [],
      listeners: new Set(),
      controller: new AbortController(),
    };
    this.#jobs.set(job.id, job);
    if (idempotency) this.#idempotency.set(`${sessionId}:${idempotency.key}`, { jobId: job.id, fingerprint: idempotency.fingerprint, expiresAt });
    this.#publish(job);

    const garments: PreparedImage[] = [];
    for (const garment of input.garments) {
      const key = randomId();
      job.blobKeys.push(key);
      if (this.options.publicUrl) await this.options.store.put(key, garment, expiresAt);
      garments.push({ ...garment, publicUrl: this.options.publicUrl?.(key, expiresAt) });
    }
    const request = {
      person: { bytes: person.bytes, contentType: person.contentType as PreparedImage['contentType'], publicUrl: this.options.publicUrl?.(input.personRef, expiresAt) },
      garments,
      category: input.category,
      productId: input.productId,
      variantId: input.variantId,
    };
    void this.#run(job, request);
    return job;
  }

  /** The session's job, or JOB_NOT_FOUND, the same answer for a missing id and someone else's. */
  get(sessionId: string, id: string): JobRecord {
    const job = this.#jobs.get(id);
    if (!job || job.sessionId !== sessionId || job.expiresAt <= Date.now()) throw new ApiError('JOB_NOT_FOUND', 'No such try-on job in this session.', { retryable: false });
    return job;
  }

  view(job: JobRecord): JobView {
    return job.history[job.history.length - 1]!;
  }

  /** Published views after event id `after` (0 = from the start), with their ids. */
  eventsAfter(job: JobRecord, after: number): { id: number; view: JobView }[] {
    const first = Math.max(0, Math.min(after, job.history.length));
    return job.history.slice(first).map((view, index) => ({ id: first + index + 1, view }));
  }

  lastEventId(job: JobRecord): number {
    return job.history.length;
  }

  /** Calls `listener` after every new view of the job; returns the unsubscribe function. */
  listen(job: JobRecord, listener: () => void): () => void {
    job.listeners.add(listener);
    return () => job.listeners.delete(listener);
  }

  async result(sessionId: string, id: string) {
    const job = this.get(sessionId, id);
    const key = job.status === 'succeeded' ? job.blobKeys.at(-1) : undefined;
    const blob = key && (await this.options.store.get(key));
    if (!blob) throw new ApiError('RESULT_NOT_FOUND', 'This try-on has no image (yet, or any more).', { retryable: false });
    return blob;
  }

  /** Cancels the job if it runs and deletes its photo, garments and result now. */
  async delete(sessionId: string, id: string): Promise<void> {
    const job = this.get(sessionId, id);
    await this.#forget(job, 'deleted');
  }

  /** Retention: forgets expired jobs and photos and sweeps the store. */
  async sweep(now = Date.now()): Promise<void> {
    for (const job of this.#jobs.values()) if (job.expiresAt <= now) await this.#forget(job, 'expired');
    for (const [ref, person] of this.#people) if (person.expiresAt <= now) this.#people.delete(ref);
    for (const [key, entry] of this.#idempotency) if (entry.expiresAt <= now) this.#idempotency.delete(key);
    await this.options.store.sweep(now);
  }

  /** Stops watching every job (shutdown); stored bytes stay until their retention ends. */
  close() {
    for (const job of this.#jobs.values()) job.controller.abort();
  }

  async #forget(job: JobRecord, reason: 'deleted' | 'expired') {
    const wasRunning = !TERMINAL_STATUSES.includes(job.status);
    job.controller.abort();
    if (wasRunning) this.#settle(job, { status: 'canceled' });
    this.#jobs.delete(job.id);
    this.#people.delete(job.personRef);
    await Promise.all([job.personRef, ...job.blobKeys].map((key) => this.options.store.delete(key)));
    this.options.log.info('job.forgotten', { job: job.id, reason, wasRunning });
  }

  async #run(job: JobRecord, request: Parameters<ProviderAdapter['submit']>[0]) {
    const { provider, log } = this.options;
    const signal = job.controller.signal;
    const timeout = setTimeout(() => job.controller.abort(new ApiError('PROVIDER_ERROR', 'The try-on took too long.')), this.options.jobTimeoutMs ?? 180_000);
    const started = Date.now();
    let upstreamId: string | undefined;
    try {
      ({ upstreamId } = await provider.submit(request, signal));
      log.info('job.submitted', { job: job.id, provider: provider.name, upstreamId });
      for await (const update of provider.watch(upstreamId, signal)) {
        if (signal.aborted) break;
        if (update.status === 'succeeded') {
          const key = randomId();
          await this.options.store.put(key, await this.options.cleanResult(update.image), job.expiresAt);
          job.blobKeys.push(key);
          this.#settle(job, { status: 'succeeded', resultUrl: `results/${job.id}`, preview: update.preview || undefined });
          log.info('job.succeeded', { job: job.id, provider: provider.name, ms: Date.now() - started });
          return;
        }
        if (update.status === 'failed') return this.#fail(job, update.error);
        if (job.status === update.status && Math.abs((update.progress ?? 0) - (job.progress ?? 0)) < PROGRESS_STEP) continue;
        this.#settle(job, { status: update.status, progress: update.progress });
      }
      if (!signal.aborted) this.#fail(job, { code: 'PROVIDER_ERROR', retryable: true, detail: 'the provider stopped reporting before the job ended' });
    } catch (error) {
      if (job.controller.signal.reason instanceof ApiError) return this.#fail(job, { code: 'PROVIDER_ERROR', retryable: true, detail: 'job timed out' });
      if (signal.aborted && !this.#jobs.has(job.id)) return;
      this.#fail(job, error instanceof ProviderError ? error : { code: 'PROVIDER_ERROR', retryable: true, detail: String(error) });
    } finally {
      clearTimeout(timeout);
      // Canceled, deleted or timed out: stop paying for upstream work nobody will see.
      if (signal.aborted && upstreamId && job.status !== 'succeeded') void provider.cancel?.(upstreamId).catch(() => undefined);
    }
  }

  #fail(job: JobRecord, failure: ProviderFailure) {
    const { log, provider } = this.options;
    if (failure.creditsExhausted) {
      this.#unavailableUntil = Date.now() + (this.options.creditsCooldownMs ?? 5 * 60_000);
      log.error('provider.credits_exhausted', { provider: provider.name, providerCode: failure.providerCode, action: 'Top up the provider account; try-on is paused for shoppers until then.' });
    }
    log.warn('job.failed', { job: job.id, provider: provider.name, code: failure.code, providerCode: failure.providerCode, detail: failure.detail });
    // A ProviderError without a shopper-facing message carries its code as the message.
    const message = failure.message && failure.message !== failure.code ? failure.message : defaultMessage(failure.code);
    this.#settle(job, { status: 'failed', error: { code: failure.code, message, retryable: failure.retryable } });
  }

  #settle(job: JobRecord, update: Omit<JobView, 'id'>) {
    if (TERMINAL_STATUSES.includes(job.status) && job.history.length) return;
    job.status = update.status;
    job.progress = update.progress;
    job.error = update.error;
    job.preview = update.preview;
    this.#publish(job, update);
  }

  #publish(job: JobRecord, update: Omit<JobView, 'id'> = { status: job.status }) {
    const view: JobView = { id: job.id, ...stripUndefined(update) };
    job.history.push(view);
    for (const listener of job.listeners) listener();
  }
}

function defaultMessage(code: string): string {
  return code === 'PROVIDER_UNAVAILABLE' ? 'Try-on is unavailable right now.' : 'The try-on did not work this time.';
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}
