import { TERMINAL_STATUSES } from '../contract.js';
import type { JobEvent, JobRecord, JobService } from './jobs.js';
import type { Logger } from './log.js';

/** What the streams need of the job service. */
export type JobFeed = Pick<JobService, 'listen' | 'eventsAfter' | 'get'>;

export interface StreamTiming {
  /** A quiet stream gets a comment this often, so proxies and browsers keep it open. */
  heartbeatMs: number;
  /** How often a quiet stream checks that someone still watches its job upstream. */
  orphanCheckMs: number;
  /** The one shared timer's period: how late a heartbeat or check may come. */
  tickMs: number;
}

const TIMING: StreamTiming = { heartbeatMs: 15_000, orphanCheckMs: 3_000, tickMs: 1_000 };
const encoder = new TextEncoder();

/**
 * The open `text/event-stream` bodies of job events. Each is a plain ReadableStream fed by
 * its job's subscription: an event is written when it is published, with no loop, timer or
 * pipe per stream. One timer over all open streams sends heartbeats and the orphan checks.
 */
export class JobEventStreams {
  readonly #open = new Set<JobEventStream>();
  #ticker: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly jobs: JobFeed,
    private readonly log: Logger,
    private readonly timing: StreamTiming = TIMING,
  ) {}

  /** Streams currently open. */
  get size(): number {
    return this.#open.size;
  }

  /**
   * The job's events as a `text/event-stream` body, from the event after `resumeAfter(history)`
   * (history: every event published so far), to the job's terminal event; then it closes.
   */
  open(job: JobRecord, sessionId: string, resumeAfter: (history: JobEvent[]) => number): ReadableStream<Uint8Array> {
    let stream: JobEventStream;
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        stream = new JobEventStream(job, sessionId, controller, () => this.#remove(stream));
        this.#add(stream);
        void stream.start(this.jobs, resumeAfter).catch((error) => {
          this.log.error('events.failed', { job: job.id, error });
          stream.close();
        });
      },
      // The client went away.
      cancel: () => stream.close({ cancelled: true }),
    });
  }

  #add(stream: JobEventStream) {
    this.#open.add(stream);
    if (this.#ticker) return;
    this.#ticker = setInterval(() => this.#tick(), this.timing.tickMs);
    // Open streams keep the process alive by their sockets; the timer alone should not.
    (this.#ticker as { unref?: () => void }).unref?.();
  }

  #remove(stream: JobEventStream) {
    this.#open.delete(stream);
    if (this.#open.size) return;
    clearInterval(this.#ticker);
    this.#ticker = undefined;
  }

  #tick(now = Date.now()) {
    const { heartbeatMs, orphanCheckMs } = this.timing;
    const checked = new Set<string>();
    for (const stream of this.#open) {
      if (now - stream.quietSince < orphanCheckMs) continue;
      stream.quietSince = now;
      // A quiet stream may be waiting on a watcher whose instance has gone: reading the job takes it over (once per job).
      if (!checked.has(stream.job.id)) {
        checked.add(stream.job.id);
        void this.jobs.get(stream.sessionId, stream.job.id).catch(() => undefined);
      }
      if (now - stream.lastWrite >= heartbeatMs) stream.write(': heartbeat\n\n', now);
    }
  }
}

/** One open stream: replays what it missed, then relays each live event until the terminal one. */
class JobEventStream {
  /** The id of the last event sent. */
  #sent = 0;
  /** Live events that arrive while the history is read; undefined once it has been sent. */
  #backlog: JobEvent[] | undefined = [];
  #unsubscribe: (() => Promise<void>) | undefined;
  #closed = false;
  lastWrite = Date.now();
  /** Since the last event or orphan check. */
  quietSince = this.lastWrite;

  constructor(
    readonly job: JobRecord,
    readonly sessionId: string,
    private readonly controller: ReadableStreamDefaultController<Uint8Array>,
    private readonly onClose: () => void,
  ) {}

  async start(jobs: JobFeed, resumeAfter: (history: JobEvent[]) => number) {
    // Subscribe before reading the history, so nothing published in between is missed; ids drop duplicates.
    const unsubscribe = await jobs.listen(this.job, (event) => this.#deliver(event));
    if (this.#closed) return void (await unsubscribe());
    this.#unsubscribe = unsubscribe;
    const history = await jobs.eventsAfter(this.job, 0);
    this.#sent = resumeAfter(history);
    const live = this.#backlog!;
    this.#backlog = undefined;
    for (const event of history.concat(live)) this.#send(event);
  }

  write(text: string, now = Date.now()) {
    if (this.#closed) return;
    this.controller.enqueue(encoder.encode(text));
    this.lastWrite = now;
  }

  close({ cancelled = false } = {}) {
    if (this.#closed) return;
    this.#closed = true;
    if (!cancelled) this.controller.close();
    void this.#unsubscribe?.().catch(() => undefined);
    this.onClose();
  }

  #deliver(event: JobEvent) {
    if (this.#backlog) this.#backlog.push(event);
    else this.#send(event);
  }

  #send(event: JobEvent) {
    if (this.#closed || event.id <= this.#sent) return;
    this.write(`data: ${JSON.stringify(event.view)}\nid: ${event.id}\n\n`);
    this.#sent = event.id;
    this.quietSince = this.lastWrite;
    if (TERMINAL_STATUSES.includes(event.view.status)) this.close();
  }
}
