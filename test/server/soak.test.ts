import { describe, expect, it } from 'vitest';
import { runFailoverSoak } from '../soak/failover-soak.js';
import { runSoak, type SoakOptions } from '../soak/soak.js';

/**
 * The short form of `npm run soak` (test/soak/): the same machinery, bounded. Try-ons through
 * the five provider emulators with 10 % injected faults, then one of two instances on a real
 * redis-server replaced mid-run behind a balancer. Every job must end where its shopper's
 * client (the widget's own ProxyClient) sees it, and nothing may crash. Last, the failover
 * soak (test/soak/failover-soak.ts): three providers going down at random behind one proxy.
 */
const SHORT: SoakOptions = {
  jobs: 50,
  faultRate: 0.1,
  restartJobs: 20,
  restartRouting: ['sticky'],
  jobMs: 600,
  rampMs: 1_000,
  followTimeoutMs: 30_000,
  restartFollowTimeoutMs: 20_000,
  seed: 7,
  log: () => undefined,
};

describe('soak, short form', () => {
  it('50 try-ons over five providers with 10 % faults, then a restart on Redis: no job lost, no crash', { timeout: 120_000 }, async () => {
    const report = await runSoak(SHORT);
    const { faultRun } = report;
    expect(faultRun.created, JSON.stringify(faultRun.notCreated)).toBe(SHORT.jobs);
    expect(faultRun.lost, faultRun.lostExamples.join('\n')).toBe(0);
    expect(faultRun.terminal).toBe(SHORT.jobs);
    expect(faultRun.disagreements).toBe(0);
    const [restart] = report.restarts;
    expect(restart!.created).toBe(SHORT.restartJobs);
    expect(restart!.createdBeforeRestart).toBeGreaterThan(0);
    expect(restart!.lost, restart!.lostExamples.join('\n')).toBe(0);
    expect(report.crashes).toEqual([]);
    expect(report.internalErrors).toBe(0);
    expect(report.healthy).toBe(true);
  });

  // `split` routing puts every stream on the instance that did not start the job: when the
  // starting instance stops, only the streams' own orphan checks can finish the jobs.
  it('restart with streams on the surviving instance: every job created before it ends', { timeout: 60_000 }, async () => {
    const report = await runSoak({ ...SHORT, jobs: 0, restartJobs: 10, restartRouting: ['split'], restartFollowTimeoutMs: 8_000 });
    expect(report.crashes).toEqual([]);
    expect(report.restarts[0]!.lost, report.restarts[0]!.lostExamples.join('\n')).toBe(0);
  });

  it('60 try-ons over three providers going down at random: failovers happen, no job lost, none billed twice', { timeout: 60_000 }, async () => {
    const report = await runFailoverSoak({ jobs: 60, rampMs: 3_000, jobMs: 300, faultEveryMs: 250, followTimeoutMs: 25_000, seed: 11 });
    expect(report.created).toBe(report.jobs - Object.values(report.notCreated).reduce((sum, n) => sum + n, 0));
    expect(report.lost, JSON.stringify(report)).toBe(0);
    expect(report.doubleSuccesses, JSON.stringify(report)).toBe(0);
    expect(report.unmatched).toBe(0);
    expect(
      Object.values(report.failovers).reduce((sum, n) => sum + n, 0),
      JSON.stringify(report),
    ).toBeGreaterThan(0);
    expect(report.byStatus.succeeded).toBeGreaterThan(report.jobs / 2);
  });
});
