import { describe, expect, it } from 'vitest';
import type { JobStatus, JobView } from '../../src/contract.js';
import { JobServiceError, type JobRefusal } from '../../src/server/job-errors.js';
import type { JobRecord } from '../../src/server/job-records.js';
import { JobService } from '../../src/server/jobs.js';
import { createLogger, silentLogger } from '../../src/server/log.js';
import { Metrics } from '../../src/server/metrics.js';
import type { ProviderAdapter, ProviderUpdate, TryOnRequest } from '../../src/server/providers/types.js';
import { apiErrorOf } from '../../src/server/routes/errors.js';
import { ProviderPool } from '../../src/server/routing/pool.js';
import { readRouting } from '../../src/server/routing/routing-config.js';
import { MemoryState } from '../../src/server/state/memory.js';
import { MemoryStore } from '../../src/server/store.js';

/**
 * The job life cycle on JobService alone: memory state and store, and a provider the test
 * drives update by update. No HTTP server, no images to decode, no timers to wait out.
 */

/** A provider whose upstream jobs move only when the test says so. */
function scriptedProvider(name = 'scripted') {
  const feeds = new Map<string, { updates: ProviderUpdate[]; wake?: () => void }>();
  const submitted: TryOnRequest[] = [];
  const canceled: string[] = [];
  const provider: ProviderAdapter = {
    name,
    maxGarments: 1,
    async submit(request) {
      submitted.push(request);
      const upstreamId = `${name === 'scripted' ? 'up' : name}-${submitted.length}`;
      feeds.set(upstreamId, { updates: [] });
      return { upstreamId };
    },
    async *watch(upstreamId, signal) {
      const feed = feeds.get(upstreamId)!;
      signal.addEventListener('abort', () => feed.wake?.());
      while (!signal.aborted) {
        const update = feed.updates.shift();
        if (update) {
          yield update;
          if (update.status === 'succeeded' || update.status === 'failed') return;
        } else await new Promise<void>((resolve) => (feed.wake = resolve));
      }
    },
    async cancel(upstreamId) {
      canceled.push(upstreamId);
    },
  };
  /** Sends the next update of the n-th upstream job (1-based). */
  const send = (n: number, update: ProviderUpdate) => {
    const feed = feeds.get(`${name === 'scripted' ? 'up' : name}-${n}`)!;
    feed.updates.push(update);
    feed.wake?.();
  };
  return { provider, submitted, canceled, send };
}

function setup(options: { dailyJobLimit?: number } = {}, shared = { upstream: scriptedProvider(), store: new MemoryStore(), state: new MemoryState() }, log = silentLogger) {
  const { upstream, store, state } = shared;
  const metrics = new Metrics();
  const routing = readRouting({ FITTING_ROOM_PROVIDERS: 'scripted' });
  const jobs = new JobService({
    providers: new ProviderPool([upstream.provider], routing, state, log, { instance: 'unit', probeLeaseMs: 60_000 }),
    quotas: { daily: options.dailyJobLimit },
    store,
    state,
    secret: 'unit-test-secret-that-is-long-enough-0123',
    retentionSeconds: 600,
    log,
    metrics,
    cleanResult: async (image) => image,
  });
  return { jobs, store, metrics, ...upstream };
}

const PHOTO = { bytes: new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3]), contentType: 'image/jpeg' };
const GARMENT = { bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 9]), contentType: 'image/png' as const };
const RESULT = { bytes: new Uint8Array([0xff, 0xd8, 0xff, 7, 7, 7]), contentType: 'image/jpeg' };

async function start(jobs: JobService, session: string, photo = PHOTO, idempotency?: { key: string; fingerprint: string }): Promise<JobRecord> {
  const personRef = await jobs.keepPerson(session, photo);
  return jobs.create(session, { personRef, garments: [GARMENT], category: 'top' }, idempotency);
}

