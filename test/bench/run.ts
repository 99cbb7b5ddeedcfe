/**
 * `npm run bench`: builds what it needs, measures size, host-page cost, photo preparation,
 * delivery and the proxy side by side in one run, and writes test/bench/results.md and
 * test/bench/results.json. Prints each goal and how far the figure is from it. It never
 * fails on a missed goal (exit 0); it fails only when it cannot measure.
 *
 *   npm run bench                 everything (≈ 3–4 minutes on 2 cores)
 *   npm run bench -- --no-build   reuse dist/ as it is
 *   npm run bench -- --quick      fewer runs, shorter loads (a smoke test of the bench itself)
 *   npm run bench -- --only proxy the proxy part alone (builds only dist/server), printed, nothing written
 *   npm run bench -- --only collector   the analytics collector alone (POST /events), printed
 *   npm run bench -- --only marking  what marking results as AI-generated adds (bytes, ms), printed, nothing written
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDemoAssets } from '../../demo/assets.js';
import { measureDelivery } from './delivery.js';
import { measureHostPage } from './host-page.js';
import { describeMarking, measureMarking } from './marking.js';
import { ROOT, describeMachine, launchChromium, note, round } from './lib.js';
import { demoPhonePhoto, measurePhoto, realisticPhonePhoto } from './photo.js';
import { collectorLoad, measureProxy } from './proxy.js';
import { judge, markdown, type BenchResults } from './report.js';
import { measureSizes } from './size.js';

const { values: flags } = parseArgs({ options: { 'no-build': { type: 'boolean' }, quick: { type: 'boolean' }, only: { type: 'string' } } });
const quick = !!flags.quick;
if (flags.only !== undefined && !['proxy', 'collector', 'marking'].includes(flags.only)) throw new Error(`--only takes "proxy", "collector" or "marking", not "${flags.only}"`);

// The demo's proxy logs a JSON line per request with console.log; the bench prints its own
// summary on stdout with process.stdout.write.
console.log = () => undefined;

const started = Date.now();
const seconds: Record<string, number> = {};
async function timed<T>(part: string, work: () => Promise<T>): Promise<T> {
  const at = Date.now();
  note(`${part}…`);
  try {
    return await work();
  } finally {
    seconds[part] = round((Date.now() - at) / 1000, 1);
  }
}

const measureProxyPart = () => timed('proxy', () => (quick ? measureProxy({ durationS: 2, rounds: 1, streams: 200, createJobs: 24 }) : measureProxy()));

const printCollector = ({ collector: c }: Pick<Awaited<ReturnType<typeof measureProxy>>, 'collector'>) =>
  process.stdout.write(
    `POST /events: ${c.requestsPerSecond} batches/s × ${c.eventsPerBatch} = ${c.eventsPerSecond} events/s, p50 ${c.p50Ms} ms, p99 ${c.p99Ms} ms (${c.connections} connections, ${c.durationS} s)\n`,
  );

if (flags.only === 'collector') {
  if (!flags['no-build']) execFileSync('npx', ['vite', 'build', '--mode', 'proxy'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  printCollector({ collector: await timed('collector', () => collectorLoad(quick ? 2 : 6, 16)) });
  process.exit(0);
}

if (flags.only === 'marking') {
  for (const line of describeMarking(await measureMarking({ count: quick ? 3 : 20 }))) process.stdout.write(`${line}\n`);
  process.exit(0);
}

if (flags.only === 'proxy') {
  // Iterating on the proxy: its figures only, without the browser parts (≈ 80 s instead of 4 minutes).
  if (!flags['no-build']) execFileSync('npx', ['vite', 'build', '--mode', 'proxy'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  const { status, sse, create, collector } = await measureProxyPart();
  printCollector({ collector });
  const print = (line: string) => process.stdout.write(`${line}\n`);
  print(`GET /jobs/{id}: proxy ${status.proxyRps} req/s, bare ${status.bareRps}, hono ${status.honoRps}: proxy ${status.ratio}× bare, hono ${status.honoRatio}× bare`);
  print(
    `SSE: ${sse.streams} streams, per stream ${round(sse.perStreamHeapBytes / 1024, 1)} KB heap, ${round(sse.perStreamRssBytes / 1024, 1)} KB RSS; sockets after close ${sse.socketsAfterClose}`,
  );
  print(`POST /jobs: ${create.requestsPerSecond} req/s, p50 ${create.p50Ms} ms, non-2xx ${create.non2xx}, errors ${create.errors}`);
  print(
    `load average ${loadavg()
      .map((value) => round(value, 2))
      .join(' ')}`,
  );
  process.exit(0);
}

await timed('build', async () => {
  if (!flags['no-build']) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  await ensureDemoAssets();
});

const browser = await launchChromium();
let results: BenchResults;
try {
  const machine = await describeMachine(browser);
  const sizes = await timed('size', () => measureSizes());
  const hostPage = await timed('host page', () => measureHostPage(browser, { runs: quick ? 2 : 7 }));
  const photo = await timed('photo', async () => ({
    realistic: await measurePhoto(browser, await realisticPhonePhoto(), { runs: quick ? 2 : 7 }),
    demo: await measurePhoto(browser, await demoPhonePhoto(), { runs: quick ? 2 : 5 }),
  }));
  const delivery = await timed('delivery', () => measureDelivery(browser, { runs: quick ? 2 : 12 }));
  await browser.close();
  const proxy = await measureProxyPart();
  const marking = await timed('marking', () => measureMarking({ count: quick ? 3 : 20 }));
  results = { machine, loadAverageAtEnd: loadavg().map((value) => round(value, 2)), seconds, sizes, hostPage, photo, delivery, proxy, marking };
} finally {
  await browser.close().catch(() => undefined);
}
seconds.total = round((Date.now() - started) / 1000, 1);

const goals = judge(results);
const out = join(ROOT, 'test/bench');
writeFileSync(join(out, 'results.json'), `${JSON.stringify({ ...results, goals }, null, 1)}\n`);
writeFileSync(join(out, 'results.md'), markdown(results, goals));

const print = (line = '') => process.stdout.write(`${line}\n`);
print();
print(`Fitting Room bench, ${results.machine.date} — ${results.machine.cpu}, ${results.machine.cores} cores, Node ${results.machine.node}, Chromium ${results.machine.chromium}`);
print(`${goals.filter((item) => item.met).length} of ${goals.length} goals met (${seconds.total} s):`);
for (const item of goals) print(`  ${item.met ? 'met ' : 'MISS'}  ${item.name}: ${item.distance}`);
print();
print('Written: test/bench/results.md, test/bench/results.json');
