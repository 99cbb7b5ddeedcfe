import type { JobStatus, JobView } from '../contract.js';
import { JobServiceError } from './job-errors.js';
import { JobIds } from './job-ids.js';
import { type JobEvent, type JobInput, type JobRecord, type RunRecord, defaultMessage, hashParts, isTerminal, keys, runView, viewOf } from './job-records.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';
import { ParsedRecords } from './parsed-records.js';
import { ProviderError, type PreparedImage, type ProviderAdapter, type ProviderFailure, type TryOnRequest } from './providers/types.js';
import { randomId } from './session.js';
import type { SharedState } from './state/types.js';
import type { BlobStore } from './store.js';

export interface JobServiceOptions {
  provider: ProviderAdapter;
  store: BlobStore;
  state: SharedState;
  secret: string;
  retentionSeconds: number;
  log: Logger;
  metrics: Metrics;
  /** Re-encodes a provider's result without metadata before it is stored for the browser. */
  cleanResult: (image: { bytes: Uint8Array; contentType: string }) => Promise<{ bytes: Uint8Array; contentType: string }>;
  /** Makes an expiring public URL for stored bytes, for providers that fetch by URL. */
  publicUrl?: (storeKey: string, expiresAt: number) => string;
  /** A run that has not ended by then fails: every job reaches a terminal state. */
  jobTimeoutMs?: number;
  /** How long try-on stays off after the provider reports the account is out of credits. */
  creditsCooldownMs?: number;
  /** Upstream runs per UTC day; 0 = no cap. */
  dailyJobLimit?: number;
}

const LEASE_MS = 30_000;
const LEASE_RENEW_MS = 10_000;
/** Progress changes smaller than this are not worth an event to every listening tab. */
const PROGRESS_STEP = 0.01;

/**
 * Owns every try-on job: it starts each upstream run once, watches it once (however many
 * tabs and instances listen), fans its updates out through the shared state, keeps the
 * result, and deletes photos and results at once on request. Runs are leased, so when the
 * instance watching one goes away, the next instance a shopper reaches takes over.
 */
export class JobService {
  readonly #ids: JobIds;
  readonly #instance = randomId(8);
  /** Runs this instance watches, so it can stop them and wait for them to let go. */
  readonly #watching = new Map<string, { controller: AbortController; done: Promise<void> }>();
  /** Job records as status polls read them (parsed once per stored text). */
  readonly #records = new ParsedRecords<JobRecord>(2048);

  constructor(private readonly options: JobServiceOptions) {
    this.#ids = new JobIds(options.secret);
  }

