import type { JobStatus, JobView } from '../contract.js';
import { JobServiceError } from './job-errors.js';
import { JobIds } from './job-ids.js';
import { type JobEvent, type JobInput, type JobRecord, type RunRecord, defaultMessage, hashParts, isTerminal, keys, runView, viewOf } from './job-records.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';
import { ProviderError, type ProviderFailure, type TryOnRequest } from './providers/types.js';
import { continuedProgress, nextProvider, troubleOf } from './routing/failover.js';
import { buildRequest, type RunPerson } from './run-request.js';
import { followJob, type LookHost, type LookItem, runLook, stepInput } from './runs/look-chain.js';
import type { ProviderPool } from './routing/pool.js';
import { DailyQuotas, type QuotaLimits, type QuotaScope } from './routing/quotas.js';
import { ParsedRecords } from './parsed-records.js';
import { randomId } from './session.js';
import type { SharedState } from './state/types.js';
import type { BlobStore } from './store.js';

export interface JobServiceOptions {
  /** The providers, their routes by category, breakers and daily caps. */
  providers: ProviderPool;
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
  /** New upstream runs per UTC day: for the shop (`daily`), per session, per browser; 0 or unset = none. */
  quotas?: Partial<QuotaLimits>;
  /** Told of each quota that refused a run (the metrics count them). */
  onQuotaRefused?: (scope: QuotaScope) => void;
  /** Told of each job's run: `upstream` when it starts a provider run (credits used), `cached` when it reuses one (credits saved). */
  onRun?: (kind: 'upstream' | 'cached') => void;
  /** The stored photo of a model of the merchant's gallery (models/gallery.ts); undefined for an unknown id. */
  modelPhoto?: (id: string) => Promise<RunPerson | undefined> | RunPerson | undefined;
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
  readonly #quotas: DailyQuotas;
  /** Looks being chained here, so `settled` can wait for them. */
  readonly #looks = new Set<Promise<void>>();
  /** Set by `close`: a stopping instance adopts no run and hands on any it starts. */
  #closing = false;
  /** Job records as status polls read them (parsed once per stored text). */
  readonly #records = new ParsedRecords<JobRecord>(2048);

  constructor(private readonly options: JobServiceOptions) {
    this.#ids = new JobIds(options.secret);
    this.#quotas = new DailyQuotas(options.state, { daily: 0, session: 0, browser: 0, ...options.quotas }, options.log, options.onQuotaRefused);
  }

  get #pool() {
    return this.options.providers;
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

  /** Refuses new jobs while every provider is paused (out of credits) or its breaker is open. */
  async assertAvailable(): Promise<void> {
    const unavailable = await this.#pool.allUnavailable();
    if (unavailable) throw new JobServiceError('provider-paused', unavailable.retryAfterSeconds);
  }

  /**
   * Starts a job; returns at once (the upstream work runs in the background). `client` is
   * the requester's address, which stands for the browser in the per-browser quota.
   */
  async create(sessionId: string, input: JobInput, idempotency?: { key: string; fingerprint: string }, client?: string): Promise<JobRecord> {
    await this.assertAvailable();
    const person = await this.#personOf(sessionId, input);
    const items = input.garments.map((garment, index) => ({ garment, category: input.categories?.[index] ?? input.category }));
    const route = this.#pool.route(input.category);
    // Natively in one upstream job where every provider of the route takes the whole look; else chained.
    if (items.length > 1 && !route.every((name) => this.#pool.adapter(name).maxGarments >= items.length)) {
      return this.#createLook(sessionId, input, person, items, idempotency, client);
    }
    return this.#startRun(sessionId, input, person, client, idempotency);
  }

  /** The photo a job is made on: the session's stored photo, or a model of the gallery. */
  async #personOf(sessionId: string, input: JobInput): Promise<RunPerson> {
    if (input.modelId) {
      const model = await this.options.modelPhoto?.(input.modelId);
      if (!model) throw new JobServiceError('model-missing');
      return model;
    }
    const person = input.personRef && (await this.hasPerson(sessionId, input.personRef)) ? await this.options.store.get(input.personRef) : undefined;
    if (!person) throw new JobServiceError('person-ref-missing');
    return { ...person, storeKey: input.personRef! };
  }

