import type { Context } from 'hono';

/** What @hono/node-server passes as the env of a request: Node's own request object. */
type NodeBindings = { incoming?: { rawHeaders: string[] } };

/**
 * A request header, as `c.req.header(name)` answers it: every field line of that name,
 * joined by ", " (as a web `Headers` does), or undefined. `name` is lower case.
 *
 * On Node it is read from the field lines Node's parser already split: the lightweight
 * `Headers` of @hono/node-server validates the name and copies and scans those lines on
 * every call, which costs more than the rest of checking a polling tab's token. Elsewhere
 * (edge runtimes) it is `c.req.header`.
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const raw = (c.env as NodeBindings | undefined)?.incoming?.rawHeaders;
  if (!raw) return c.req.header(name);
  let value: string | undefined;
  for (let index = 0; index < raw.length; index += 2) {
    const field = raw[index]!;
    if (field.length === name.length && (field === name || field.toLowerCase() === name)) value = value === undefined ? raw[index + 1]! : `${value}, ${raw[index + 1]}`;
  }
  return value;
}
