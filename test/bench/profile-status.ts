/**
 * Where a status poll's time goes: `npx tsx test/bench/profile-status.ts [seconds]`.
 *
 * Runs the built proxy (dist/server: `npx vite build --mode proxy` first) in a process of its
 * own under `--cpu-prof`, loads `GET /jobs/{id}` as the bench does, and prints the process's
 * CPU time per request and the functions with the most self time, shared out of it by samples
 * (µs per request; the profiler's own cost inflates every figure alike). `writev` is the
 * socket write, which a bare node:http server pays too; the start-up (module loading) shows as
 * a few fixed entries. Prints only; the profile is left in a temporary directory.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobView } from '../../src/contract.js';
import { sleep } from './lib.js';
import { ORIGIN, baseEnv, createJob, run, session, startChild } from './proxy.js';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
}

const seconds = Number(process.argv[2] ?? 6);
const profiles = await mkdtemp(join(tmpdir(), 'fitting-room-profile-'));
const proxy = await startChild('proxy', baseEnv(await mkdtemp(join(tmpdir(), 'fitting-room-bench-')), 200), ['--cpu-prof', `--cpu-prof-dir=${profiles}`]);
const token = await session(proxy.url);
const headers = { origin: ORIGIN, authorization: `Bearer ${token}` };
const { id } = await createJob(proxy.url, token, proxy.garmentUrl!, 1);
while (!['succeeded', 'failed'].includes(((await (await fetch(`${proxy.url}/jobs/${id}`, { headers })).json()) as JobView).status)) await sleep(100);

/** User + system CPU time of the proxy's process so far, in µs (Linux clock ticks of 10 ms). */
const cpuMicros = () => {
  const fields = readFileSync(`/proc/${proxy.process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
};
await run({ url: `${proxy.url}/jobs/${id}`, connections: 16, duration: 2, headers });
const before = cpuMicros();
const result = await run({ url: `${proxy.url}/jobs/${id}`, connections: 16, duration: seconds, headers });
const perRequest = (cpuMicros() - before) / result.requests.total;
proxy.process.send({ cmd: 'exit' });
await new Promise((resolve) => proxy.process.once('exit', resolve));

const file = readdirSync(profiles).filter((name) => name.endsWith('.cpuprofile'));
const profile = JSON.parse(readFileSync(join(profiles, file.sort().at(0)!), 'utf8')) as CpuProfile;
const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
const self = new Map<string, number>();
let busy = 0;
for (const sample of profile.samples) {
  const frame = frames.get(sample)!;
  if (frame.functionName === '(idle)') continue;
  busy++;
  const name = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/dist\//, 'dist/')}:${frame.lineNumber + 1}`;
  self.set(name, (self.get(name) ?? 0) + 1);
}
const print = (line: string) => process.stdout.write(`${line}\n`);
print(`GET /jobs/{id}: ${Math.round(result.requests.average)} req/s, proxy process CPU ${perRequest.toFixed(2)} µs per request (profiled); profile in ${profiles}`);
for (const [name, count] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) print(`${((count / busy) * perRequest).toFixed(3).padStart(8)} µs  ${name}`);
process.exit(0);
