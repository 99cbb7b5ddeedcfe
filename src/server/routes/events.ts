import { Hono } from 'hono';
import type { EventSink, JobEventStreams } from '../event-streams.js';
import type { JobEvent } from '../job-records.js';
import type { JobService } from '../jobs.js';
import type { SessionEnv } from '../middleware/authenticate.js';
import { respond, responseHeaders } from '../middleware/response-headers.js';

/** A response object of the runtime that a route may write to itself (Node's `ServerResponse`). */
export interface DirectResponse extends EventSink {
  writeHead(status: number, headers: Record<string, string>): unknown;
  once(event: 'close', listener: () => void): unknown;
}

export interface DirectResponses {
  /** The request's own response object, when the runtime has one (@hono/node-server: `env.outgoing`). */
  of(env: unknown): DirectResponse | undefined;
  /** What the handler returns once it has answered by itself, so the runtime sends nothing more. */
  sent: Response;
}

export interface EventRouteOptions {
  jobs: JobService;
  streams: JobEventStreams;
  /**
   * On Node, streams are written straight to the response: a web ReadableStream, the reader
   * that pumps it and their promises cost about three times the memory of the socket itself.
   */
  direct?: DirectResponses;
}

const EVENT_STREAM_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'transfer-encoding': 'chunked',
  // nginx would otherwise hold events back in its buffer.
  'x-accel-buffering': 'no',
};

/** `GET /jobs/{id}/events`: the job's updates as server-sent events; behind `authenticate`. */
export function eventRoutes({ jobs, streams, direct }: EventRouteOptions) {
  return new Hono<SessionEnv>().get('/jobs/:id/events', async (c) => {
    const sessionId = c.get('session').sid;
    const job = await jobs.get(sessionId, c.req.param('id'));
    const lastEventId = c.req.header('last-event-id');
    const resumeAfter = (history: JobEvent[]) => resumePoint(lastEventId, history);

    const response = direct?.of(c.env);
    if (!direct || !response) return respond(c, streams.readable(job.id, sessionId, resumeAfter), 200, EVENT_STREAM_HEADERS);
    response.writeHead(200, Object.assign(responseHeaders(c), EVENT_STREAM_HEADERS));
    const stream = streams.open(job.id, sessionId, resumeAfter, response);
    response.once('close', () => stream.cancel());
    return direct.sent;
  });
}

/** The id of the last event a stream has seen: a reconnecting EventSource's `Last-Event-ID`; a new stream starts at the job's current state. */
export function resumePoint(lastEventIdHeader: string | undefined, history: readonly JobEvent[]): number {
  const lastEventId = Number.parseInt(lastEventIdHeader ?? '', 10);
  return Number.isInteger(lastEventId) && lastEventId >= 0 ? lastEventId : Math.max(0, history.length - 1);
}
