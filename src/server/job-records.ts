/**
 * What the job service keeps in the shared state, and how: records of jobs and of upstream
 * runs, their keys, and what is derived from them (the browser's view, the run key).
 */
import type { Category, JobError, JobStatus, JobView } from '../contract.js';
import { TERMINAL_STATUSES } from '../contract.js';
import { sha256Hex } from '../shared/sha256.js';
import type { PreparedImage } from './providers/types.js';
import type { FailoverReason } from './routing/failover.js';

export interface JobInput {
  /** The shopper's stored photo; absent when the job is on a model. */
  personRef?: string;
  /** A model of the merchant's gallery (models/gallery.ts), instead of a photo. */
  modelId?: string;
  garments: { bytes: Uint8Array; contentType: PreparedImage['contentType'] }[];
  /** The first garment's category. */
  category: Category;
  /** One per garment, in order; absent = `category` for every garment. */
  categories?: Category[];
  productId?: string;
  variantId?: string;
}

/** One shopper's try-on, as the browser knows it. Several jobs may share one upstream run. */
export interface JobRecord {
  id: string;
  sessionId: string;
  status: JobStatus;
  progress?: number;
  error?: JobError;
  preview?: boolean;
  personRef?: string;
  modelId?: string;
  /** The run whose state the job shows (on a chained look: the current step's). */
  runKey: string;
  /** A chained look: the hidden jobs of its steps, in order (runs/look-chain.ts). */
  steps?: string[];
  step?: { index: number; count: number };
  resultKey?: string;
  expiresAt: number;
  /** The provider of the job's run (server-side only: logs, metrics, tests). */
  provider?: string;
  /** The job's moves from one provider to the next; never sent to the browser. */
  failovers?: Failover[];
}

/** One move of a run to the next provider of its route. */
export interface Failover {
  from: string;
  to: string;
  reason: FailoverReason;
  at: number;
}

/**
 * One upstream try-on, keyed by the hash of everything that determines its image (photo,
 * garments, category, provider). Identical requests attach to the same run while it works
 * and reuse its result afterwards: a repeat try-on costs no credits and is immediate.
 */
export interface RunRecord {
  key: string;
  status: JobStatus;
  progress?: number;
  upstreamId?: string;
  resultKey?: string;
  preview?: boolean;
  error?: JobError;
  garmentKeys: string[];
  startedAt: number;
  expiresAt: number;
  /** The providers the run may use, in order (its category's route). */
  route?: string[];
  /** The provider working on it now, and the ones it already left. */
  provider?: string;
  tried?: string[];
  failovers?: Failover[];
  /** Progress shown when the run last moved on: the next provider's progress continues from it. */
  progressBase?: number;
}

/** What listeners receive: the new view and its event id. */
export interface JobEvent {
  id: number;
  view: JobView;
}

/** Shared-state keys; every one expires with its record. */
export const keys = {
  job: (id: string) => `job:${id}`,
  events: (id: string) => `job:${id}:events`,
  final: (id: string) => `job:${id}:final`,
  person: (ref: string) => `person:${ref}`,
  idempotency: (sessionId: string, key: string) => `idem:${sessionId}:${key}`,
  run: (key: string) => `run:${key}`,
  runJobs: (key: string) => `run:${key}:jobs`,
  lease: (key: string) => `run:${key}:lease`,
};

export const isTerminal = (status: JobStatus) => TERMINAL_STATUSES.includes(status);

export function runView(run: RunRecord): Partial<JobRecord> & { status: JobStatus } {
  return { status: run.status, progress: run.progress, error: run.error, preview: run.preview, resultKey: run.resultKey, provider: run.provider, failovers: run.failovers };
}

export function viewOf(job: Pick<JobRecord, 'id' | 'status' | 'progress' | 'error' | 'preview' | 'step'>): JobView {
  const view: JobView = { id: job.id, status: job.status };
  if (job.progress !== undefined) view.progress = job.progress;
  if (job.step && !isTerminal(job.status)) view.step = job.step;
  if (job.status === 'succeeded') view.resultUrl = `results/${job.id}`;
  if (job.error) view.error = job.error;
  if (job.preview) view.preview = true;
  return view;
}

const viewTexts = new WeakMap<object, string>();

/**
 * `viewOf` as JSON: the body of a status answer. Made once for a frozen record (the shared
 * ones `JobService.get` returns), which cannot change afterwards.
 */
export function viewJson(job: Readonly<JobRecord>): string {
  const known = viewTexts.get(job);
  if (known !== undefined) return known;
  const text = JSON.stringify(viewOf(job));
  if (Object.isFrozen(job)) viewTexts.set(job, text);
  return text;
}

export function defaultMessage(code: string): string {
  if (code === 'CATEGORY_LIMIT_REACHED') return 'Try-on for this kind of item has reached its limit for today.';
  return code === 'PROVIDER_UNAVAILABLE' ? 'Try-on is unavailable right now.' : 'The try-on did not work this time.';
}

/** SHA-256 over length-prefixed parts, hex: the result cache's key. */
export async function hashParts(parts: (string | Uint8Array)[]): Promise<string> {
  const encoded = parts.map((part) => (typeof part === 'string' ? new TextEncoder().encode(part) : part));
  const total = encoded.reduce((sum, part) => sum + 8 + part.byteLength, 0);
  const buffer = new Uint8Array(total);
  const view = new DataView(buffer.buffer);
  let offset = 0;
  for (const part of encoded) {
    view.setFloat64(offset, part.byteLength);
    buffer.set(part, offset + 8);
    offset += 8 + part.byteLength;
  }
  return sha256Hex(buffer);
}
