import type { JobView } from '../contract.js';
import { JobServiceError } from './job-errors.js';
import { JobIds } from './job-ids.js';
import { JobLedger } from './job-ledger.js';
import { type JobEvent, type JobInput, type JobRecord, type RunRecord, defaultMessage, hashParts, isTerminal, keys, viewOf } from './job-records.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';
import type { RunPerson } from './run-request.js';
import { followJob, type LookHost, type LookItem, runLook, stepInput } from './runs/look-chain.js';
import { RunDriver } from './runs/run-driver.js';
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

/**
 * Owns every try-on job: it starts each upstream run once, watches it once (however many
 * tabs and instances listen), fans its updates out through the shared state, keeps the
 * result, and deletes photos and results at once on request. Runs are leased, so when the
 * instance watching one goes away, the next instance a shopper reaches takes over.
 */
export class JobService {
  readonly #ids: JobIds;
  readonly #quotas: DailyQuotas;
  /** Job records in the shared state: read, written, published. */
  readonly #jobs: JobLedger;
  /** The upstream runs: started, watched, handed on (runs/run-driver.ts). */
  readonly #runs: RunDriver;
  /** Looks being chained here, so `settled` can wait for them. */
  readonly #looks = new Set<Promise<void>>();
  /** Job records as status polls read them (parsed once per stored text). */
  readonly #records = new ParsedRecords<JobRecord>(2048);

  constructor(private readonly options: JobServiceOptions) {
    const { providers: pool, state, store, log, metrics } = options;
    const retentionMs = options.retentionSeconds * 1000;
    this.#ids = new JobIds(options.secret);
    this.#quotas = new DailyQuotas(state, { daily: 0, session: 0, browser: 0, ...options.quotas }, log, options.onQuotaRefused);
    this.#jobs = new JobLedger(state, { retentionMs, metrics, defaultProvider: pool.names[0]! });
    const { cleanResult, publicUrl, jobTimeoutMs, onRun } = options;
    this.#runs = new RunDriver({ pool, state, store, jobs: this.#jobs, log, metrics, retentionMs, cleanResult, publicUrl, jobTimeoutMs, onRun });
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
    const entry = await this.#jobs.readJson<{ jobId: string; fingerprint: string }>(keys.idempotency(sessionId, key));
    if (!entry) return undefined;
    if (entry.fingerprint !== fingerprint) throw new JobServiceError('idempotency-conflict');
    return this.#jobs.job(entry.jobId);
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
    const existing = await this.#jobs.readJson<RunRecord>(keys.run(runKey));
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
    await this.#jobs.write(job, { status: 'queued' });
    metrics.jobs.inc({ provider: route[0]!, status: 'created' });

    await this.#runs.attach(job, runKey, existing, input, person, route);
    return (await this.#jobs.job(job.id)) ?? job;
  }

  /** Claims the Idempotency-Key for `job`; returns the job of a concurrent request with the same key that won the race. */
  async #claimIdempotency(job: JobRecord, idempotency?: { key: string; fingerprint: string }): Promise<JobRecord | undefined> {
    if (!idempotency) return undefined;
    const claimed = await this.#state.setIfAbsent(
      keys.idempotency(job.sessionId, idempotency.key),
      JSON.stringify({ jobId: job.id, fingerprint: idempotency.fingerprint }),
      this.#retentionMs,
    );
    if (claimed) return undefined;
    return (await this.findIdempotent(job.sessionId, idempotency.key, idempotency.fingerprint)) ?? job;
  }

  /** A look chained step by step (runs/look-chain.ts); step 1 starts now, so its refusals are the request's. */
  async #createLook(
    sessionId: string,
    input: JobInput,
    person: RunPerson,
    items: LookItem[],
    idempotency?: { key: string; fingerprint: string },
    client?: string,
  ): Promise<JobRecord> {
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
    await this.#jobs.write(look, { status: 'queued' });
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
    follow: (job, onView) => followJob({ listen: (listener) => this.listen(job, listener), read: () => this.#jobs.job(job.id) }, job, onView),
    update: async (look, update) => {
      // Deleted or canceled meanwhile: nothing to show any more, and nothing to bring back.
      if (await this.#lookHost.alive(look)) await this.#jobs.settle(look, update);
    },
    alive: async (look) => {
      const current = await this.#jobs.job(look.id);
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
    if (!isTerminal(job.status)) await this.#runs.adoptIfOrphaned(job.runKey);
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
    if (wasRunning) await this.#jobs.settle(job, { status: 'canceled' });
    for (const stepId of job.steps ?? []) {
      const step = await this.#jobs.job(stepId);
      // A step's "photo" is the previous step's result (deleted with that step's run) or the look's own photo (below).
      if (step) await this.#remove(step, { keepPhoto: true });
    }
    await this.#remove(job, { keepPhoto: false });
    this.options.log.info('job.deleted', { job: job.id, wasRunning });
  }

  async #remove(job: JobRecord, { keepPhoto }: { keepPhoto: boolean }) {
    if (!isTerminal(job.status)) await this.#jobs.settle(job, { status: 'canceled' });
    const run = job.modelId ? undefined : await this.#jobs.readJson<RunRecord>(keys.run(job.runKey));
    const others = run && !isTerminal(run.status) ? await this.#jobs.activeJobs(job.runKey) : [];
    if (run && !others.length) {
      this.#runs.stop(job.runKey, 'deleted');
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
    for (let pending = this.#pending(); pending.length; pending = this.#pending()) await Promise.all(pending);
  }

  #pending(): Promise<void>[] {
    return [...this.#runs.watches(), ...this.#looks];
  }

  /**
   * Shutdown: stops watching and releases the leases, so another instance takes the runs
   * over at once. Upstream jobs are left running: they are not abandoned, only handed on.
   */
  close(): Promise<void> {
    return this.#runs.close();
  }
}
