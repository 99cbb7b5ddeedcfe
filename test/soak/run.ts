/**
 * `npm run soak`: the full endurance run (see soak.ts) — 500 concurrent try-ons over the five
 * provider emulators with 10 % injected faults, then a restart of one of two instances on
 * Redis mid-run. Prints the figures, writes test/soak/results.json, and exits 1 when a job
 * was lost, something crashed, or memory and handles did not return to their baseline.
 * Run with --expose-gc (the npm script does) for the heap and handle checks.
 *
 *   npm run soak                       the full run
 *   npm run soak -- --jobs 100 --restart-jobs 30 --routing sticky
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { FULL_SOAK, runSoak, type SoakReport } from './soak.js';

const { values } = parseArgs({
  options: { jobs: { type: 'string' }, 'restart-jobs': { type: 'string' }, 'fault-rate': { type: 'string' }, seed: { type: 'string' }, routing: { type: 'string' } },
});
const options = {
  ...FULL_SOAK,
  ...(values.jobs ? { jobs: Number(values.jobs) } : {}),
  ...(values['restart-jobs'] ? { restartJobs: Number(values['restart-jobs']) } : {}),
  ...(values['fault-rate'] ? { faultRate: Number(values['fault-rate']) } : {}),
  ...(values.seed ? { seed: Number(values.seed) } : {}),
  ...(values.routing ? { restartRouting: values.routing.split(',') as typeof FULL_SOAK.restartRouting } : {}),
};

const report: SoakReport = await runSoak(options);
const date = new Date().toISOString();
writeFileSync(
  new URL('./results.json', import.meta.url),
  `${JSON.stringify({ date, machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version }, ...report }, null, 1)}\n`,
);

const f = report.faultRun;
const m = report.memory;
const checks: [string, boolean][] = [
  [`fault run: every created job ended where its shopper saw it (${f.terminal}/${f.created}, ${f.lost} lost)`, f.lost === 0 && f.created === f.shoppers],
  [`fault run: the shopper's end matches the proxy's (${f.disagreements} differ)`, f.disagreements === 0],
  ...report.restarts.map((r): [string, boolean] => [
    `restart, ${r.routing} routing: every job ended (${r.terminal}/${r.created}; ${r.createdBeforeRestart} created before the restart, ${r.resolvedAfterRestart} of them ended after it, ${r.lostBeforeRestart} lost)`,
    r.lost === 0 && r.created === r.shoppers,
  ]),
  [
    `no crash (${report.crashes.length} uncaught), no 500 INTERNAL from a proxy (${report.internalErrors}), healthy at the end`,
    report.crashes.length === 0 && report.internalErrors === 0 && report.healthy,
  ],
  m.gc
    ? [
        `memory and handles back to the baseline (heap ${((m.heapDeltaBytes ?? 0) / 2 ** 20).toFixed(2)} MB over it, extra handles ${JSON.stringify(m.extraResources)})`,
        m.returned === true,
      ]
    : ['memory and handles: skipped (run with node --expose-gc)', true],
];
const print = (line = '') => process.stdout.write(`${line}\n`);
print();
print(`Fitting Room soak, ${date} — ${cpus()[0]?.model}, ${cpus().length} cores, Node ${process.version}: ${report.seconds} s`);
print(
  `fault run: ${f.shoppers} try-ons in ${f.seconds} s — ${JSON.stringify(f.byStatus)}; failures by code ${JSON.stringify(f.failuresByCode)}; p50 ${f.p50Ms} ms, p95 ${f.p95Ms} ms, max ${f.maxMs} ms`,
);
print(`faults: ${report.faults.planned} injected — ${JSON.stringify(report.faults.injected)}`);
for (const r of report.restarts)
  print(
    `restart, ${r.routing} routing: ${r.shoppers} try-ons in ${r.seconds} s, A closed at ${r.restartAtMs} ms — ${JSON.stringify(r.byStatus)}; ${r.adoptions} runs adopted; requests per instance ${JSON.stringify(Object.values(r.sentPerInstance))}`,
  );
print(`proxy warnings/errors by event: ${JSON.stringify(report.proxyLog)}`);
print(`why runs failed: ${JSON.stringify(report.runFailures)}`);
for (const [name, ok] of checks) print(`  ${ok ? 'ok  ' : 'FAIL'}  ${name}`);
if (f.lostExamples.length) print(`lost: ${f.lostExamples.join('; ')}`);
for (const r of report.restarts) if (r.lostExamples.length) print(`lost in the ${r.routing} restart: ${r.lostExamples.join('; ')}`);
for (const crash of report.crashes.slice(0, 3)) print(`crash: ${crash}`);
print('Written: test/soak/results.json');
process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1;
