import { Hono } from 'hono';
import type { ConsentLedger, ConsentRecord } from '../consent-records.js';
import { ApiError } from '../errors.js';
import type { AdminEnv } from '../middleware/admin-auth.js';
import { respond, respondJson } from '../middleware/response-headers.js';

export interface AdminConsentRouteOptions {
  consents: ConsentLedger;
}

const COLUMNS: (keyof ConsentRecord)[] = ['at', 'origin', 'version', 'textHash', 'locale', 'session', 'client'];

/**
 * `GET /admin/consents?since=…&format=csv|json`, behind `adminAuth` (app.ts guards `/admin/*`):
 * the consent records kept, oldest first, for an operator's tools (see src/server/README.md, "Consent records"). `since` is an ISO 8601
 * date or time (`2026-11-01`, `2026-11-01T12:00:00Z`); without it, everything still kept.
 */
export function adminConsentRoutes({ consents }: AdminConsentRouteOptions) {
  return new Hono<AdminEnv>().get('/admin/consents', async (c) => {
    const sinceParam = c.req.query('since');
    const since = sinceParam ? Date.parse(sinceParam) : 0;
    if (Number.isNaN(since)) throw new ApiError('BAD_REQUEST', '"since" must be an ISO 8601 date or time, e.g. 2026-11-01 or 2026-11-01T12:00:00Z.');
    const format = c.req.query('format') ?? 'json';
    if (format !== 'json' && format !== 'csv') throw new ApiError('BAD_REQUEST', '"format" must be csv or json.');
    const records = await consents.list(since);
    if (format === 'json') return respondJson(c, { since: sinceParam ? new Date(since).toISOString() : null, count: records.length, records });
    const csv = [COLUMNS.join(','), ...records.map((record) => COLUMNS.map((column) => csvCell(record[column])).join(','))].join('\r\n');
    return respond(c, `${csv}\r\n`, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="consents-${new Date().toISOString().slice(0, 10)}.csv"`,
    });
  });
}

/** RFC 4180 quoting; a cell a spreadsheet would run as a formula (=, +, -, @) is prefixed with '. */
function csvCell(value: string | null): string {
  if (value == null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