  get #retentionMs() {
    return this.options.retentionSeconds * 1000;
  }

  get #state() {
    return this.options.state;
  }

  /** Keeps a validated, metadata-free person photo for this session and returns its reference. */
  async keepPerson(sessionId: string, image: { bytes: Uint8Array; contentType: string }): Promise<string> {
    const ref = randomId();
    await this.options.store.put(ref, image, Date.now() + this.#retentionMs);
    await this.#state.set(keys.person(ref), sessionId, this.#retentionMs);
    return ref;
  }

  /** True when `ref` is a photo of this session that is still stored. */
  async hasPerson(sessionId: string, ref: string): Promise<boolean> {
    return /^[A-Za-z0-9_-]{16,64}$/.test(ref) && (await this.#state.get(keys.person(ref))) === sessionId;
  }

  /** Refuses (`person-ref-missing`) a `ref` that is not a stored photo of this session. */
  async requirePerson(sessionId: string, ref: string): Promise<void> {
    if (!(await this.hasPerson(sessionId, ref))) throw new JobServiceError('person-ref-missing');
  }

  /** Returns the job an `Idempotency-Key` already made in this session, or undefined. */
  async findIdempotent(sessionId: string, key: string | undefined, fingerprint: string): Promise<JobRecord | undefined> {
    if (!key) return undefined;
    const entry = await this.#readJson<{ jobId: string; fingerprint: string }>(keys.idempotency(sessionId, key));
    if (!entry) return undefined;
    if (entry.fingerprint !== fingerprint) throw new JobServiceError('idempotency-conflict');
    return this.#readJson<JobRecord>(keys.job(entry.jobId));
  }

  /** Refuses new jobs while the provider account is out of credits. */
  async assertAvailable(): Promise<void> {
    const until = Number(await this.#state.get(keys.unavailable));
    if (until > Date.now()) throw new JobServiceError('provider-paused', (until - Date.now()) / 1000);
  }

  /** Starts a job; returns at once (the upstream work runs in the background). */
  async create(sessionId: string, input: JobInput, idempotency?: { key: string; fingerprint: string }): Promise<JobRecord> {
    const { provider, metrics, store } = this.options;
    await this.assertAvailable();
    const person = (await this.hasPerson(sessionId, input.personRef)) ? await store.get(input.personRef) : undefined;
    if (!person) throw new JobServiceError('person-ref-missing');

    const runKey = await hashParts([provider.name, input.category, person.bytes, ...input.garments.map((garment) => garment.bytes)]);
    const existing = await this.#readJson<RunRecord>(keys.run(runKey));
    const reusable = existing && (existing.status === 'succeeded' ? !!existing.resultKey : !isTerminal(existing.status));
    if (!reusable) await this.#spendDailyBudget();
    const job: JobRecord = {
      id: await this.#ids.mint(sessionId, provider.name),
      sessionId,
      status: 'queued',
      personRef: input.personRef,
      runKey,
      expiresAt: Date.now() + this.#retentionMs,
    };
    if (idempotency) {
      const claimed = await this.#state.setIfAbsent(keys.idempotency(sessionId, idempotency.key), JSON.stringify({ jobId: job.id, fingerprint: idempotency.fingerprint }), this.#retentionMs);
      // A concurrent request with the same key won the race: answer with its job.
      if (!claimed) return (await this.findIdempotent(sessionId, idempotency.key, idempotency.fingerprint)) ?? job;
    }
    await this.#write(job, { status: 'queued' });
    metrics.jobs.inc({ provider: provider.name, status: 'created' });

    await this.#attach(job, runKey, existing, input, person);
    return (await this.#readJson<JobRecord>(keys.job(job.id))) ?? job;
  }

  /** The session's job, or `not-found` — the same answer for a missing id and someone else's. Shared and frozen: copy it to change it. */
  async get(sessionId: string, id: string): Promise<Readonly<JobRecord>> {
    if (!(this.#ids.openKnown(id, sessionId) ?? (await this.#ids.open(id, sessionId)))) throw new JobServiceError('not-found');
    const key = keys.job(id);
    const text = await this.#state.get(key);
    const job = text === undefined ? undefined : this.#records.parse(key, text);
    if (!job || job.sessionId !== sessionId) throw new JobServiceError('not-found');
    if (!isTerminal(job.status)) await this.#adoptIfOrphaned(job.runKey);
    return job;
  }

  view(job: JobRecord): JobView {
    return viewOf(job);
  }

  /** Published events after event id `after` (0 = from the start). */
  async eventsAfter(job: Pick<JobRecord, 'id'>, after: number): Promise<JobEvent[]> {
    const items = await this.#state.range(keys.events(job.id), Math.max(0, after));
    return items.map((item, index) => ({ id: after + index + 1, view: JSON.parse(item) as JobView }));
  }

  /** Calls `listener` with every new event of the job, from any instance; returns the unsubscribe function. */
  listen(job: Pick<JobRecord, 'id'>, listener: (event: JobEvent) => void): Promise<() => Promise<void>> {
    return this.#state.subscribe(keys.job(job.id), (message) => listener(JSON.parse(message) as JobEvent));
  }

  async result(sessionId: string, id: string) {
    const job = await this.get(sessionId, id);
    const blob = job.status === 'succeeded' && job.resultKey ? await this.options.store.get(job.resultKey) : undefined;
    if (!blob) throw new JobServiceError('result-missing');
    return blob;
  }

  /**
   * Cancels the job if it runs and deletes, now, its photo and everything made from it:
   * garments, the result, and the cached run that would let the photo be reused.
   */
  async delete(sessionId: string, id: string): Promise<void> {
    const job = { ...(await this.get(sessionId, id)) };
    if (!isTerminal(job.status)) await this.#settle(job, { status: 'canceled' });
    const run = await this.#readJson<RunRecord>(keys.run(job.runKey));
    const others = run && !isTerminal(run.status) ? await this.#activeJobs(job.runKey) : [];
    if (run && !others.length) {
      this.#watching.get(job.runKey)?.controller.abort('deleted');
      await this.#state.delete(keys.run(job.runKey), keys.runJobs(job.runKey));
      await Promise.all([...run.garmentKeys, ...(run.resultKey ? [run.resultKey] : [])].map((key) => this.options.store.delete(key)));
    }
    await this.options.store.delete(job.personRef);
    await this.#state.delete(keys.person(job.personRef), keys.job(job.id), keys.events(job.id), keys.final(job.id));
    this.options.log.info('job.deleted', { job: job.id, wasRunning: !isTerminal(job.status) });
  }

  /** Retention: deletes expired bytes from the store; shared-state keys expire on their own. */
  async sweep(now = Date.now()): Promise<void> {
    await this.options.store.sweep(now);
  }

  /** Resolves when every watcher this instance runs has ended (edge runtimes keep the request alive until then). */
  async settled(): Promise<void> {
    while (this.#watching.size) await Promise.all([...this.#watching.values()].map(({ done }) => done));
  }

  /**
   * Shutdown: stops watching and releases the leases, so another instance takes the runs
   * over at once. Upstream jobs are left running: they are not abandoned, only handed on.
   */
  async close() {
    const watchers = [...this.#watching.values()];
    for (const { controller } of watchers) controller.abort('shutdown');
    await Promise.all(watchers.map(({ done }) => done));
  }

  async #buildRequest(input: JobInput, person: { bytes: Uint8Array; contentType: string }, run: RunRecord): Promise<TryOnRequest> {
    const { publicUrl, store } = this.options;
    const garments = await Promise.all(
      input.garments.map(async (garment, index) => {
        const key = run.garmentKeys[index]!;
        // Stored only where a provider fetches by URL; otherwise the bytes go along with the request.
        if (publicUrl) await store.put(key, garment, run.expiresAt);
        return { ...garment, publicUrl: publicUrl?.(key, run.expiresAt) };
      }),
    );
    return {
      person: { bytes: person.bytes, contentType: person.contentType as PreparedImage['contentType'], publicUrl: publicUrl?.(input.personRef, run.expiresAt) },
      garments,
      category: input.category,
      productId: input.productId,
      variantId: input.variantId,
    };
  }

  /** Joins the job to a finished run (cache hit), a running one (shared), or starts one. */
  async #attach(job: JobRecord, runKey: string, existing: RunRecord | undefined, input: JobInput, person: { bytes: Uint8Array; contentType: string }) {
    const { metrics, provider, store } = this.options;
    if (existing?.status === 'succeeded' && existing.resultKey && (await store.get(existing.resultKey))) {
      metrics.cacheHits.inc({ kind: 'result' });
      return this.#settle(job, runView(existing));
    }
    const run: RunRecord = { key: runKey, status: 'queued', garmentKeys: input.garments.map(() => randomId()), startedAt: Date.now(), expiresAt: job.expiresAt };
    const started = !existing || isTerminal(existing.status) ? await this.#claimRun(run, existing) : false;
    await this.#state.addMember(keys.runJobs(runKey), job.id, this.#retentionMs);
    if (!started) {
      metrics.cacheHits.inc({ kind: 'shared' });
      // The run may have ended between reading it and joining it: settle from its final state.
      const current = await this.#readJson<RunRecord>(keys.run(runKey));
      if (current && current.status !== 'queued') await this.#settle(job, runView(current));
      return;
    }
    void this.#drive(run, await this.#buildRequest(input, person, run), { leased: true });
    this.options.log.debug('run.started', { run: runKey.slice(0, 12), provider: provider.name });
  }

  /** Counts a new upstream run against the daily cap, refusing it (no upstream call) once the cap is reached. */
  async #spendDailyBudget(now = Date.now()) {
    const limit = this.options.dailyJobLimit ?? 0;
    if (limit <= 0) return;
    const day = new Date(now).toISOString().slice(0, 10);
    const count = await this.#state.increment(`budget:${day}`, 26 * 3_600_000);
    if (count > limit) {
      const midnight = Date.parse(`${day}T00:00:00Z`) + 86_400_000;
      this.options.log.warn('budget.daily_limit_reached', { limit, day });
      throw new JobServiceError('daily-cap', (midnight - now) / 1000);
    }
  }

  /**
   * First writer wins: only one request starts a run for the same inputs. The lease is
   * taken before the run is written, so no instance ever sees the new run unwatched and
   * "adopts" it before its creator has submitted it.
   */
  async #claimRun(run: RunRecord, previous: RunRecord | undefined): Promise<boolean> {
    if (!(await this.#state.setIfAbsent(keys.lease(run.key), this.#instance, LEASE_MS))) return false;
    if (previous) await this.#state.delete(keys.run(run.key), keys.runJobs(run.key));
    const claimed = await this.#state.setIfAbsent(keys.run(run.key), JSON.stringify(run), this.#retentionMs);
    if (!claimed) await this.#state.delete(keys.lease(run.key));
    return claimed;
  }

  /** If a running run's watcher is gone (its instance stopped), take it over here. */
  async #adoptIfOrphaned(runKey: string) {
    if (this.#watching.has(runKey)) return;
    const run = await this.#readJson<RunRecord>(keys.run(runKey));
    if (!run || isTerminal(run.status) || (await this.#state.get(keys.lease(runKey)))) return;
    this.options.log.info('run.adopted', { run: runKey.slice(0, 12), upstreamId: run.upstreamId });
    void this.#drive(run);
  }

  /**
   * Submits (unless resuming) and watches one run to its end, holding its lease, and
   * relays every update to each job attached to it.
   */
  async #drive(run: RunRecord, request?: TryOnRequest, { leased = false } = {}) {
    if (!leased && !(await this.#state.setIfAbsent(keys.lease(run.key), this.#instance, LEASE_MS))) return;
    const controller = new AbortController();
    const done = this.#watch(run, controller, request);
    this.#watching.set(run.key, { controller, done });
    await done;
  }

  async #watch(run: RunRecord, controller: AbortController, request?: TryOnRequest) {
    const { provider, log, metrics } = this.options;
    const renew = setInterval(() => void this.#state.renew(keys.lease(run.key), this.#instance, LEASE_MS).catch(() => undefined), LEASE_RENEW_MS);
    const timeout = setTimeout(() => controller.abort('timeout'), Math.max(1_000, (this.options.jobTimeoutMs ?? 180_000) - (Date.now() - run.startedAt)));
    const signal = controller.signal;
    try {
      if (!run.upstreamId) {
        if (!request) return await this.#finish(run, { code: 'PROVIDER_ERROR', retryable: true, detail: 'the instance that started this job stopped before the provider accepted it' });
        const submitted = Date.now();
        metrics.creditsSpent.inc({ provider: provider.name });
        // A shutdown lets an accepted submit finish, so its upstream id is saved and handed on.
        const submitting = new AbortController();
        signal.addEventListener('abort', () => signal.reason !== 'shutdown' && submitting.abort(signal.reason), { once: true });
        run.upstreamId = (await provider.submit(request, submitting.signal)).upstreamId;
        metrics.upstreamSeconds.observe({ provider: provider.name, operation: 'submit' }, (Date.now() - submitted) / 1000);
        await this.#saveRun(run);
        log.info('run.submitted', { run: run.key.slice(0, 12), provider: provider.name, upstreamId: run.upstreamId });
      }
      for await (const update of provider.watch(run.upstreamId, signal)) {
        if (signal.aborted) break;
        if (update.status === 'succeeded') {
          // Everyone left (deleted or closed) while it ran: keep nothing made from their photo.
          if (!(await this.#activeJobs(run.key)).length) break;
          run.resultKey = randomId();
          await this.options.store.put(run.resultKey, await this.options.cleanResult(update.image), run.expiresAt);
          run.preview = update.preview || undefined;
          return await this.#finish(run);
        }
        if (update.status === 'failed') return await this.#finish(run, update.error);
        if (run.status === update.status && Math.abs((update.progress ?? 0) - (run.progress ?? 0)) < PROGRESS_STEP) continue;
        run.status = update.status;
        run.progress = update.progress;
        await this.#saveRun(run);
        if (!(await this.#relay(run))) controller.abort('abandoned');
      }
      if (!signal.aborted) await this.#finish(run, { code: 'PROVIDER_ERROR', retryable: true, detail: 'the provider stopped reporting before the job ended' });
    } catch (error) {
      if (signal.reason === 'timeout') await this.#finish(run, { code: 'PROVIDER_ERROR', retryable: true, detail: 'the try-on took too long' });
      else if (!signal.aborted) await this.#finish(run, error instanceof ProviderError ? error : { code: 'PROVIDER_ERROR', retryable: true, detail: String(error) });
    } finally {
      clearInterval(renew);
      clearTimeout(timeout);
      this.#watching.delete(run.key);
      await this.#state.delete(keys.lease(run.key)).catch(() => undefined);
      // Deleted, abandoned or timed out: stop paying for upstream work nobody will see.
      if (signal.aborted && signal.reason !== 'shutdown' && run.upstreamId && run.status !== 'succeeded') void provider.cancel?.(run.upstreamId).catch(() => undefined);
    }
  }

  async #finish(run: RunRecord, failure?: ProviderFailure) {
    const { provider, log, metrics } = this.options;
    metrics.upstreamSeconds.observe({ provider: provider.name, operation: 'job' }, (Date.now() - run.startedAt) / 1000);
    if (failure) {
      metrics.upstreamErrors.inc({ provider: provider.name, code: failure.code });
      if (failure.creditsExhausted) {
        const until = Date.now() + (this.options.creditsCooldownMs ?? 5 * 60_000);
        await this.#state.set(keys.unavailable, String(until), this.options.creditsCooldownMs ?? 5 * 60_000);
        log.error('provider.credits_exhausted', { provider: provider.name, providerCode: failure.providerCode, action: 'Top up the provider account; try-on is paused for shoppers until then.' });
      }
      log.warn('run.failed', { run: run.key.slice(0, 12), provider: provider.name, code: failure.code, providerCode: failure.providerCode, detail: failure.detail });
      // A ProviderError without a shopper-facing message carries its code as the message.
      const message = failure.message && failure.message !== failure.code ? failure.message : defaultMessage(failure.code);
      Object.assign(run, { status: 'failed', progress: undefined, error: { code: failure.code, message, retryable: failure.retryable } });
    } else {
      Object.assign(run, { status: 'succeeded', progress: undefined });
      log.info('run.succeeded', { run: run.key.slice(0, 12), provider: provider.name, ms: Date.now() - run.startedAt });
    }
    await this.#saveRun(run);
    await this.#relay(run);
    // Failures are not cached: trying again must really try again.
    if (failure) await this.#state.delete(keys.run(run.key));
  }

  /** Sends the run's state to every job attached to it; false when none is still waiting. */
  async #relay(run: RunRecord): Promise<boolean> {
    const jobs = await this.#activeJobs(run.key);
    await Promise.all(jobs.map((job) => this.#settle(job, runView(run))));
    return jobs.length > 0;
  }

  async #activeJobs(runKey: string): Promise<JobRecord[]> {
    const ids = await this.#state.members(keys.runJobs(runKey));
    const jobs = await Promise.all(ids.map((id) => this.#readJson<JobRecord>(keys.job(id))));
    return jobs.filter((job): job is JobRecord => !!job && !isTerminal(job.status));
  }

  /** Moves a job on and publishes it; a terminal state is written once, whoever gets there first. */
  async #settle(job: JobRecord, update: Partial<JobRecord> & { status: JobStatus }) {
    if (isTerminal(update.status) && !(await this.#state.setIfAbsent(keys.final(job.id), update.status, this.#retentionMs))) return;
    Object.assign(job, { progress: undefined, error: undefined, preview: undefined }, update);
    if (isTerminal(job.status)) this.options.metrics.jobs.inc({ provider: this.options.provider.name, status: job.status });
    await this.#write(job, update);
  }

  async #write(job: JobRecord, update: Partial<JobRecord>) {
    const ttl = Math.max(1_000, job.expiresAt - Date.now());
    await this.#state.set(keys.job(job.id), JSON.stringify(job), ttl);
    const view = viewOf({ ...job, ...update });
    const id = await this.#state.append(keys.events(job.id), JSON.stringify(view), ttl);
    await this.#state.publish(keys.job(job.id), JSON.stringify({ id, view } satisfies JobEvent));
  }

  async #saveRun(run: RunRecord) {
    const signal = this.#watching.get(run.key)?.controller.signal;
    if (signal?.aborted && signal.reason !== 'shutdown') return;
    await this.#state.set(keys.run(run.key), JSON.stringify(run), Math.max(1_000, run.expiresAt - Date.now()));
  }

  async #readJson<T>(key: string): Promise<T | undefined> {
    const value = await this.#state.get(key);
    return value === undefined ? undefined : (JSON.parse(value) as T);
  }
}