  /** One run (one upstream job, or a cached or shared one) and the job that shows it. */
  async #startRun(sessionId: string, input: JobInput, person: RunPerson, client?: string, idempotency?: { key: string; fingerprint: string }): Promise<JobRecord> {
    const { metrics } = this.options;
    // The route is part of the key: a cached result is reused only where the same providers
    // would make it, and the run record names the provider that did. The session is not: a
    // model's result is shared by every shopper (a shopper's photo is theirs alone anyway).
    const route = this.#pool.route(input.category);
    const categories = input.garments.map((_, index) => input.categories?.[index] ?? input.category);
    const runKey = await hashParts([route.join('+'), categories.join(','), person.bytes, ...input.garments.map((garment) => garment.bytes)]);
    const existing = await this.#readJson<RunRecord>(keys.run(runKey));
    const reusable = existing && (existing.status === 'succeeded' ? !!existing.resultKey : !isTerminal(existing.status));
    if (!reusable) {
      await this.#pool.assertRouteOpen(route);
      await this.#quotas.spend({ sessionId, client });
    }
    const job: JobRecord = {
      id: await this.#ids.mint(sessionId, route[0]!),
      sessionId,
      status: 'queued',
      personRef: input.personRef,
      modelId: input.modelId,
      runKey,
      expiresAt: Date.now() + this.#retentionMs,
    };
    const earlier = await this.#claimIdempotency(job, idempotency);
    if (earlier) return earlier;
    await this.#write(job, { status: 'queued' });
    metrics.jobs.inc({ provider: route[0]!, status: 'created' });

    await this.#attach(job, runKey, existing, input, person, route);
    return (await this.#readJson<JobRecord>(keys.job(job.id))) ?? job;
  }

