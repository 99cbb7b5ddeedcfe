/**
 * The life of an upstream run: claimed by the first request for its inputs, submitted and
 * watched by one instance under a lease, moved along its route when a provider fails
 * (routing/failover.ts), finished once, and relayed to every job attached to it. When the
 * watching instance goes away, the next one asked about a job of the run adopts it.
 */
import type { JobRecord, RunRecord } from '../job-records.js';
import { type JobInput, defaultMessage, isTerminal, keys, runView } from '../job-records.js';
import type { JobLedger } from '../job-ledger.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { ProviderError, type ProviderFailure, type TryOnRequest } from '../providers/types.js';
import { continuedProgress, nextProvider, troubleOf } from '../routing/failover.js';
import type { ProviderPool } from '../routing/pool.js';
import { buildRequest, type RunPerson } from '../run-request.js';
import { randomId } from '../session.js';
import type { SharedState } from '../state/types.js';
import type { BlobStore } from '../store.js';

/** What the driver works with: the job service's parts it shares (jobs.ts builds this). */
export interface RunDriverParts {
  pool: ProviderPool;
  state: SharedState;
  store: BlobStore;
  jobs: JobLedger;
  log: Logger;
  metrics: Metrics;
  retentionMs: number;
  jobTimeoutMs?: number;
  cleanResult: (image: { bytes: Uint8Array; contentType: string }) => Promise<{ bytes: Uint8Array; contentType: string }>;
  publicUrl?: (storeKey: string, expiresAt: number) => string;
  onRun?: (kind: 'upstream' | 'cached') => void;
}

const LEASE_MS = 30_000;
const LEASE_RENEW_MS = 10_000;
/** Progress changes smaller than this are not worth an event to every listening tab. */
const PROGRESS_STEP = 0.01;

/** Starts, watches, hands on and stops the runs this instance drives. */
export class RunDriver {
  readonly #instance = randomId(8);
  /** Runs this instance watches, so it can stop them and wait for them to let go. */
  readonly #watching = new Map<string, { controller: AbortController; done: Promise<void> }>();
  /** Set by `close`: a stopping instance adopts no run and hands on any it starts. */
  #closing = false;

  constructor(private readonly parts: RunDriverParts) {}

  /** Joins the job to a finished run (cache hit), a running one (shared), or starts one. */
  async attach(job: JobRecord, runKey: string, existing: RunRecord | undefined, input: JobInput, person: RunPerson, route: string[]) {
    const { metrics, store, jobs, state } = this.parts;
    if (existing?.status === 'succeeded' && existing.resultKey && (await store.get(existing.resultKey))) {
      metrics.cacheHits.inc({ kind: 'result' });
      this.parts.onRun?.('cached');
      return jobs.settle(job, runView(existing));
    }
    const run: RunRecord = { key: runKey, status: 'queued', garmentKeys: input.garments.map(() => randomId()), startedAt: Date.now(), expiresAt: job.expiresAt, route, tried: [] };
    const started = !existing || isTerminal(existing.status) ? await this.#claimRun(run, existing) : false;
    await state.addMember(keys.runJobs(runKey), job.id, this.parts.retentionMs);
    if (!started) {
      metrics.cacheHits.inc({ kind: 'shared' });
      this.parts.onRun?.('cached');
      // The run may have ended between reading it and joining it: settle from its final state.
      const current = await jobs.readJson<RunRecord>(keys.run(runKey));
      if (current && current.status !== 'queued') await jobs.settle(job, runView(current));
      return;
    }
    // Chosen now, after the claim: a breaker's probe or a daily cap is spent only by the run that goes upstream.
    const first = await this.parts.pool.choose(route);
    if (typeof first !== 'string') {
      const code = first.refusal === 'route-cap' ? 'CATEGORY_LIMIT_REACHED' : 'PROVIDER_UNAVAILABLE';
      await state.delete(keys.lease(runKey));
      return this.#finish(run, { code, retryable: false, message: defaultMessage(code), detail: `no provider of the route ${route.join('+')} may take a job now` });
    }
    run.provider = first;
    this.parts.onRun?.('upstream');
    void this.#drive(run, await buildRequest(this.parts, input, person, run), { leased: true });
    this.parts.log.debug('run.started', { run: runKey.slice(0, 12), provider: first });
  }

