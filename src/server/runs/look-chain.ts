/**
 * A look on a provider that takes one garment per job: garment 1 on the photo, garment 2 on
 * that result, and so on. Every step is an ordinary (hidden) job of the session, so its run is
 * cached and shared like any other: adding a third item to a look reuses the first two steps'
 * results and costs one upstream job. The look's own job shows the steps ("2 of 3"), an
 * overall progress, and on failure the item that failed.
 */
import type { Category, JobView } from '../../contract.js';
import { JobServiceError } from '../job-errors.js';
import { type JobEvent, type JobInput, type JobRecord, isTerminal } from '../job-records.js';
import { apiErrorOf } from '../routes/errors.js';
import type { RunPerson } from '../run-request.js';
import type { StoredBlob } from '../store.js';

/** What the chain needs of the job service (jobs.ts hands these over; they are not public API). */
export interface LookHost {
  /** Starts (or joins, or reuses) the run of one step, as a job of the session. */
  startStep(sessionId: string, input: JobInput, person: RunPerson, client?: string): Promise<JobRecord>;
  /** Resolves with the step job's terminal record; `onView` sees each update before that. */
  follow(job: JobRecord, onView: (view: JobView) => Promise<void>): Promise<JobRecord>;
  /** Moves the look's job on, unless it was canceled or deleted meanwhile. */
  update(look: JobRecord, update: Partial<JobRecord> & { status: JobRecord['status'] }): Promise<void>;
  image(storeKey: string): Promise<StoredBlob | undefined>;
  /** False once the look was deleted or canceled: no further step is started for it. */
  alive(look: JobRecord): Promise<boolean>;
}

export interface LookItem {
  garment: JobInput['garments'][number];
  category: Category;
}

/** The input of one step: one garment on `person` (the photo, the model, or the previous step's result). */
export function stepInput(look: Pick<JobRecord, 'modelId'>, person: RunPerson, item: LookItem): JobInput {
  return { personRef: person.storeKey, modelId: look.modelId, garments: [item.garment], category: item.category };
}

/**
 * Drives the look's steps to the end. `first` is step 1, already started by the request that
 * created the look (so its refusals — quotas, an open breaker — are answered synchronously).
 */
export async function runLook(host: LookHost, look: JobRecord, items: LookItem[], first: JobRecord, client?: string): Promise<void> {
  const count = items.length;
  let current = first;
  for (let index = 0; ; ) {
    const step = { index: index + 1, count };
    const base = index;
    let updating = Promise.resolve();
    const final = await host.follow(current, (view) => {
      // Progress is honest over the whole look: each step is an equal share.
      const status = view.status === 'queued' && base === 0 ? 'queued' : 'running';
      updating = updating.then(() => host.update(look, { status, progress: (base + (view.progress ?? 0)) / count, step }));
      return updating;
    });
    await updating;
    if (final.status === 'failed') return host.update(look, { status: 'failed', error: { ...final.error!, item: index + 1 }, step });
    // Canceled: the look was deleted, and its steps with it.
    if (final.status !== 'succeeded') return;
    const image = final.resultKey ? await host.image(final.resultKey) : undefined;
    if (!image)
      return host.update(look, { status: 'failed', error: { code: 'TRYON_FAILED', message: 'The try-on did not work this time.', retryable: true, item: index + 1 }, step });
    if (++index === count) {
      return host.update(look, { status: 'succeeded', resultKey: final.resultKey, preview: final.preview, provider: final.provider, failovers: final.failovers });
    }
    const person: RunPerson = { bytes: image.bytes, contentType: image.contentType, storeKey: final.resultKey! };
    if (!(await host.alive(look))) return;
    try {
      current = await host.startStep(look.sessionId, stepInput(look, person, items[index]!), person, client);
    } catch (error) {
      if (!(error instanceof JobServiceError)) throw error;
      // A quota spent or a route closed at this step: the look fails here, naming the item.
      const { code, message, retryable } = apiErrorOf(error);
      return host.update(look, { status: 'failed', error: { code, message, retryable, item: index + 1 }, step: { index: index + 1, count } });
    }
    look.steps = [...(look.steps ?? []), current.id];
    look.runKey = current.runKey;
    await host.update(look, { status: 'running', progress: index / count, step: { index: index + 1, count }, steps: look.steps, runKey: look.runKey });
  }
}

/** How `followJob` reads a job: its events (from any instance) and its current record. */
export interface JobSource {
  listen(listener: (event: JobEvent) => void): Promise<() => Promise<void>>;
  read(): Promise<JobRecord | undefined>;
}

/** Resolves with the job's terminal record; `onView` sees every update before it. */
export async function followJob(source: JobSource, job: JobRecord, onView: (view: JobView) => Promise<void>): Promise<JobRecord> {
  let finish!: (record: JobRecord) => void;
  const ended = new Promise<JobRecord>((resolve) => (finish = resolve));
  let done = false;
  const check = async () => {
    const record = await source.read();
    // A missing record was deleted: as good as canceled.
    if (done || (record && !isTerminal(record.status))) return;
    done = true;
    finish(record ?? { ...job, status: 'canceled' });
  };
  const unsubscribe = await source.listen((event) => {
    if (done) return;
    if (isTerminal(event.view.status)) void check();
    else void onView(event.view);
  });
  // It may have ended before anyone listened (a cached result settles at once).
  await check();
  // A message lost while the shared state reconnects must not leave the look waiting forever.
  const safety = setInterval(() => void check(), 1_000);
  try {
    return await ended;
  } finally {
    clearInterval(safety);
    await unsubscribe();
  }
}
