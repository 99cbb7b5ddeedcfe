/**
 * The try-on flow's states and the pure rule of which state follows which action:
 * consent → photo (→ camera) → preparing (→ review when the preflight has advice) →
 * uploading → queued → generating → result, or error. No side effects and no DOM, so it is
 * tested without a browser; `TryOnFlow` does the work and reports it here.
 */
import type { JobView } from '../../contract.js';
import type { PhotoCheck } from '../../photo/preflight.js';
import type { FailureCode } from './messages.js';

/** How the photo came in. */
export type PhotoSource = 'camera' | 'file' | 'drop' | 'paste' | 'saved';
/** Said on the photo step after something sent the shopper back there. */
export type Notice = 'camera-denied' | 'camera-missing' | 'deleted';
/** The steps that report progress while a try-on is under way. */
export type Stage = 'preparing' | 'uploading' | 'queued' | 'generating';

export interface TryOnResult {
  step: 'result';
  /** Object URLs of the photo and of the try-on image. */
  before: string;
  after: string;
  /** The try-on image, for download and Web Share. */
  image: Blob;
  jobId: string;
  preview: boolean;
  variantId?: string;
}

export type FlowState =
  | { step: 'consent' }
  | { step: 'photo'; notice?: Notice }
  | { step: 'camera' }
  | { step: 'preparing' }
  | { step: 'review'; checks: PhotoCheck[] }
  | { step: 'uploading'; progress: number }
  | { step: 'queued' }
  | { step: 'generating'; progress?: number; part?: JobView['step'] }
  | TryOnResult
  | { step: 'error'; code: FailureCode; item?: number };

/** What happened: the shopper's choices and the outcomes of the work `TryOnFlow` does. */
export type FlowAction =
  | { type: 'consented' }
  | { type: 'camera-opened' }
  | { type: 'camera-failed'; notice: 'camera-denied' | 'camera-missing' }
  | { type: 'photo-chosen' }
  | { type: 'photo-prepared'; checks: PhotoCheck[] }
  | { type: 'upload-progress'; progress: number }
  | { type: 'job-created' }
  | { type: 'job-update'; view: Pick<JobView, 'status' | 'progress' | 'step'> }
  | { type: 'succeeded'; result: Omit<TryOnResult, 'step'> }
  | { type: 'failed'; code: FailureCode; item?: number }
  | { type: 'back-to-photo'; notice?: Notice }
  | { type: 'closed' };

const STAGES: readonly FlowState['step'][] = ['preparing', 'uploading', 'queued', 'generating'];
const PROGRESS_REPORTS: readonly FlowAction['type'][] = ['photo-chosen', 'upload-progress', 'job-created', 'job-update'];

/**
 * Whether `action` reports a run's progress, which the page hears of as `fitting-room:progress`.
 * The preflight's outcome does not: the upload that follows it reports.
 */
export const reportsProgress = (action: FlowAction) => PROGRESS_REPORTS.includes(action.type);

/** True while a try-on is under way: a job created then is deleted when the shopper leaves. */
export const isBusy = (state: FlowState): state is Extract<FlowState, { step: Stage }> => STAGES.includes(state.step);

/** The state that follows `action`; `state` itself when the action does not apply to it. */
export function transition(state: FlowState, action: FlowAction): FlowState {
  switch (action.type) {
    case 'consented':
      return { step: 'photo' };
    case 'camera-opened':
      return { step: 'camera' };
    case 'camera-failed':
      return { step: 'photo', notice: action.notice };
    case 'photo-chosen':
      return { step: 'preparing' };
    case 'photo-prepared':
      // Advice first: nothing is uploaded before the shopper has seen it.
      return action.checks.length ? { step: 'review', checks: action.checks } : { step: 'uploading', progress: 0 };
    case 'upload-progress':
      return { step: 'uploading', progress: action.progress };
    case 'job-created':
      return { step: 'queued' };
    case 'job-update':
      return jobUpdate(state, action.view);
    case 'succeeded':
      return { step: 'result', ...action.result };
    case 'failed':
      return { step: 'error', code: action.code, item: action.item };
    case 'back-to-photo':
      return action.notice ? { step: 'photo', notice: action.notice } : { step: 'photo' };
    case 'closed':
      // A result stays on this device, so reopening shows it again; consent is still to be given.
      return state.step === 'result' || state.step === 'consent' ? state : { step: 'photo' };
  }
}

/** The proxy's view of a job, while the job is being waited for; its end is the run's outcome (`succeeded`, `failed`). */
function jobUpdate(state: FlowState, view: Pick<JobView, 'status' | 'progress' | 'step'>): FlowState {
  if (state.step !== 'queued' && state.step !== 'generating') return state;
  if (view.status === 'queued') return { step: 'queued' };
  // A look's job says which of its garments is being put on ("2 of 3").
  if (view.status === 'running') return { step: 'generating', progress: view.progress, part: view.step };
  return state;
}
