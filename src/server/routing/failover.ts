/**
 * When a job may move to the next provider of its route, and why. The rule that keeps a job
 * from being billed twice: move on only when the attempt definitely did not and will not
 * succeed upstream —
 *
 * - the submit was refused: an HTTP answer (5xx after retries, 429 beyond the wait budget,
 *   402 out of credits, 401/403) or a refused connection. A submit that got no answer (a
 *   timeout, a connection cut after sending) may have created the job: `outcomeUnknown`, no move;
 * - the upstream job reported its own failure;
 * - the proxy lost sight of a submitted job (polls failing, the watch timing out, the result
 *   download failing — `outcomeUnknown`) and the provider canceled it on request. A provider
 *   without cancellation keeps the job where it is: it ends failed, as with one provider.
 *
 * A provider's verdict on the job itself (a bad photo, a policy refusal, an unsupported
 * category) is never retried elsewhere: another provider would be asked the same question.
 */
import type { RunRecord } from '../job-records.js';
import type { ProviderFailure } from '../providers/types.js';
import type { ProviderPool } from './pool.js';

/** Why a job left a provider (the `reason` label of `fitting_room_failovers_total`). */
export type FailoverReason = 'credits' | 'rate_limited' | 'timeout' | 'unreachable' | 'provider_error';

/** The failover reason of a failure that is the provider's trouble, or undefined for a verdict on the job. */
export function troubleOf(failure: ProviderFailure): FailoverReason | undefined {
  if (failure.creditsExhausted) return 'credits';
  if (failure.code === 'RATE_LIMITED') return 'rate_limited';
  if (failure.providerCode === 'TIMEOUT') return 'timeout';
  if (failure.providerCode === 'NETWORK') return 'unreachable';
  if (failure.code === 'PROVIDER_UNAVAILABLE' || failure.code === 'PROVIDER_ERROR' || failure.code === 'TEMPORARILY_UNAVAILABLE') return 'provider_error';
  return undefined;
}

/**
 * Where a run goes after `failure`, or undefined when it ends here: the failure is the
 * provider's verdict on the job, the run was stopped, its request is not at hand (a run
 * adopted after a restart), the upstream job may still succeed and cannot be canceled, or no
 * provider of the route is left. Feeds the provider's breaker either way.
 */
export async function nextProvider(
  pool: ProviderPool,
  run: RunRecord,
  failure: ProviderFailure,
  { stopped, canResend }: { stopped: boolean; canResend: boolean },
): Promise<string | undefined> {
  const provider = pool.adapter(run.provider!);
  await pool.record(provider.name, failure);
  if (stopped || !canResend || !troubleOf(failure)) return undefined;
  if (failure.outcomeUnknown) {
    if (!run.upstreamId || !provider.cancel) return undefined;
    try {
      await provider.cancel(run.upstreamId);
    } catch {
      return undefined;
    }
  }
  run.tried = [...(run.tried ?? []), provider.name];
  const next = await pool.choose(run.route ?? [provider.name], run.tried);
  return typeof next === 'string' ? next : undefined;
}

/**
 * The status and progress the shopper sees for an update. After a move the next provider
 * starts again from zero: the bar continues from where it was, and never goes back to queued.
 */
export function continuedProgress(
  run: Pick<RunRecord, 'status' | 'progress' | 'progressBase'>,
  update: { status: 'queued' | 'running'; progress?: number },
): Pick<RunRecord, 'status' | 'progress'> {
  const base = run.progressBase ?? 0;
  const progress = update.progress === undefined ? run.progress : Math.max(run.progress ?? 0, base + (1 - base) * update.progress);
  return { status: run.status === 'running' ? 'running' : update.status, progress };
}