/** Resolves with the job's view once it reaches `status` (published events, any order of arrival). */
async function reaches(jobs: JobService, job: JobRecord, status: JobStatus): Promise<JobView> {
  let seen: (view: JobView) => void;
  const reached = new Promise<JobView>((resolve) => (seen = resolve));
  const unsubscribe = await jobs.listen(job, (event) => event.view.status === status && seen(event.view));
  for (const event of await jobs.eventsAfter(job, 0)) if (event.view.status === status) seen!(event.view);
  try {
    return await reached;
  } finally {
    await unsubscribe();
  }
}

async function refusalOf(promise: Promise<unknown>): Promise<JobRefusal> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(JobServiceError);
  return (error as JobServiceError).reason;
}

describe('JobService', () => {
  it('runs a job queued → running → succeeded, with one upstream submit, and keeps its result for its session', async () => {
    const { jobs, submitted, send } = setup();
    const job = await start(jobs, 'session-a');
    expect(job.status).toBe('queued');
    expect(submitted).toHaveLength(1);
    expect(submitted[0]!.garments[0]!.bytes).toEqual(GARMENT.bytes);

    send(1, { status: 'running', progress: 0.5 });
    expect(await reaches(jobs, job, 'running')).toEqual({ id: job.id, status: 'running', progress: 0.5 });
    send(1, { status: 'succeeded', image: RESULT });
    expect(await reaches(jobs, job, 'succeeded')).toEqual({ id: job.id, status: 'succeeded', resultUrl: `results/${job.id}` });

    expect(jobs.view(await jobs.get('session-a', job.id)).status).toBe('succeeded');
    expect((await jobs.result('session-a', job.id)).bytes).toEqual(RESULT.bytes);
    expect((await jobs.eventsAfter(job, 0)).map((event) => [event.id, event.view.status])).toEqual([
      [1, 'queued'],
      [2, 'running'],
      [3, 'succeeded'],
    ]);
  });

  it('ends failed with the provider’s code, has no result, and does not cache the failure', async () => {
    const { jobs, submitted, send } = setup();
    const job = await start(jobs, 'session-a');
    send(1, { status: 'failed', error: { code: 'TRYON_REJECTED', message: 'No person found in the photo.', retryable: false, detail: 'upstream said: 422' } });
    expect((await reaches(jobs, job, 'failed')).error).toEqual({ code: 'TRYON_REJECTED', message: 'No person found in the photo.', retryable: false });
    expect(await refusalOf(jobs.result('session-a', job.id))).toBe('result-missing');

    await start(jobs, 'session-a');
    expect(submitted).toHaveLength(2);
  });

  it('deletes a running job: cancels it upstream, and forgets the job and its photo', async () => {
    const { jobs, store, canceled, send } = setup();
    const job = await start(jobs, 'session-a');
    send(1, { status: 'running', progress: 0.2 });
    await reaches(jobs, job, 'running');

    await jobs.delete('session-a', job.id);
    expect(await refusalOf(jobs.get('session-a', job.id))).toBe('not-found');
    expect(await store.get(job.personRef!)).toBeUndefined();
    expect(await jobs.hasPerson('session-a', job.personRef!)).toBe(false);
    await expect.poll(() => canceled).toEqual(['up-1']);
  });

  it('reuses a finished result for identical inputs (no new submit) and shares a running one', async () => {
    const { jobs, submitted, metrics, send } = setup();
    const first = await start(jobs, 'session-a');
    const sharing = await start(jobs, 'session-b');
    expect(submitted).toHaveLength(1);
    send(1, { status: 'succeeded', image: RESULT });
    await Promise.all([reaches(jobs, first, 'succeeded'), reaches(jobs, sharing, 'succeeded')]);

    const again = await start(jobs, 'session-c');
    expect(again.status).toBe('succeeded');
    expect((await jobs.result('session-c', again.id)).bytes).toEqual(RESULT.bytes);
    expect(submitted).toHaveLength(1);
    expect([metrics.cacheHits.get({ kind: 'shared' }), metrics.cacheHits.get({ kind: 'result' })]).toEqual([1, 1]);
  });

  it('answers a repeated Idempotency-Key with the same job, and refuses it for other content', async () => {
    const { jobs, submitted } = setup();
    const job = await start(jobs, 'session-a', PHOTO, { key: 'tab-1', fingerprint: 'f1' });
    expect((await jobs.findIdempotent('session-a', 'tab-1', 'f1'))?.id).toBe(job.id);
    expect(await jobs.findIdempotent('session-b', 'tab-1', 'f1')).toBeUndefined();
    expect(await refusalOf(jobs.findIdempotent('session-a', 'tab-1', 'f2'))).toBe('idempotency-conflict');
    expect(submitted).toHaveLength(1);
  });

  it('refuses in its own terms: another session’s job, a photo that is not the session’s, the daily cap, a paused provider', async () => {
    const { jobs, send } = setup({ dailyJobLimit: 1 });
    const job = await start(jobs, 'session-a');
    expect(await refusalOf(jobs.get('session-b', job.id))).toBe('not-found');
    expect(await refusalOf(jobs.get('session-a', 'not.an-id'))).toBe('not-found');
    expect(await refusalOf(jobs.requirePerson('session-b', job.personRef!))).toBe('person-ref-missing');

    const capped = await jobs
      .create('session-a', { personRef: await jobs.keepPerson('session-a', { ...PHOTO, bytes: new Uint8Array([0xff, 0xd8, 0xff, 4]) }), garments: [GARMENT], category: 'top' })
      .catch((error: unknown) => error);
    expect(capped).toBeInstanceOf(JobServiceError);
    expect((capped as JobServiceError).reason).toBe('daily-cap');
    expect((capped as JobServiceError).retryAfterSeconds).toBeGreaterThan(0);

    send(1, { status: 'failed', error: { code: 'PROVIDER_UNAVAILABLE', retryable: false, creditsExhausted: true } });
    await reaches(jobs, job, 'failed');
    expect(await refusalOf(jobs.assertAvailable())).toBe('provider-paused');
  });
});

