import type { JobStatus } from '../contract.js';
import { type JobEvent, type JobRecord, isTerminal, keys, viewOf } from './job-records.js';
import type { Metrics } from './metrics.js';
import type { SharedState } from './state/types.js';

/**
 * How job records are read and written in the shared state: each write also appends the
 * browser's view to the job's event history and publishes it to every listening instance.
 * Shared by the job service (jobs.ts) and the run driver (runs/run-driver.ts); not public API.
 */
export class JobLedger {
  constructor(
    private readonly state: SharedState,
    private readonly options: { retentionMs: number; metrics: Metrics; defaultProvider: string },
  ) {}

  /** A JSON value of the shared state, or undefined when absent (expired or deleted). */
  async readJson<T>(key: string): Promise<T | undefined> {
    const value = await this.state.get(key);
    return value === undefined ? undefined : (JSON.parse(value) as T);
  }

  job(id: string): Promise<JobRecord | undefined> {
    return this.readJson<JobRecord>(keys.job(id));
  }

  /** Moves a job on and publishes it; a terminal state is written once, whoever gets there first. */
  async settle(job: JobRecord, update: Partial<JobRecord> & { status: JobStatus }) {
    if (isTerminal(update.status) && !(await this.state.setIfAbsent(keys.final(job.id), update.status, this.options.retentionMs))) return;
    Object.assign(job, { progress: undefined, error: undefined, preview: undefined }, update);
    if (isTerminal(job.status)) this.options.metrics.jobs.inc({ provider: job.provider ?? this.options.defaultProvider, status: job.status });
    await this.write(job, update);
  }

  /** Stores the job and publishes its view with `update` applied (the event every listener sees). */
  async write(job: JobRecord, update: Partial<JobRecord>) {
    const ttl = Math.max(1_000, job.expiresAt - Date.now());
    await this.state.set(keys.job(job.id), JSON.stringify(job), ttl);
    const view = viewOf({ ...job, ...update });
    const id = await this.state.append(keys.events(job.id), JSON.stringify(view), ttl);
    await this.state.publish(keys.job(job.id), JSON.stringify({ id, view } satisfies JobEvent));
  }

  /** The jobs attached to a run that still wait for it. */
  async activeJobs(runKey: string): Promise<JobRecord[]> {
    const ids = await this.state.members(keys.runJobs(runKey));
    const jobs = await Promise.all(ids.map((id) => this.job(id)));
    return jobs.filter((job): job is JobRecord => !!job && !isTerminal(job.status));
  }
}
