import { Hono } from 'hono';
import type { JobEventStreams } from '../event-streams.js';
import type { JobEvent, JobService } from '../jobs.js';
import type { SessionEnv } from '../middleware/authenticate.js';
import { respond } from '../middleware/response-headers.js';

const EVENT_STREAM_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'transfer-encoding': 'chunked',
  // nginx would otherwise hold events back in its buffer.
  'x-accel-buffering': 'no',
};

/** `GET /jobs/{id}/events`: the job's updates as server-sent events; behind `authenticate`. */
export function eventRoutes({ jobs, streams }: { jobs: JobService; streams: JobEventStreams }) {
  return new Hono<SessionEnv>().get('/jobs/:id/events', async (c) => {
    const sessionId = c.get('session').sid;
    const job = await jobs.get(sessionId, c.req.param('id'));
    const lastEventId = c.req.header('last-event-id');
    const body = streams.open(job, sessionId, (history) => resumePoint(lastEventId, history));
    return respond(c, body, 200, EVENT_STREAM_HEADERS);
  });
}

/** The id of the last event a stream has seen: a reconnecting EventSource's `Last-Event-ID`; a new stream starts at the job's current state. */
export function resumePoint(lastEventIdHeader: string | undefined, history: readonly JobEvent[]): number {
  const lastEventId = Number.parseInt(lastEventIdHeader ?? '', 10);
  return Number.isInteger(lastEventId) && lastEventId >= 0 ? lastEventId : Math.max(0, history.length - 1);
}
