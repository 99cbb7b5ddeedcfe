import type { ErrorCode } from '../../../contract.js';
import { sleep } from '../../../shared/sleep.js';
import { randomId } from '../../session.js';
import { BRIEF_SHOPPER_TEXT } from '../../shopper-text.js';
import { defineProvider } from '../define.js';
import { milliseconds } from '../settings.js';
import type { ProviderAdapter, ProviderUpdate, TryOnRequest } from '../types.js';
import { compositePreview } from './composite.js';

export interface SandboxOptions {
  /** Fixed job duration; a realistic random 3–6 s when unset. */
  durationMs?: number;
}

/** Product ids that make a sandbox job fail part-way, so the error path can be shown. */
const FAILURES: [prefix: string, code: ErrorCode, message: string][] = [
  ['sandbox-fail-unavailable', 'PROVIDER_UNAVAILABLE', BRIEF_SHOPPER_TEXT.PROVIDER_UNAVAILABLE],
  ['sandbox-fail', 'TRYON_FAILED', BRIEF_SHOPPER_TEXT.TRYON_FAILED],
];

const QUEUED_SHARE = 0.15;
const FAIL_AT = 0.55;
const TICK_MS = 250;

interface SandboxJob {
  request: TryOnRequest;
  startedAt: number;
  durationMs: number;
}

/**
 * The provider that needs no account: it composites the garments onto the photo locally
 * (see composite.ts), takes a realistic few seconds with honest progress, and marks its
 * images as previews. A product id starting with `sandbox-fail` fails the job part-way.
 *
 * Like a real provider, a job runs on its own clock from submission: watching it again
 * (another proxy instance taking over) picks up where the job is, not where it started.
 */
export function createSandbox({ durationMs }: SandboxOptions = {}): ProviderAdapter {
  const jobs = new Map<string, SandboxJob>();
  return {
    name: 'sandbox',
    // A whole look in one job: each garment composited on its own body region.
    maxGarments: 4,
    async submit(request) {
      const upstreamId = randomId();
      jobs.set(upstreamId, { request, startedAt: Date.now(), durationMs: durationMs ?? 3000 + Math.random() * 3000 });
      return { upstreamId };
    },
    async *watch(upstreamId, signal): AsyncGenerator<ProviderUpdate> {
      const job = jobs.get(upstreamId);
      if (!job) return yield { status: 'failed', error: { code: 'JOB_NOT_FOUND', retryable: false, detail: 'unknown sandbox job' } };
      const failure = FAILURES.find(([prefix]) => job.request.productId?.startsWith(prefix));
      for (;;) {
        const elapsed = (Date.now() - job.startedAt) / job.durationMs;
        if (elapsed >= 1) break;
        if (failure && elapsed >= FAIL_AT) {
          jobs.delete(upstreamId);
          const [, code, message] = failure;
          return yield { status: 'failed', error: { code, message, retryable: code === 'TRYON_FAILED', providerCode: 'SANDBOX_TRIGGERED_FAILURE' } };
        }
        yield elapsed < QUEUED_SHARE ? { status: 'queued' } : { status: 'running', progress: Math.min(0.95, (elapsed - QUEUED_SHARE) / (1 - QUEUED_SHARE)) };
        await sleep(Math.min(TICK_MS, job.durationMs / 12), signal);
      }
      const { garments, categories, category } = job.request;
      const bytes = await compositePreview(
        job.request.person.bytes,
        garments.map((garment, index) => ({ garment: garment.bytes, category: categories?.[index] ?? category })),
      );
      jobs.delete(upstreamId);
      yield { status: 'succeeded', image: { bytes, contentType: 'image/jpeg' }, preview: true };
    },
    async cancel(upstreamId) {
      jobs.delete(upstreamId);
    },
  };
}

/** The sandbox as `FITTING_ROOM_PROVIDER=sandbox` (the default) runs it. Node only: the preview is composited with sharp. */
export const sandbox = defineProvider({
  name: 'sandbox',
  label: 'Sandbox',
  summary: 'No account: composites the garments onto the photo locally, each on its body region, and marks the result as a preview. Node only (sharp).',
  settings: {
    durationMs: milliseconds('FITTING_ROOM_SANDBOX_DURATION_MS', 'How long a sandbox job takes, in milliseconds.', 'random 3000–6000'),
  },
  create: ({ durationMs }) => createSandbox({ durationMs }),
});
