/**
 * Shared bits of `npm run bench`: statistics, the system Chromium, the machine's facts, and
 * a tiny static file server for bench pages.
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, cpus, freemem, loadavg, platform, release, totalmem } from 'node:os';
import { extname } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const CHROME_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';
export const CHROME_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const launchChromium = (): Promise<Browser> => chromium.launch({ executablePath: CHROME_PATH, args: CHROME_ARGS });

/**
 * tsx compiles with esbuild's keepNames, which wraps named functions in `__name(…)`; functions
 * handed to page.evaluate / addInitScript carry those calls into the page. Install this
 * (context.addInitScript({ content: NAME_SHIM })) before any of them runs.
 */
export const NAME_SHIM = 'globalThis.__name ??= (fn) => fn;';

/** A new browser context that can run this file's functions in its pages. */
export async function newContext(browser: Browser, options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  await context.addInitScript({ content: NAME_SHIM });
  return context;
}

// ---------------------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------------------

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);

export function median(values: number[]): number {
  if (!values.length) return NaN;
  const s = sorted(values);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0..100): with few samples p95 is close to the maximum, never an interpolation below it. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const s = sorted(values);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export const round = (value: number, digits = 1): number => (Number.isFinite(value) ? Math.round(value * 10 ** digits) / 10 ** digits : value);
export const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------
// The machine
// ---------------------------------------------------------------------------------------

export interface Machine {
  date: string;
  cpu: string;
  cores: number;
  /** What Node may use (cgroup/affinity aware). */
  availableParallelism: number;
  ramGiB: number;
  freeRamGiB: number;
  os: string;
  node: string;
  chromium: string;
  loadAverage?: number[];
}

export async function describeMachine(browser: Browser): Promise<Machine> {
  const cpuList = cpus();
  let os = `${platform()} ${release()}`;
  try {
    const pretty = /PRETTY_NAME="([^"]+)"/.exec(await readFile('/etc/os-release', 'utf8'))?.[1];
    if (pretty) os = `${pretty} (${os})`;
  } catch {
    // Not Linux: the platform name will do.
  }
  let cpu = cpuList[0]?.model.trim() ?? 'unknown';
  if (!cpu || cpu === 'unknown') {
    try {
      cpu = /Model name:\s*(.+)/.exec(execFileSync('lscpu', { encoding: 'utf8' }))?.[1]?.trim() ?? cpu;
    } catch {
      // lscpu missing.
    }
  }
  return {
    date: new Date().toISOString(),
    cpu,
    cores: cpuList.length,
    availableParallelism: availableParallelism(),
    ramGiB: round(totalmem() / 2 ** 30, 1),
    freeRamGiB: round(freemem() / 2 ** 30, 1),
    os,
    node: process.version,
    chromium: browser.version(),
    loadAverage: loadavg().map((value) => round(value, 2)),
  };
}

// ---------------------------------------------------------------------------------------
// A static file server for bench pages
// ---------------------------------------------------------------------------------------

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

/** Serves `routes` (URL path → file path or page text) on 127.0.0.1; unknown paths are 404. */
export async function serveFiles(
  routes: (path: string) => { file: string } | { text: string; type: string } | undefined,
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://bench').pathname;
    const route = routes(path);
    try {
      if (!route) throw new Error('not found');
      const body = 'file' in route ? await readFile(route.file) : Buffer.from(route.text);
      const type = 'file' in route ? (TYPES[extname(route.file)] ?? 'application/octet-stream') : route.type;
      response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Logs a progress line to stderr (stdout stays for the summary). */
export const note = (message: string): void => void process.stderr.write(`[bench] ${message}\n`);
