import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JobStatus, JobView } from '../../src/contract.js';
import { type EventSink, type JobFeed, JobEventStreams } from '../../src/server/event-streams.js';
import type { JobEvent, JobRecord } from '../../src/server/job-records.js';
import { silentLogger } from '../../src/server/log.js';
import { resumePoint } from '../../src/server/event-stream-policy.js';

/** Event streams on their own: a job feed in memory, a sink that records, and the clock under the test's control. */

function feed() {
  const history: JobEvent[] = [];
  const listeners = new Set<(event: JobEvent) => void>();
  const reads: string[] = [];
  let unsubscribed = 0;
  const jobs: JobFeed = {
    listen: async (_job, listener) => {
      listeners.add(listener);
      return async () => {
        listeners.delete(listener);
        unsubscribed++;
      };
    },
    eventsAfter: async (_job, after) => history.slice(after),
    get: async (_session, id) => {
      reads.push(id);
      return { id } as JobRecord;
    },
  };
  const publish = (status: JobStatus, progress?: number) => {
    const event: JobEvent = { id: history.length + 1, view: { id: 'job-1', status, ...(progress === undefined ? {} : { progress }) } };
    history.push(event);
    for (const listener of listeners) listener(event);
  };
  return { jobs, publish, reads, listeners, unsubscribed: () => unsubscribed };
}

function recorder(): EventSink & { text: string; ended: boolean } {
  return {
    text: '',
    ended: false,
    write(text) {
      this.text += text;
    },
    end() {
      this.ended = true;
    },
  };
}

const timing = { heartbeatMs: 15_000, orphanCheckMs: 3_000, tickMs: 1_000, lifetimeMs: 300_000 };
const running: JobView = { id: 'job-1', status: 'running' };
const request = (resume = (history: JobEvent[]) => resumePoint(undefined, history, running)) => ({ jobId: 'job-1', sessionId: 'session-a', resume });
const settle = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('JobEventStreams', () => {
  it('starts at the job’s current state, relays each new event once, and ends after the terminal one', async () => {
    const { jobs, publish, listeners, unsubscribed } = feed();
    publish('queued');
    publish('running', 0.1);
    const streams = new JobEventStreams(jobs, silentLogger, timing);
    const sink = recorder();
    streams.open(request(), sink);
    await settle();
    publish('running', 0.5);
    publish('succeeded');
    await settle();

    expect(sink.text).toBe(
      'data: {"id":"job-1","status":"running","progress":0.1}\nid: 2\n\n' +
        'data: {"id":"job-1","status":"running","progress":0.5}\nid: 3\n\n' +
        'data: {"id":"job-1","status":"succeeded"}\nid: 4\n\n',
    );
    expect(sink.ended).toBe(true);
    expect([streams.size, listeners.size, unsubscribed(), vi.getTimerCount()]).toEqual([0, 0, 1, 0]);
  });

  it('resumes after the Last-Event-ID it is given, without repeating what it replayed', async () => {
    const { jobs, publish } = feed();
    for (const progress of [0.1, 0.2, 0.3]) publish('running', progress);
    const sink = recorder();
    new JobEventStreams(jobs, silentLogger, timing).open(
      request((history) => resumePoint('1', history, running)),
      sink,
    );
    await settle();
    expect(sink.text.match(/^id: \d+$/gm)).toEqual(['id: 2', 'id: 3']);
  });

  it('on a quiet stream: checks the job every 3 s (once per job, however many streams) and sends a heartbeat after 15 s', async () => {
    const { jobs, publish, reads } = feed();
    publish('running', 0.1);
    const streams = new JobEventStreams(jobs, silentLogger, timing);
    const [first, second] = [recorder(), recorder()];
    streams.open(request(), first);
    streams.open(request(), second);
    await settle();

    await vi.advanceTimersByTimeAsync(2_000);
    expect(reads).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reads).toEqual(['job-1']);
    await vi.advanceTimersByTimeAsync(11_000);
    expect(first.text).not.toContain(': heartbeat');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(first.text.endsWith('\n\n: heartbeat\n\n')).toBe(true);
    expect(second.text.endsWith('\n\n: heartbeat\n\n')).toBe(true);
    expect(reads).toEqual(['job-1', 'job-1', 'job-1', 'job-1', 'job-1']);
  });

  it('stops at once when the client goes away: no more writes, unsubscribed, no timer left', async () => {
    const { jobs, publish, unsubscribed } = feed();
    publish('running', 0.1);
    const streams = new JobEventStreams(jobs, silentLogger, timing);
    const sink = recorder();
    const stream = streams.open(request(), sink);
    await settle();
    const before = sink.text;

    stream.cancel();
    publish('succeeded');
    await vi.advanceTimersByTimeAsync(20_000);
    expect([sink.text, sink.ended, unsubscribed(), streams.size, vi.getTimerCount()]).toEqual([before, false, 1, 0, 0]);
  });

  it('as a web ReadableStream: the same bytes, closed after the terminal event', async () => {
    const { jobs, publish } = feed();
    publish('queued');
    const body = new JobEventStreams(jobs, silentLogger, timing).readable(request());
    await settle();
    publish('failed');
    const text = await new Response(body).text();
    expect(text).toBe('data: {"id":"job-1","status":"queued"}\nid: 1\n\ndata: {"id":"job-1","status":"failed"}\nid: 2\n\n');
  });
});
