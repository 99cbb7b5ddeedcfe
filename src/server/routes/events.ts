import { Hono } from 'hono';
import { type OpenStreams, resumePoint } from '../event-stream-policy.js';
import type { EventSink, JobEventStreams, StreamRequest } from '../event-streams.js';
import type { JobService } from '../jobs.js';
import type { SessionEnv } from '../middleware/authenticate.js';
import type { RequestContextEnv } from '../middleware/request-context.js';
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
  /** How many streams a session and an address may hold open. */
  openStreams: OpenStreams;
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
export function eventRoutes({ jobs, streams, openStreams, direct }: EventRouteOptions) {
  return new Hono<SessionEnv & RequestContextEnv>().get('/jobs/:id/events', async (c) => {
    const sessionId = c.get('session').sid;
    const job = await jobs.get(sessionId, c.req.param('id'));
    // After the lookup, so an unknown id takes no place.
    const release = openStreams.claim(sessionId, c.get('client'));
    const lastEventId = c.req.header('last-event-id');
    const request: StreamRequest = { jobId: job.id, sessionId, resume: (history) => resumePoint(lastEventId, history, jobs.view(job)), onClose: release };

    const response = direct?.of(c.env);
    if (!direct || !response) return respond(c, streams.readable(request), 200, EVENT_STREAM_HEADERS);
    response.writeHead(200, Object.assign(responseHeaders(c), EVENT_STREAM_HEADERS));
    const stream = streams.open(request, response);
    response.once('close', () => stream.cancel());
    return direct.sent;
  });
}