describe('failover after the upstream job was lost sight of', () => {
  function twoProviders() {
    const first = scriptedProvider('first');
    const second = scriptedProvider('second');
    const state = new MemoryState();
    const pool = new ProviderPool([first.provider, second.provider], readRouting({ FITTING_ROOM_PROVIDERS: 'first,second' }), state, silentLogger, {
      instance: 'unit',
      probeLeaseMs: 60_000,
    });
    const jobs = new JobService({
      providers: pool,
      store: new MemoryStore(),
      state,
      secret: 'unit-test-secret-that-is-long-enough-0123',
      retentionSeconds: 600,
      log: silentLogger,
      metrics: new Metrics(),
      cleanResult: async (image) => image,
    });
    return { jobs, first, second, pool, state };
  }
  const lostSight = { status: 'failed', error: { code: 'PROVIDER_ERROR', retryable: true, providerCode: 'HTTP_500', outcomeUnknown: true } } as const;

  it('cancels the job it can no longer see before moving on, so it cannot also succeed', async () => {
    const { jobs, first, second } = twoProviders();
    const job = await start(jobs, 'session-a');
    first.send(1, lostSight);
    await new Promise<void>((resolve) => {
      const check = () => (second.submitted.length ? resolve() : setTimeout(check, 5));
      check();
    });
    expect(first.canceled).toEqual(['first-1']);
    second.send(1, { status: 'succeeded', image: RESULT });
    await reaches(jobs, job, 'succeeded');
    expect((await jobs.get('session-a', job.id)).failovers).toMatchObject([{ from: 'first', to: 'second', reason: 'provider_error' }]);
  });

  it('a deleted job lets go of the breaker probe it held, so the provider is not kept from everyone', async () => {
    const { jobs, first, pool, state } = twoProviders();
    for (let failure = 0; failure < 5; failure++) await pool.breakers.failed('first', Date.now() - 60_000);
    expect((await pool.breakers.read('first')).state).toBe('half-open');
    const job = await start(jobs, 'session-a');
    expect(first.submitted).toHaveLength(1);
    expect(await state.get('breaker:first:probe')).toBe('unit');
    await jobs.delete('session-a', job.id);
    await jobs.settled();
    expect(await state.get('breaker:first:probe')).toBeUndefined();
    expect(await pool.breakers.admit('first')).toBe(true);
  });

  it('keeps the job where it is when that provider cannot cancel', async () => {
    const { jobs, first, second } = twoProviders();
    delete (first.provider as { cancel?: unknown }).cancel;
    const job = await start(jobs, 'session-a');
    first.send(1, lostSight);
    expect((await reaches(jobs, job, 'failed')).error).toMatchObject({ code: 'PROVIDER_ERROR' });
    expect(second.submitted).toHaveLength(0);
  });
});

