/**
 * What abandoned event streams cost the proxy (issue 17): one finished job, then 2,000
 * `GET /jobs/{id}/events` with `Last-Event-ID: 999`, each on its own socket that the client
 * keeps open and never reads. The proxy runs in a process of its own (this file with
 * `server`, forked with --expose-gc), so its memory is measured after two full GCs and apart
 * from the load generator's.
 *
 *   npx tsx test/bench/abandoned-streams.ts [streams]
 *
 * Prints the proxy's RSS, heap and open sockets before, then 2 s and 7 s after the streams
 * were opened, and how many requests got a stream (200) or were turned away (429).
 */
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import sharp from 'sharp';
import type { JobCreated, JobView, SessionGrant } from '../../src/contract.js';

const ORIGIN = 'https://shop.example';
const SECRET = 'bench-secret-that-is-long-enough-0123456789abcdef';

interface Memory {
  rss: number;
  heapUsed: number;
  sockets: number;
}

function measure(): Memory {
  const gc = (globalThis as { gc?: () => void }).gc!;
  gc();
  gc();
  const sockets = process.getActiveResourcesInfo().filter((type) => type === 'TCPSocketWrap').length;
  return { rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed, sockets };
}

async function server() {
  const { readConfig } = await import('../../src/server/config.js');
  const { createNodeProxy } = await import('../../src/server/node.js');
  const { createLogger } = await import('../../src/server/log.js');
  const garment = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#1f2a44' } })
    .png()
    .toBuffer();
  const garments = await new Promise<string>((resolve) =>
    serve({ fetch: () => new Response(new Uint8Array(garment), { headers: { 'content-type': 'image/png' } }), port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve(`127.0.0.1:${info.port}`),
    ),
  );
  const config = readConfig(
    {
      FITTING_ROOM_SECRET: SECRET,
      FITTING_ROOM_ALLOWED_ORIGINS: ORIGIN,
      FITTING_ROOM_GARMENT_HOSTS: garments,
      FITTING_ROOM_DATA_DIR: process.env.DATA_DIR,
      FITTING_ROOM_SANDBOX_DURATION_MS: '50',
    },
    { dev: true },
  );
  const proxy = await createNodeProxy(config, { log: createLogger({ write: () => undefined }) });
  const url = await new Promise<string>((resolve) => serve({ fetch: proxy.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(`http://127.0.0.1:${info.port}`)));
  process.on('message', (message: string) => {
    if (message === 'memory') process.send!(measure());
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ url, garment: `http://${garments}/tee.png` });
}

/** Opens a stream and resolves with its socket and status once the head has arrived; the body is never read. */
function openAbandoned(url: URL, path: string, token: string): Promise<{ socket: Socket; status: number }> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nOrigin: ${ORIGIN}\r\nAuthorization: Bearer ${token}\r\nAccept: text/event-stream\r\nLast-Event-ID: 999\r\n\r\n`);
    });
    socket.once('data', (chunk) => {
      socket.pause();
      resolve({ socket, status: Number(/^HTTP\/1\.1 (\d{3})/.exec(chunk.toString('latin1'))?.[1] ?? 0) });
    });
    socket.on('error', reject);
  });
}

async function main(streams: number) {
  const dataDir = await mkdtemp(join(tmpdir(), 'fitting-room-abandoned-'));
  const child = fork(new URL(import.meta.url).pathname, ['server'], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    env: { ...process.env, DATA_DIR: dataDir },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const next = <T>() => new Promise<T>((resolve) => child.once('message', (message) => resolve(message as T)));
  const memory = () => {
    child.send('memory');
    return next<Memory>();
  };
  const sockets: Socket[] = [];
  try {
    const { url, garment } = await next<{ url: string; garment: string }>();
    const headers = { origin: ORIGIN };
    const { token } = (await (await fetch(`${url}/session`, { method: 'POST', headers })).json()) as SessionGrant;
    const auth = { ...headers, authorization: `Bearer ${token}` };
    const form = new FormData();
    form.append(
      'person',
      new Blob([
        await sharp({ create: { width: 300, height: 400, channels: 3, background: '#c9b8a0' } })
          .jpeg()
          .toBuffer(),
      ]),
      'me.jpg',
    );
    form.append('garment', garment);
    const job = (await (await fetch(`${url}/jobs`, { method: 'POST', headers: auth, body: form })).json()) as JobCreated;
    for (let view: JobView | undefined; view?.status !== 'succeeded'; await new Promise((resolve) => setTimeout(resolve, 100))) {
      view = (await (await fetch(`${url}/jobs/${job.id}`, { headers: auth })).json()) as JobView;
      if (view.status === 'failed') throw new Error('the job failed');
    }
    const before = await memory();
    const statuses: Record<number, number> = {};
    for (let opened = 0; opened < streams; opened += 50) {
      const batch = await Promise.all(Array.from({ length: Math.min(50, streams - opened) }, () => openAbandoned(new URL(url), `/jobs/${job.id}/events`, token)));
      for (const { socket, status } of batch) {
        sockets.push(socket);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }
    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
    const delta = (bytes: number) => `${bytes >= 0 ? '+' : ''}${mb(bytes)}`;
    const since = (now: Memory) => ({ rss: delta(now.rss - before.rss), heap: delta(now.heapUsed - before.heapUsed), sockets: now.sockets });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const soon = await memory();
    // Past Node's keep-alive timeout (5 s): an ended stream's idle connection is closed by then.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const later = await memory();
    console.log(
      JSON.stringify({ streams, statuses, before: { rss: mb(before.rss), heap: mb(before.heapUsed), sockets: before.sockets }, after2s: since(soon), after7s: since(later) }),
    );
  } finally {
    for (const socket of sockets) socket.destroy();
    child.kill('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'server') await server();
else await main(Number(process.argv[2] ?? 2000));
