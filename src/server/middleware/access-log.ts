import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../log.js';
import type { RequestContextEnv } from './request-context.js';

/**
 * One log line per request: method, path, status and time. Successful reads (a polling tab
 * asks every second) are debug; writes and failures are info.
 *
 * It reads only the status of the finished response: its headers or body would make
 * @hono/node-server turn its lightweight response into a full web Response.
 */
export function accessLog(log: Logger): MiddlewareHandler<RequestContextEnv> {
  return async (c, next) => {
    const started = Date.now();
    await next();
    const { method } = c.req;
    const status = c.res.status;
    log[method === 'GET' && status < 400 ? 'debug' : 'info']('request', { requestId: c.get('requestId'), method, path: c.req.path, status, ms: Date.now() - started });
  };
}
