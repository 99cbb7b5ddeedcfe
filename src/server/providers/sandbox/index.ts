import type { ErrorCode } from '../../../contract.js';
import { randomId } from '../../session.js';
import type { ProviderAdapter, ProviderFactory, ProviderUpdate, TryOnRequest } from '../types.js';
import { compositePreview } from './composite.js';

export interface SandboxOptions {
  /** Fixed job duration; a realistic random 3–6 s when unset. */
  durationMs?: number;
}

/** Product ids that make a sandbox job fail part-way, so the error path can be shown. */
const FAILURES: [prefix: string, code: ErrorCode, message: string][] = [
  ['sandbox-fail-unavailable', 'PROVIDER_UNAVAILABLE', 'Try-on is unavailable right now.'],
  ['sandbox-fail', 'TRYON_FAILED', 'The try-on did not work this time.'],
];

const TICKS = 12;

/**
 * The provider that needs no account: it composites the garment onto the photo locally
 * (see composite.ts), takes a realistic few seconds with honest progress, and marks its
 * images as previews. A product id starting with `sandbox-fail` fails the job part-way.
 */
export function createSandbox({ durationMs }: SandboxOptions = {}): ProviderAdapter {
  const pending = new Map<string, TryOnRequest>();
  return {
    name: 'sandbox',
    maxGarments: 1,
    async submit(request) {
      const upstreamId = randomId();
      pending.set(upstreamId, request);
      return { upstreamId };
    },
    async *watch(upstreamId, signal): AsyncGenerator<ProviderUpdate> {
      const request = pending.get(upstreamId);
      pending.delete(upstreamId);
      if (!request) return yield { status: 'failed', error: { code: 'JOB_NOT_FOUND', retryable: false, detail: 'unknown sandbox job' } };
      const total = durationMs ?? 3000 + Math.random() * 3000;
      const failure = FAILURES.find(([prefix]) => request.productId?.startsWith(prefix));
      yield { status: 'queued' };
      await delay(total * 0.15, signal);
      for (let tick = 1; tick <= TICKS; tick++) {
        const progress = tick / (TICKS + 1);
        if (failure && progress > 0.55) {
          const [, code, message] = failure;
          return yield { status: 'failed', error: { code, message, retryable: code === 'TRYON_FAILED', providerCode: 'SANDBOX_TRIGGERED_FAILURE' } };
        }
        yield { status: 'running', progress };
        await delay((total * 0.85) / TICKS, signal);
      }
      const bytes = await compositePreview(request.person.bytes, request.garments[0]!.bytes, request.category);
      yield { status: 'succeeded', image: { bytes, contentType: 'image/jpeg' }, preview: true };
    },
    async cancel(upstreamId) {
      pending.delete(upstreamId);
    },
  };
}

export const sandboxFactory: ProviderFactory = (env) => {
  const duration = env.FITTING_ROOM_SANDBOX_DURATION_MS;
  return createSandbox({ durationMs: duration ? Number(duration) : undefined });
};

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => (clearTimeout(timer), reject(signal.reason));
    const timer = setTimeout(() => (signal.removeEventListener('abort', onAbort), resolve()), ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