describe('shutdown drain', () => {
  it('a closing instance adopts no run, so the next instance takes it over at once', async () => {
    const shared = { upstream: scriptedProvider(), store: new MemoryStore(), state: new MemoryState() };
    const instance = () => {
      const lines: string[] = [];
      return {
        ...setup({}, shared, createLogger({ level: 'debug', write: (line) => lines.push(line) })),
        adopted: () => lines.filter((line) => line.includes('"event":"run.adopted"')).length,
      };
    };
    const [a, b, c] = [instance(), instance(), instance()];
    const job = await start(a.jobs, 'session-a');
    shared.upstream.send(1, { status: 'running', progress: 0.3 });
    await reaches(a.jobs, job, 'running');

    const draining = b.jobs.close();
    await a.jobs.close(); // A stops and hands its run on
    await b.jobs.get('session-a', job.id); // a shopper's poll reaches B during its drain
    await draining;
    expect(b.adopted()).toBe(0);

    await c.jobs.get('session-a', job.id);
    expect(c.adopted()).toBe(1);
    shared.upstream.send(1, { status: 'succeeded', image: RESULT });
    expect((await reaches(c.jobs, job, 'succeeded')).status).toBe('succeeded');
    await c.jobs.close();
  });
});

describe('apiErrorOf', () => {
  it('answers each refusal with the contract’s code, status and message', () => {
    const answers = (['not-found', 'result-missing', 'person-ref-missing', 'idempotency-conflict', 'provider-paused', 'daily-cap'] as const).map((reason) => {
      const error = apiErrorOf(new JobServiceError(reason, reason === 'daily-cap' ? 3600.2 : undefined));
      return [reason, error.status, error.toEnvelope().error, error.options.retryAfter];
    });
    expect(answers).toEqual([
      ['not-found', 404, { code: 'JOB_NOT_FOUND', message: 'No such try-on job in this session.', retryable: false }, undefined],
      ['result-missing', 404, { code: 'RESULT_NOT_FOUND', message: 'This try-on has no image (yet, or any more).', retryable: false }, undefined],
      ['person-ref-missing', 404, { code: 'PERSON_REF_NOT_FOUND', message: 'That photo is no longer stored; upload it again.', retryable: false }, undefined],
      ['idempotency-conflict', 409, { code: 'IDEMPOTENCY_CONFLICT', message: 'This Idempotency-Key was already used for a different request.', retryable: false }, undefined],
      ['provider-paused', 503, { code: 'PROVIDER_UNAVAILABLE', message: 'Try-on is unavailable right now.', retryable: false }, undefined],
      ['daily-cap', 429, { code: 'DAILY_LIMIT_REACHED', message: 'Try-on has reached its limit for today on this shop.', retryable: false }, 3600.2],
    ]);
  });
});
