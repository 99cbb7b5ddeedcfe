/**
 * A server for the proxy benchmarks, in a process of its own (forked by proxy.ts with
 * --expose-gc), so the load generator does not share its heap or event loop:
 *
 *   proxy-server.ts proxy   the built proxy (dist/server, as `fitting-room-proxy` runs it) on
 *                           the sandbox provider, plus a loopback garment host; FITTING_ROOM_*
 *                           from the environment
 *   proxy-server.ts bare    a bare node:http server answering BENCH_BODY as JSON, the floor
 *   proxy-server.ts hono    a one-route Hono app on @hono/node-server answering the same:
 *                           what the framework alone costs, for reference
 *
 * It tells the parent its URLs over IPC, and answers `{cmd: 'memory'}` with
 * process.memoryUsage() after two full GCs, and the active resources by type.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import sharp from 'sharp';

const listen = (server: Server) => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));

function report() {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const resources: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) resources[type] = (resources[type] ?? 0) + 1;
  return { memory: process.memoryUsage(), resources, gc: !!gc };
}

process.on('message', (message: { cmd: string }) => {
  if (message.cmd === 'memory') process.send!({ type: 'memory', ...report() });
  if (message.cmd === 'exit') process.exit(0);
});
process.on('disconnect', () => process.exit(0));

const mode = process.argv[2];
if (mode === 'bare') {
  const body = Buffer.from(process.env.BENCH_BODY ?? '{}');
  const server = createServer((_request: IncomingMessage, response: ServerResponse) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    response.end(body);
  });
  process.send!({ type: 'ready', url: await listen(server) });
} else if (mode === 'hono') {
  const { Hono } = await import('hono');
  const body = JSON.parse(process.env.BENCH_BODY ?? '{}') as Record<string, unknown>;
  const app = new Hono();
  app.get('/jobs/:id', (c) => c.json(body));
  const server = createServer(getRequestListener(app.fetch));
  process.send!({ type: 'ready', url: await listen(server) });
} else if (mode === 'proxy') {
  // The built proxy, as the package ships it.
  const { createNodeProxy, readConfig } = (await import(new URL('../../dist/server/index.js', import.meta.url).href)) as typeof import('../../src/server/index.js');
  const garment = await sharp(
    Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="800" height="800"><rect width="800" height="800" fill="#fff"/><path d="M240 120 L560 120 L720 260 L640 340 L580 300 L580 720 L220 720 L220 300 L160 340 L80 260 Z" fill="#1f2a44"/></svg>',
    ),
  )
    .png()
    .toBuffer();
  const garments = createServer((request, response) => {
    if (request.url === '/tee.png') response.writeHead(200, { 'content-type': 'image/png', 'content-length': garment.length }).end(garment);
    else response.writeHead(404).end();
  });
  const garmentUrl = `${await listen(garments)}/tee.png`;
  const server = createServer();
  const url = await listen(server);
  const config = readConfig({ ...process.env, FITTING_ROOM_GARMENT_HOSTS: new URL(garmentUrl).host, FITTING_ROOM_PUBLIC_URL: url }, { dev: true });
  const proxy = await createNodeProxy(config);
  // What @hono/node-server's serve() does, on a server we made (so we know the port first).
  server.on('request', getRequestListener(proxy.app.fetch));
  process.send!({ type: 'ready', url, garmentUrl });
} else {
  console.error('usage: proxy-server.ts proxy|bare|hono');
  process.exit(2);
}
