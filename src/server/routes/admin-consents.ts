import { Hono } from 'hono';
import type { ConsentLedger, ConsentRecord } from '../consent-records.js';
import { ApiError } from '../errors.js';
import type { AdminEnv } from '../middleware/admin-auth.js';
import { respond } from '../middleware/response-headers.js';

export interface AdminConsentRouteOptions {
  consents: ConsentLedger;
}

const COLUMNS: (keyof ConsentRecord)[] = ['at', 'origin', 'version', 'textHash', 'locale', 'session', 'client'];

/**
 * `GET /admin/consents?since=…&format=csv|json`, behind `adminAuth` (app.ts guards `/admin/*`):
 * the consent records kept, oldest first, for an operator's tools (see src/server/README.md,
 * "Consent records"). `since` is an ISO 8601 date or time (`2026-11-01`, `2026-11-01T12:00:00Z`);
 * without it, everything still kept. The answer is streamed a day of records at a time.
 */
export function adminConsentRoutes({ consents }: AdminConsentRouteOptions) {
  return new Hono<AdminEnv>().get('/admin/consents', (c) => {
    const sinceParam = c.req.query('since');
    const since = sinceParam ? Date.parse(sinceParam) : 0;
    if (Number.isNaN(since)) throw new ApiError('BAD_REQUEST', '"since" must be an ISO 8601 date or time, e.g. 2026-11-01 or 2026-11-01T12:00:00Z.');
    const format = c.req.query('format') ?? 'json';
    if (format !== 'json' && format !== 'csv') throw new ApiError('BAD_REQUEST', '"format" must be csv or json.');
    const days = consents.days(since);
    if (format === 'json') {
      return respond(c, streamOf(jsonChunks(days, sinceParam ? new Date(since).toISOString() : null)), 200, { 'content-type': 'application/json' });
    }
    return respond(c, streamOf(csvChunks(days)), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="consents-${new Date().toISOString().slice(0, 10)}.csv"`,
    });
  });
}

/** `{"since":…,"records":[…],"count":N}`: the count comes last, once every record is out. */
async function* jsonChunks(days: AsyncIterable<ConsentRecord[]>, since: string | null) {
  yield `{"since":${JSON.stringify(since)},"records":[`;
  let count = 0;
  for await (const records of days) {
    for (const record of records) yield `${count++ ? ',' : ''}${JSON.stringify(record)}`;
  }
  yield `],"count":${count}}`;
}

async function* csvChunks(days: AsyncIterable<ConsentRecord[]>) {
  yield `${COLUMNS.join(',')}\r\n`;
  for await (const records of days) {
    if (records.length) yield records.map((record) => `${COLUMNS.map((column) => csvCell(record[column])).join(',')}\r\n`).join('');
  }
}

/** RFC 4180 quoting; a cell a spreadsheet would run as a formula (=, +, -, @) is prefixed with '. */
function csvCell(value: string | null): string {
  if (value == null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** A byte stream of text chunks, pulled as the client reads (any runtime: no ReadableStream.from). */
function streamOf(chunks: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      const { value, done } = await chunks.next();
      if (done) controller.close();
      else controller.enqueue(encoder.encode(value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}
