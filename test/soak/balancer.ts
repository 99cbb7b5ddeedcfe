/**
 * A small HTTP load balancer for the restart soak: round robin over the instances it is
 * given, request bodies buffered so a request whose instance refuses the connection is
 * tried on the next one, responses (event streams too) piped through. When an instance's
 * connection drops mid-answer, the shopper's connection drops with it, as behind a real
 * balancer; the shopper's client reconnects and reaches another instance.
 */
import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * How requests find an instance: `round-robin` (no affinity), `sticky` (by session token:
 * the same shopper always reaches the same live instance, as with session affinity), or
 * `split` (writes to the first instance, reads to the second: a shopper's stream is never
 * on the instance that started its job).
 */
export type Routing = 'round-robin' | 'sticky' | 'split';

export interface Balancer {
  url: string;
  /** Instances taking new requests (their base URLs, `http://127.0.0.1:port`). */
  add(url: string): void;
  remove(url: string): void;
  /** Requests sent to each instance. */
  readonly sent: Map<string, number>;
  close(): Promise<void>;
}

export async function startBalancer(routing: Routing = 'round-robin'): Promise<Balancer> {
  const backends: string[] = [];
  const sent = new Map<string, number>();
  const agent = new Agent({ keepAlive: true, maxSockets: 1024 });
  let next = 0;

  const pick = (incoming: IncomingMessage, attempt: number): number => {
    const token = /^Bearer\s+(\S+)/i.exec(incoming.headers.authorization ?? '')?.[1];
    if (routing === 'sticky' && token) {
      let hash = 0;
      for (let index = 0; index < token.length; index++) hash = (hash * 31 + token.charCodeAt(index)) >>> 0;
      return (hash + attempt) % backends.length;
    }
    if (routing === 'split') return ((incoming.method === 'POST' ? 0 : 1) + attempt) % backends.length;
    return next++ % backends.length;
  };

  const forward = (incoming: IncomingMessage, outgoing: ServerResponse, body: Buffer, attempt: number) => {
    if (!backends.length || attempt >= backends.length + 1) {
      outgoing
        .writeHead(502, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { code: 'PROVIDER_UNAVAILABLE', message: 'No instance is available.', retryable: true } }));
      return;
    }
    const target = new URL(backends[pick(incoming, attempt)]!);
    sent.set(target.origin, (sent.get(target.origin) ?? 0) + 1);
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: { ...incoming.headers, host: target.host }, agent },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        outgoing.flushHeaders();
        answer.pipe(outgoing);
        // The instance went away mid-answer: so does the shopper's connection.
        answer.on('aborted', () => outgoing.destroy());
        answer.on('error', () => outgoing.destroy());
        answer.on('close', () => {
          if (!answer.complete) outgoing.destroy();
        });
      },
    );
    upstream.on('error', () => {
      // Refused or reset before an answer: another instance, if there is one.
      if (!outgoing.headersSent) forward(incoming, outgoing, body, attempt + 1);
      else outgoing.destroy();
    });
    outgoing.on('close', () => upstream.destroy());
    upstream.end(body);
  };

  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => forward(incoming, outgoing, Buffer.concat(chunks), 0));
    incoming.on('error', () => outgoing.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent,
    add: (url) => void (backends.includes(url) || backends.push(url)),
    remove: (url) => {
      const index = backends.indexOf(url);
      if (index >= 0) backends.splice(index, 1);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}
