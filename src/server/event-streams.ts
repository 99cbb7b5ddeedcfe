import { TERMINAL_STATUSES } from '../contract.js';
import type { ResumePoint } from './event-stream-policy.js';
import type { JobEvent } from './job-records.js';
import type { JobService } from './jobs.js';
import type { Logger } from './log.js';

/** What the streams need of the job service. */
export type JobFeed = Pick<JobService, 'listen' | 'eventsAfter' | 'get'>;

/** Where an open stream's text goes: a web ReadableStream, or on Node the HTTP response itself. */
export interface EventSink {
  write(text: string): unknown;
  /** Ends the response after the terminal event. */
  end(): unknown;
}

/** An open stream, as its opener sees it. */
export interface OpenEventStream {
  /** The client went away: stop, without writing or ending anything. */
  cancel(): void;
}

/** What a stream is for, and where it starts. */
export interface StreamRequest {
  jobId: string;
  sessionId: string;
  /** Where to start, given every event published so far (event-stream-policy.ts, `resumePoint`). */
  resume(history: JobEvent[]): ResumePoint;
  /** Called once when the stream stops for any reason (gives back its place in OpenStreams). */
  onClose?(): void;
}

export interface StreamTiming {
  /** A quiet stream gets a comment this often, so proxies and browsers keep it open. */
  heartbeatMs: number;
  /** How often a quiet stream checks that someone still watches its job upstream. */
  orphanCheckMs: number;
  /** The one shared timer's period: how late a heartbeat or check may come. */
  tickMs: number;
  /** A stream ends cleanly after this long, terminal or not; the client reconnects with Last-Event-ID. */
  lifetimeMs: number;
}

export const STREAM_TIMING: StreamTiming = { heartbeatMs: 15_000, orphanCheckMs: 3_000, tickMs: 1_000, lifetimeMs: 5 * 60_000 };
const encoder = new TextEncoder();

/**
 * The open event streams of jobs (`GET /jobs/{id}/events`). Each is fed by its job's
 * subscription: an event is written when it is published, with no loop, timer or pipe per
 * stream. One timer over all open streams sends the heartbeats and the orphan checks.
 */
export class JobEventStreams {
  readonly #open = new Set<JobEventStream>();
  #ticker: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly jobs: JobFeed,
    private readonly log: Logger,
    private readonly timing: StreamTiming = STREAM_TIMING,
  ) {}

  /** Streams currently open. */
  get size(): number {
    return this.#open.size;
  }

  /**
   * Writes the job's events to `sink` as server-sent events, from where `request.resume`
   * says, up to the job's terminal event or the stream's lifetime; then ends it.
   */
  open(request: StreamRequest, sink: EventSink): OpenEventStream {
    const stream = new JobEventStream(request, sink, (closed) => this.#remove(closed));
    this.#add(stream);
    stream.start(this.jobs).catch((error) => {
      this.log.error('events.failed', { job: request.jobId, error });
      stream.close();
    });
    return stream;
  }

  /** `open` as a web ReadableStream body (for runtimes whose response cannot be written to directly). */
  readable(request: StreamRequest): ReadableStream<Uint8Array> {
    let stream: OpenEventStream;
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        stream = this.open(request, { write: (text) => controller.enqueue(encoder.encode(text)), end: () => controller.close() });
      },
      cancel: () => stream.cancel(),
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
    const { heartbeatMs, orphanCheckMs, lifetimeMs } = this.timing;
    const checked = new Set<string>();
    for (const stream of this.#open) {
      if (now - stream.openedAt >= lifetimeMs) {
        stream.close();
        continue;
      }
      if (now - stream.quietSince < orphanCheckMs) continue;
      stream.quietSince = now;
      // A quiet stream may be waiting on a watcher whose instance has gone: reading the job takes it over (once per job).
      if (!checked.has(stream.jobId)) {
        checked.add(stream.jobId);
        void this.jobs.get(stream.sessionId, stream.jobId).catch(() => undefined);
      }
      if (now - stream.lastWrite >= heartbeatMs) stream.write(': heartbeat\n\n', now);
    }
  }
}

/** One open stream: replays what it missed, then relays each live event until the terminal one. */
class JobEventStream implements OpenEventStream {
  /** The id of the last event sent. */
  #sent = 0;
  /** Live events that arrive while the history is read; undefined once it has been sent. */
  #backlog: JobEvent[] | undefined = [];
  #unsubscribe: (() => Promise<void>) | undefined;
  #closed = false;
  readonly openedAt = Date.now();
  lastWrite = this.openedAt;
  /** Since the last event or orphan check. */
  quietSince = this.lastWrite;

  constructor(
    private readonly request: StreamRequest,
    private readonly sink: EventSink,
    private readonly onClosed: (stream: JobEventStream) => void,
  ) {}

  get jobId() {
    return this.request.jobId;
  }

  get sessionId() {
    return this.request.sessionId;
  }

  async start(jobs: JobFeed) {
    const job = { id: this.jobId };
    // Subscribe before reading the history, so nothing published in between is missed; ids drop duplicates.
    const unsubscribe = await jobs.listen(job, (event) => this.#deliver(event));
    if (this.#closed) return void (await unsubscribe());
    this.#unsubscribe = unsubscribe;
    const { after, replay } = this.request.resume(await jobs.eventsAfter(job, 0));
    this.#sent = after;
    const live = this.#backlog!;
    this.#backlog = undefined;
    for (const event of replay.concat(live)) this.#send(event);
  }

  write(text: string, now = Date.now()) {
    if (this.#closed) return;
    this.sink.write(text);
    this.lastWrite = now;
  }

  /** Ends the response (after the terminal event, or when the stream cannot go on). */
  close() {
    if (this.#stop()) this.sink.end();
  }

  cancel() {
    this.#stop();
  }

  /** False when already stopped. */
  #stop(): boolean {
    if (this.#closed) return false;
    this.#closed = true;
    void this.#unsubscribe?.().catch(() => undefined);
    this.onClosed(this);
    this.request.onClose?.();
    return true;
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