  /**
   * First writer wins: only one request starts a run for the same inputs. The lease is
   * taken before the run is written, so no instance ever sees the new run unwatched and
   * "adopts" it before its creator has submitted it.
   */
  async #claimRun(run: RunRecord, previous: RunRecord | undefined): Promise<boolean> {
    const { state, retentionMs } = this.parts;
    if (!(await state.setIfAbsent(keys.lease(run.key), this.#instance, LEASE_MS))) return false;
    if (previous) await state.delete(keys.run(run.key), keys.runJobs(run.key));
    const claimed = await state.setIfAbsent(keys.run(run.key), JSON.stringify(run), retentionMs);
    if (!claimed) await state.delete(keys.lease(run.key));
    return claimed;
  }

  /** If a running run's watcher is gone (its instance stopped), take it over here. */
  async adoptIfOrphaned(runKey: string) {
    // A stopping instance would exit holding the lease, and the next one would wait for it to lapse.
    if (this.#closing || this.#watching.has(runKey)) return;
    const run = await this.parts.jobs.readJson<RunRecord>(keys.run(runKey));
    if (!run || isTerminal(run.status) || (await this.parts.state.get(keys.lease(runKey)))) return;
    this.parts.log.info('run.adopted', { run: runKey.slice(0, 12), upstreamId: run.upstreamId });
    void this.#drive(run);
  }

  /** Stops watching the run here (`deleted`: nobody will see its result). */
  stop(runKey: string, reason: string) {
    this.#watching.get(runKey)?.controller.abort(reason);
  }

  /** The ends of the watches this instance runs now. */
  watches(): Promise<void>[] {
    return [...this.#watching.values()].map(({ done }) => done);
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

  /**
   * Submits (unless resuming) and watches one run to its end, holding its lease, and
   * relays every update to each job attached to it.
   */
  async #drive(run: RunRecord, request?: TryOnRequest, { leased = false } = {}) {
    if (!leased && (this.#closing || !(await this.parts.state.setIfAbsent(keys.lease(run.key), this.#instance, LEASE_MS)))) return;
    run.provider ??= this.parts.pool.names[0];
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
    const { state, pool } = this.parts;
    const renew = setInterval(() => void state.renew(keys.lease(run.key), this.#instance, LEASE_MS).catch(() => undefined), LEASE_RENEW_MS);
    const timeout = setTimeout(() => controller.abort('timeout'), Math.max(1_000, (this.parts.jobTimeoutMs ?? 180_000) - (Date.now() - run.startedAt)));
    const signal = controller.signal;
    try {
      for (;;) {
        const failure = await this.#attempt(run, signal, request);
        if (!failure) return;
        const next = await nextProvider(pool, run, failure, { stopped: signal.aborted, canResend: !!request });
        if (!next) return await this.#finish(run, failure);
        await this.#moveOn(run, next, failure);
      }
    } finally {
      clearInterval(renew);
      clearTimeout(timeout);
      this.#watching.delete(run.key);
      await state.delete(keys.lease(run.key)).catch(() => undefined);
      // Deleted, abandoned or timed out: stop paying for upstream work nobody will see, and
      // let go of a breaker's probe this run held, so the provider is not kept from everyone.
      const provider = pool.adapter(run.provider!);
      if (signal.aborted && signal.reason !== 'shutdown') {
        if (run.upstreamId && run.status !== 'succeeded') void provider.cancel?.(run.upstreamId).catch(() => undefined);
        await pool.breakers.release(provider.name).catch(() => undefined);
      }
    }
  }

  /** Submits (unless resuming) to the run's provider and watches it: undefined once finished or stopped, else the failure. */
  async #attempt(run: RunRecord, signal: AbortSignal, request?: TryOnRequest): Promise<ProviderFailure | undefined> {
    const { log, metrics, pool } = this.parts;
    const provider = pool.adapter(run.provider!);
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
          await pool.record(provider.name);
          // Everyone left (deleted or closed) while it ran: keep nothing made from their photo.
          if (!(await this.parts.jobs.activeJobs(run.key)).length) break;
          run.resultKey = randomId();
          await this.parts.store.put(run.resultKey, await this.parts.cleanResult(update.image), run.expiresAt);
          run.preview = update.preview || undefined;
          await this.#finish(run);
          return undefined;
        }
        if (update.status === 'failed') return update.error;
        const { status, progress } = continuedProgress(run, update);
        if (run.status === status && Math.abs((progress ?? 0) - (run.progress ?? 0)) < PROGRESS_STEP) continue;
        Object.assign(run, { status, progress });
        await this.#saveRun(run);
        if (!(await this.#relay(run))) this.stop(run.key, 'abandoned');
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
    this.parts.metrics.failovers.inc({ from, to: next, reason });
    this.parts.log.warn('run.failover', { run: run.key.slice(0, 12), from, to: next, reason, code: failure.code, providerCode: failure.providerCode, detail: failure.detail });
    Object.assign(run, {
      provider: next,
      upstreamId: undefined,
      progressBase: run.progress ?? 0,
      failovers: [...(run.failovers ?? []), { from, to: next, reason, at: Date.now() }],
    });
    await this.#saveRun(run);
    await this.#relay(run);
  }

  async #finish(run: RunRecord, failure?: ProviderFailure) {
    const { log, metrics } = this.parts;
    const provider = run.provider ?? this.parts.pool.names[0]!;
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
    if (failure) await this.parts.state.delete(keys.run(run.key));
  }

  /** Sends the run's state to every job attached to it; false when none is still waiting. */
  async #relay(run: RunRecord): Promise<boolean> {
    const jobs = await this.parts.jobs.activeJobs(run.key);
    await Promise.all(jobs.map((job) => this.parts.jobs.settle(job, runView(run))));
    return jobs.length > 0;
  }

  async #saveRun(run: RunRecord) {
    const signal = this.#watching.get(run.key)?.controller.signal;
    if (signal?.aborted && signal.reason !== 'shutdown') return;
    await this.parts.state.set(keys.run(run.key), JSON.stringify(run), Math.max(1_000, run.expiresAt - Date.now()));
  }
}