  /** Claims the Idempotency-Key for `job`; returns the job of a concurrent request with the same key that won the race. */
  async #claimIdempotency(job: JobRecord, idempotency?: { key: string; fingerprint: string }): Promise<JobRecord | undefined> {
    if (!idempotency) return undefined;
    const claimed = await this.#state.setIfAbsent(keys.idempotency(job.sessionId, idempotency.key), JSON.stringify({ jobId: job.id, fingerprint: idempotency.fingerprint }), this.#retentionMs);
    if (claimed) return undefined;
    return (await this.findIdempotent(job.sessionId, idempotency.key, idempotency.fingerprint)) ?? job;
  }

  /** A look chained step by step (runs/look-chain.ts); step 1 starts now, so its refusals are the request's. */
  async #createLook(sessionId: string, input: JobInput, person: RunPerson, items: LookItem[], idempotency?: { key: string; fingerprint: string }, client?: string): Promise<JobRecord> {
    const first = await this.#startRun(sessionId, stepInput(input, person, items[0]!), person, client);
    const look: JobRecord = {
      id: await this.#ids.mint(sessionId, this.#pool.route(input.category)[0]!),
      sessionId,
      status: 'queued',
      personRef: input.personRef,
      modelId: input.modelId,
      runKey: first.runKey,
      steps: [first.id],
      step: { index: 1, count: items.length },
      expiresAt: Date.now() + this.#retentionMs,
    };
    const earlier = await this.#claimIdempotency(look, idempotency);
    if (earlier) return earlier;
    await this.#write(look, { status: 'queued' });
    this.options.metrics.jobs.inc({ provider: first.provider ?? this.#pool.names[0]!, status: 'created' });
    const driving = runLook(this.#lookHost, look, items, first, client)
      .catch(async (error) => {
        this.options.log.error('look.failed', { job: look.id, error });
        await this.#lookHost.update(look, { status: 'failed', error: { code: 'INTERNAL', message: defaultMessage('INTERNAL'), retryable: true } });
      })
      .finally(() => this.#looks.delete(driving));
    this.#looks.add(driving);
    return look;
  }

  /** What the look chain may do with this service's internals. */
  readonly #lookHost: LookHost = {
    startStep: (sessionId, input, person, client) => this.#startRun(sessionId, input, person, client),
    follow: (job, onView) => followJob({ listen: (listener) => this.listen(job, listener), read: () => this.#readJson<JobRecord>(keys.job(job.id)) }, job, onView),
    update: async (look, update) => {
      // Deleted or canceled meanwhile: nothing to show any more, and nothing to bring back.
      if (await this.#lookHost.alive(look)) await this.#settle(look, update);
    },
    alive: async (look) => {
      const current = await this.#readJson<JobRecord>(keys.job(look.id));
      return !!current && !isTerminal(current.status);
    },
    image: (storeKey) => this.options.store.get(storeKey),
  };

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
   * garments, the result, and the cached run that would let the photo be reused; for a look,
   * every step too. A job on a model keeps its runs: they hold no one's photo, and other
   * shoppers' jobs show the same cached results.
   */
  async delete(sessionId: string, id: string): Promise<void> {
    const job = { ...(await this.get(sessionId, id)) };
    const wasRunning = !isTerminal(job.status);
    if (wasRunning) await this.#settle(job, { status: 'canceled' });
    for (const stepId of job.steps ?? []) {
      const step = await this.#readJson<JobRecord>(keys.job(stepId));
      // A step's "photo" is the previous step's result (deleted with that step's run) or the look's own photo (below).
      if (step) await this.#remove(step, { keepPhoto: true });
    }
    await this.#remove(job, { keepPhoto: false });
    this.options.log.info('job.deleted', { job: job.id, wasRunning });
  }

  async #remove(job: JobRecord, { keepPhoto }: { keepPhoto: boolean }) {
    if (!isTerminal(job.status)) await this.#settle(job, { status: 'canceled' });
    const run = job.modelId ? undefined : await this.#readJson<RunRecord>(keys.run(job.runKey));
    const others = run && !isTerminal(run.status) ? await this.#activeJobs(job.runKey) : [];
    if (run && !others.length) {
      this.#watching.get(job.runKey)?.controller.abort('deleted');
      await this.#state.delete(keys.run(job.runKey), keys.runJobs(job.runKey));
      await Promise.all([...run.garmentKeys, ...(run.resultKey ? [run.resultKey] : [])].map((key) => this.options.store.delete(key)));
    }
    if (job.personRef && !keepPhoto) {
      await this.options.store.delete(job.personRef);
      await this.#state.delete(keys.person(job.personRef));
    }
    await this.#state.delete(keys.job(job.id), keys.events(job.id), keys.final(job.id));
  }

  /** Retention: deletes expired bytes from the store; shared-state keys expire on their own. */
  async sweep(now = Date.now()): Promise<void> {
    await this.options.store.sweep(now);
  }

  /** Resolves when every watcher this instance runs has ended (edge runtimes keep the request alive until then). */
  async settled(): Promise<void> {
    while (this.#watching.size || this.#looks.size) await Promise.all([...[...this.#watching.values()].map(({ done }) => done), ...this.#looks]);
  }

  /**
   * Shutdown: stops watching and releases the leases, so another instance takes the runs
   * over at once. Upstream jobs are left running: they are not abandoned, only handed on.
   */
  async close() {
    this.#closing = true;
    // A run started while closing (a job accepted during the drain) is handed on as soon as it is submitted.
    while (this.#watching.size) {
      const watchers = [...this.#watching.values()];
      for (const { controller } of watchers) controller.abort('shutdown');
      await Promise.all(watchers.map(({ done }) => done));
    }
  }

  /** Joins the job to a finished run (cache hit), a running one (shared), or starts one. */
  async #attach(job: JobRecord, runKey: string, existing: RunRecord | undefined, input: JobInput, person: RunPerson, route: string[]) {
    const { metrics, store } = this.options;
    if (existing?.status === 'succeeded' && existing.resultKey && (await store.get(existing.resultKey))) {
      metrics.cacheHits.inc({ kind: 'result' });
      this.options.onRun?.('cached');
      return this.#settle(job, runView(existing));
    }
    const run: RunRecord = { key: runKey, status: 'queued', garmentKeys: input.garments.map(() => randomId()), startedAt: Date.now(), expiresAt: job.expiresAt, route, tried: [] };
    const started = !existing || isTerminal(existing.status) ? await this.#claimRun(run, existing) : false;
    await this.#state.addMember(keys.runJobs(runKey), job.id, this.#retentionMs);
    if (!started) {
      metrics.cacheHits.inc({ kind: 'shared' });
      this.options.onRun?.('cached');
      // The run may have ended between reading it and joining it: settle from its final state.
      const current = await this.#readJson<RunRecord>(keys.run(runKey));
      if (current && current.status !== 'queued') await this.#settle(job, runView(current));
      return;
    }
    // Chosen now, after the claim: a breaker's probe or a daily cap is spent only by the run that goes upstream.
    const first = await this.#pool.choose(route);
    if (typeof first !== 'string') {
      const code = first.refusal === 'route-cap' ? 'CATEGORY_LIMIT_REACHED' : 'PROVIDER_UNAVAILABLE';
      await this.#state.delete(keys.lease(runKey));
      return this.#finish(run, { code, retryable: false, message: defaultMessage(code), detail: `no provider of the route ${route.join('+')} may take a job now` });
    }
    run.provider = first;
    this.options.onRun?.('upstream');
    void this.#drive(run, await buildRequest(this.options, input, person, run), { leased: true });
    this.options.log.debug('run.started', { run: runKey.slice(0, 12), provider: first });
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
    // A stopping instance would exit holding the lease, and the next one would wait for it to lapse.
    if (this.#closing || this.#watching.has(runKey)) return;
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
    if (!leased && (this.#closing || !(await this.#state.setIfAbsent(keys.lease(run.key), this.#instance, LEASE_MS)))) return;
    run.provider ??= this.#pool.names[0];
    run.route ??= [run.provider!];
    run.tried ??= [];
    const controller = new AbortController();
    const done = this.#watch(run, controller, request);
    this.#watching.set(run.key, { controller, done });
    if (this.#closing) controller.abort('shutdown');
    await done;
  }

  /**
   * Runs the run's attempts: one provider at a time along its route, moving on only when
   * the attempt definitely did not and will not succeed upstream (routing/failover.ts).
   */
  async #watch(run: RunRecord, controller: AbortController, request?: TryOnRequest) {
    const renew = setInterval(() => void this.#state.renew(keys.lease(run.key), this.#instance, LEASE_MS).catch(() => undefined), LEASE_RENEW_MS);
    const timeout = setTimeout(() => controller.abort('timeout'), Math.max(1_000, (this.options.jobTimeoutMs ?? 180_000) - (Date.now() - run.startedAt)));
    const signal = controller.signal;
    try {
      for (;;) {
        const failure = await this.#attempt(run, signal, request);
        if (!failure) return;
        const next = await nextProvider(this.#pool, run, failure, { stopped: signal.aborted, canResend: !!request });
        if (!next) return await this.#finish(run, failure);
        await this.#moveOn(run, next, failure);
      }
    } finally {
      clearInterval(renew);
      clearTimeout(timeout);
      this.#watching.delete(run.key);
      await this.#state.delete(keys.lease(run.key)).catch(() => undefined);
      // Deleted, abandoned or timed out: stop paying for upstream work nobody will see, and
      // let go of a breaker's probe this run held, so the provider is not kept from everyone.
      const provider = this.#pool.adapter(run.provider!);
      if (signal.aborted && signal.reason !== 'shutdown') {
        if (run.upstreamId && run.status !== 'succeeded') void provider.cancel?.(run.upstreamId).catch(() => undefined);
        await this.#pool.breakers.release(provider.name).catch(() => undefined);
      }
    }
  }

  /** Submits (unless resuming) to the run's provider and watches it: undefined once finished or stopped, else the failure. */
  async #attempt(run: RunRecord, signal: AbortSignal, request?: TryOnRequest): Promise<ProviderFailure | undefined> {
    const { log, metrics } = this.options;
    const provider = this.#pool.adapter(run.provider!);
    try {
      if (!run.upstreamId) {
        if (!request) return { code: 'PROVIDER_ERROR', retryable: true, detail: 'the instance that started this job stopped before the provider accepted it' };
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
          await this.#pool.record(provider.name);
          // Everyone left (deleted or closed) while it ran: keep nothing made from their photo.
          if (!(await this.#activeJobs(run.key)).length) break;
          run.resultKey = randomId();
          await this.options.store.put(run.resultKey, await this.options.cleanResult(update.image), run.expiresAt);
          run.preview = update.preview || undefined;
          await this.#finish(run);
          return undefined;
        }
        if (update.status === 'failed') return update.error;
        const { status, progress } = continuedProgress(run, update);
        if (run.status === status && Math.abs((progress ?? 0) - (run.progress ?? 0)) < PROGRESS_STEP) continue;
        Object.assign(run, { status, progress });
        await this.#saveRun(run);
        if (!(await this.#relay(run))) this.#watching.get(run.key)?.controller.abort('abandoned');
      }
      if (!signal.aborted) return { code: 'PROVIDER_ERROR', retryable: true, detail: 'the provider stopped reporting before the job ended', outcomeUnknown: true };
      return undefined;
    } catch (error) {
      if (signal.reason === 'timeout') return { code: 'PROVIDER_ERROR', retryable: true, detail: 'the try-on took too long', outcomeUnknown: !!run.upstreamId };
      if (signal.aborted) return undefined;
      return error instanceof ProviderError ? error : { code: 'PROVIDER_ERROR', retryable: true, detail: String(error), outcomeUnknown: !!run.upstreamId };
    }
  }

  /** Records the move (run history, log, metrics) and lets every job of the run see it. */
  async #moveOn(run: RunRecord, next: string, failure: ProviderFailure) {
    const from = run.provider!;
    const reason = troubleOf(failure)!;
    this.options.metrics.failovers.inc({ from, to: next, reason });
    this.options.log.warn('run.failover', { run: run.key.slice(0, 12), from, to: next, reason, code: failure.code, providerCode: failure.providerCode, detail: failure.detail });
    Object.assign(run, { provider: next, upstreamId: undefined, progressBase: run.progress ?? 0, failovers: [...(run.failovers ?? []), { from, to: next, reason, at: Date.now() }] });
    await this.#saveRun(run);
    await this.#relay(run);
  }

  async #finish(run: RunRecord, failure?: ProviderFailure) {
    const { log, metrics } = this.options;
    const provider = run.provider ?? this.#pool.names[0]!;
    metrics.upstreamSeconds.observe({ provider, operation: 'job' }, (Date.now() - run.startedAt) / 1000);
    if (failure) {
      metrics.upstreamErrors.inc({ provider, code: failure.code });
      if (failure.creditsExhausted) {
        log.error('provider.credits_exhausted', { provider, providerCode: failure.providerCode, action: 'Top up the provider account; it is paused for shoppers until then.' });
      }
      log.warn('run.failed', { run: run.key.slice(0, 12), provider, code: failure.code, providerCode: failure.providerCode, detail: failure.detail });
      // A ProviderError without a shopper-facing message carries its code as the message.
      const message = failure.message && failure.message !== failure.code ? failure.message : defaultMessage(failure.code);
      Object.assign(run, { status: 'failed', progress: undefined, error: { code: failure.code, message, retryable: failure.retryable } });
    } else {
      Object.assign(run, { status: 'succeeded', progress: undefined });
      log.info('run.succeeded', { run: run.key.slice(0, 12), provider, ms: Date.now() - run.startedAt, failovers: run.failovers?.length ?? 0 });
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
    if (isTerminal(job.status)) this.options.metrics.jobs.inc({ provider: job.provider ?? this.#pool.names[0]!, status: job.status });
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
