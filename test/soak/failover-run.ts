/**
 * The failover soak at full size (see failover-soak.ts); a short form runs in `npm test`.
 *
 *   node --import tsx test/soak/failover-run.ts [--jobs 300] [--seed 7] [--fault-every-ms 1000]
 *
 * Prints the report and exits 1 when a job was lost or a run succeeded upstream twice.
 */
import { parseArgs } from 'node:util';
import { runFailoverSoak } from './failover-soak.js';

const { values } = parseArgs({ options: { jobs: { type: 'string' }, seed: { type: 'string' }, 'fault-every-ms': { type: 'string' } } });
const jobs = Number(values.jobs ?? 300);
const report = await runFailoverSoak({
  jobs,
  rampMs: jobs * 50,
  jobMs: 800,
  faultEveryMs: Number(values['fault-every-ms'] ?? 1_000),
  followTimeoutMs: 40_000,
  seed: Number(values.seed ?? 7),
});
console.log(JSON.stringify(report, null, 1));
process.exit(report.lost === 0 && report.doubleSuccesses === 0 && report.unmatched === 0 ? 0 : 1);
