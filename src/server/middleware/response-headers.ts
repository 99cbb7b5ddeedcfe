import type { Context } from 'hono';

/**
 * The headers every answer to a request carries (request id, security, CORS), gathered by
 * the middleware before the route runs, as one plain object on the context.
 *
 * Why not `c.header()`: Hono keeps those in a web `Headers`, and @hono/node-server then
 * copies them out again for Node, sorted, on every answer. A plain object goes to Node's
 * `writeHead` as it is, which is most of what a status poll costs beyond the socket.
 * Names are lower case, so a route's own header replaces a default (`cache-control`).
 */
export type ResponseHeadersEnv = { Variables: { responseHeaders: Record<string, string> } };

/** This request's prepared headers, to add to (made on first use). */
export function responseHeaders(c: Context): Record<string, string> {
  const prepared = c.get('responseHeaders') as Record<string, string> | undefined;
  if (prepared) return prepared;
  const headers: Record<string, string> = {};
  c.set('responseHeaders', headers);
  return headers;
}

/** An answer with the prepared headers and the route's own on top. */
export function respond(c: Context, body: BodyInit | null, status = 200, headers?: Record<string, string>): Response {
  const prepared = c.get('responseHeaders') as Record<string, string> | undefined;
  // The prepared object is this request's own: it takes the route's headers in place, no copy.
  return new Response(body, { status, headers: prepared && headers ? Object.assign(prepared, headers) : (prepared ?? headers) });
}

const JSON_TYPE = { 'content-type': 'application/json' };

/** `respond` with a JSON body (`content-type: application/json`, as Hono's `c.json`). */
export function respondJson(c: Context, data: unknown, status = 200): Response {
  return respondJsonText(c, JSON.stringify(data), status);
}

/** `respondJson` for a body already serialised. */
export function respondJsonText(c: Context, json: string, status = 200): Response {
  return respond(c, json, status, JSON_TYPE);
}
