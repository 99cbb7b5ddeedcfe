/**
 * The watch loop every adapter uses (stream first, polling after, the result downloaded
 * here), and `allOrNothing` for parallel uploads.
 */
import { sleep } from '../../../shared/sleep.js';
import { ProviderError, type ProviderFailure, type ProviderUpdate } from '../types.js';
import { failure, toFailure } from './failures.js';
import type { Upstream } from './http.js';
import type { ImageBytes } from './image-bytes.js';

/** One observation of an upstream job in our vocabulary; `R` is how the provider hands over its result. */
export type JobState<R> = { status: 'queued' | 'running'; progress?: number } | { status: 'succeeded'; result: R } | { status: 'failed'; error: ProviderFailure };

export interface WatchPlan<R> {
  upstream: Upstream;
  upstreamId: string;
  signal: AbortSignal;
  /** One status read (the status endpoint, mapped). */
  poll: (signal: AbortSignal) => Promise<JobState<R>>;
  /**
   * Live updates, tried first. Yielding a terminal state ends the watch with it; ending or
   * throwing (anything but the abort) switches to polling, whose first read is immediate.
   */
  stream?: (signal: AbortSignal) => AsyncIterable<JobState<R>>;
  /** Turns the provider's result handle into image bytes. */
  fetchResult: (result: R, signal: AbortSignal) => Promise<ImageBytes>;
}

/**
 * The watch loop every adapter uses: stream (when the provider has one), else poll at
 * `pollMs` growing to `pollMaxMs`; a poll that fails transiently is retried up to
 * `maxPollFailures` times; repeated updates are not yielded twice; the result image is
 * downloaded here so the adapter yields exactly one terminal update. Ends with the
 * caller's abort reason when aborted, and with a PROVIDER_ERROR failure after
 * `watchTimeoutMs`.
 */
export async function* watchJob<R>(plan: WatchPlan<R>): AsyncGenerator<ProviderUpdate> {
  const { upstream, signal } = plan;
  const { timing, log } = upstream;
  const deadline = new AbortController();
  const deadlineTimer = setTimeout(() => deadline.abort(), timing.watchTimeoutMs);
  deadlineTimer.unref?.();
  const watchSignal = AbortSignal.any([signal, deadline.signal]);
  let last = '';
  const fresh = (state: { status: string; progress?: number }) => {
    const key = `${state.status}:${state.progress == null ? '' : Math.round(state.progress * 100)}`;
    if (key === last) return false;
    last = key;
    return true;
  };
  const progressOf = (state: { status: 'queued' | 'running'; progress?: number }): ProviderUpdate =>
    state.progress == null ? { status: state.status } : { status: state.status, progress: state.progress };

  let terminal: Extract<JobState<R>, { status: 'succeeded' | 'failed' }> | undefined;
  try {
    if (plan.stream) {
      try {
        for await (const state of plan.stream(watchSignal)) {
          if (state.status === 'succeeded' || state.status === 'failed') {
            terminal = state;
            break;
          }
          if (fresh(state)) yield progressOf(state);
        }
        if (!terminal) log.debug('provider.stream_ended', { upstreamId: plan.upstreamId });
      } catch (error) {
        if (watchSignal.aborted) throw error;
        log.warn('provider.stream_fallback', { upstreamId: plan.upstreamId, reason: toFailure(error).detail ?? 'stream failed', next: 'polling' });
      }
    }

    let interval = timing.pollMs;
    let failures = 0;
    let firstPoll = true;
    while (!terminal) {
      if (!firstPoll) {
        await sleep(interval, watchSignal);
        interval = Math.min(timing.pollMaxMs, interval * 1.5);
      }
      firstPoll = false;
      let state: JobState<R>;
      try {
        state = await plan.poll(watchSignal);
        failures = 0;
      } catch (error) {
        if (watchSignal.aborted) throw error;
        const fault = toFailure(error);
        if (fault.retryable && !fault.creditsExhausted && ++failures < timing.maxPollFailures) {
          log.warn('provider.poll_failed', { upstreamId: plan.upstreamId, code: fault.code, providerCode: fault.providerCode, detail: fault.detail, failures });
          const retryAfter = error instanceof ProviderError && error.retryAfter ? error.retryAfter * 1000 : 0;
          if (retryAfter > interval) await sleep(Math.min(retryAfter, timing.maxRetryAfterMs), watchSignal);
          continue;
        }
        // The job's own state is unknown: it may still be running upstream, or have succeeded.
        terminal = { status: 'failed', error: { ...fault, outcomeUnknown: true } };
        break;
      }
      if (state.status === 'succeeded' || state.status === 'failed') terminal = state;
      else if (fresh(state)) yield progressOf(state);
    }

    if (terminal.status === 'failed') {
      yield { status: 'failed', error: upstream.clean(terminal.error) };
      return;
    }
    let image: ImageBytes;
    try {
      image = await plan.fetchResult(terminal.result, watchSignal);
    } catch (error) {
      if (watchSignal.aborted) throw error;
      // The job succeeded upstream (and was billed); only its image is missing.
      yield { status: 'failed', error: upstream.clean({ ...toFailure(error), outcomeUnknown: true }) };
      return;
    }
    yield { status: 'succeeded', image };
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (deadline.signal.aborted) {
      yield {
        status: 'failed',
        error: failure('PROVIDER_ERROR', true, { providerCode: 'TIMEOUT', detail: `no terminal status within ${timing.watchTimeoutMs} ms`, outcomeUnknown: true }),
      };
      return;
    }
    throw error;
  } finally {
    clearTimeout(deadlineTimer);
  }
}

/**
 * Runs calls side by side (uploads); the first failure aborts the others, so nothing keeps
 * retrying in the background for a submit that has already failed.
 */
export async function allOrNothing<T>(signal: AbortSignal, tasks: ((signal: AbortSignal) => Promise<T>)[]): Promise<T[]> {
  const group = new AbortController();
  const groupSignal = AbortSignal.any([signal, group.signal]);
  try {
    return await Promise.all(
      tasks.map((task) =>
        task(groupSignal).catch((error: unknown) => {
          group.abort(error);
          throw error;
        }),
      ),
    );
  } finally {
    group.abort();
  }
}
