/**
 * What the job service keeps in the shared state, and how: records of jobs and of upstream
 * runs, their keys, and what is derived from them (the browser's view, the run key).
 */
import type { Category, JobError, JobStatus, JobView } from '../contract.js';
import { TERMINAL_STATUSES } from '../contract.js';
import { sha256Hex } from '../shared/sha256.js';
import type { PreparedImage } from './providers/types.js';

export interface JobInput {
  personRef: string;
  garments: { bytes: Uint8Array; contentType: PreparedImage['contentType'] }[];
  category: Category;
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
  personRef: string;
  runKey: string;
  resultKey?: string;
  expiresAt: number;
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
  unavailable: 'provider:unavailable-until',
};

export const isTerminal = (status: JobStatus) => TERMINAL_STATUSES.includes(status);

export function runView(run: RunRecord): Partial<JobRecord> & { status: JobStatus } {
  return { status: run.status, progress: run.progress, error: run.error, preview: run.preview, resultKey: run.resultKey };
}

export function viewOf(job: Pick<JobRecord, 'id' | 'status' | 'progress' | 'error' | 'preview'>): JobView {
  const view: JobView = { id: job.id, status: job.status };
  if (job.progress !== undefined) view.progress = job.progress;
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
