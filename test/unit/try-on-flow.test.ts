import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBusy, transition, type FlowAction, type FlowState } from '../../src/components/fitting-room-dialog/flow-state.js';

const RESULT = { before: 'blob:before', after: 'blob:after', image: new Blob(), jobId: 'job-1', preview: false, variantId: 'tee-navy' };

/** The steps a sequence of actions goes through, from `start`. */
function steps(start: FlowState, actions: FlowAction[]): FlowState['step'][] {
  const states: FlowState[] = [];
  for (const action of actions) states.push(transition(states.at(-1) ?? start, action));
  return states.map((state) => state.step);
}

describe('the try-on flow’s transitions', () => {
  it('goes from consent through every stage to the result', () => {
    const actions: FlowAction[] = [
      { type: 'consented' },
      { type: 'photo-chosen' },
      { type: 'photo-prepared', checks: [] },
      { type: 'upload-progress', progress: 0.5 },
      { type: 'job-created' },
      { type: 'job-update', view: { status: 'queued' } },
      { type: 'job-update', view: { status: 'running', progress: 0.4 } },
      { type: 'succeeded', result: RESULT },
    ];
    expect(steps({ step: 'consent' }, actions)).toEqual(['photo', 'preparing', 'uploading', 'uploading', 'queued', 'queued', 'generating', 'result']);
  });

  it('stops for review when the preflight has advice, before anything is uploaded', () => {
    const checks = [{ code: 'dark' as const, blocking: false }];
    expect(transition({ step: 'preparing' }, { type: 'photo-prepared', checks })).toEqual({ step: 'review', checks });
    expect(transition({ step: 'preparing' }, { type: 'photo-prepared', checks: [] })).toEqual({ step: 'uploading', progress: 0 });
  });

  it('reports generating progress, and leaves the end of a job to the run’s outcome', () => {
    const generating = transition({ step: 'queued' }, { type: 'job-update', view: { status: 'running', progress: 0.25 } });
    expect(generating).toEqual({ step: 'generating', progress: 0.25 });
    expect(transition(generating, { type: 'job-update', view: { status: 'succeeded', progress: 1 } })).toBe(generating);
    expect(transition(generating, { type: 'job-update', view: { status: 'failed' } })).toBe(generating);
  });

  it('ignores a job update that arrives when no job is awaited (after Cancel, on the result)', () => {
    const late = { type: 'job-update', view: { status: 'running', progress: 0.9 } } as const;
    expect(transition({ step: 'photo' }, late)).toEqual({ step: 'photo' });
    expect(transition({ step: 'uploading', progress: 1 }, late)).toEqual({ step: 'uploading', progress: 1 });
    expect(transition({ step: 'result', ...RESULT }, late).step).toBe('result');
  });

  it('goes back to the photo step saying why: camera denied or missing, photo deleted', () => {
    expect(transition({ step: 'camera' }, { type: 'camera-failed', notice: 'camera-denied' })).toEqual({ step: 'photo', notice: 'camera-denied' });
    expect(transition({ step: 'result', ...RESULT }, { type: 'back-to-photo', notice: 'deleted' })).toEqual({ step: 'photo', notice: 'deleted' });
    expect(transition({ step: 'error', code: 'TRYON_FAILED' }, { type: 'back-to-photo' })).toEqual({ step: 'photo' });
  });

  it('on close keeps a result (shown again on reopening) and the consent step, and otherwise offers the photo step', () => {
    const result: FlowState = { step: 'result', ...RESULT };
    expect(transition(result, { type: 'closed' })).toBe(result);
    expect(transition({ step: 'consent' }, { type: 'closed' })).toEqual({ step: 'consent' });
    expect(transition({ step: 'generating', progress: 0.5 }, { type: 'closed' })).toEqual({ step: 'photo' });
    expect(transition({ step: 'photo', notice: 'camera-denied' }, { type: 'closed' })).toEqual({ step: 'photo' });
  });

  it('whatever happened before, a failure shows its error and closing leaves no run under way', () => {
    const action: fc.Arbitrary<FlowAction> = fc.oneof(
      fc.constant<FlowAction>({ type: 'consented' }),
      fc.constant<FlowAction>({ type: 'camera-opened' }),
      fc.constant<FlowAction>({ type: 'photo-chosen' }),
      fc.constant<FlowAction>({ type: 'job-created' }),
      fc.constant<FlowAction>({ type: 'succeeded', result: RESULT }),
      fc.constant<FlowAction>({ type: 'back-to-photo' }),
      fc.constant<FlowAction>({ type: 'closed' }),
      fc.boolean().map<FlowAction>((advice) => ({ type: 'photo-prepared', checks: advice ? [{ code: 'small', blocking: true }] : [] })),
      fc.double({ min: 0, max: 1, noNaN: true }).map<FlowAction>((progress) => ({ type: 'upload-progress', progress })),
      fc
        .record({
          status: fc.constantFrom('queued', 'running', 'succeeded', 'failed', 'canceled' as const),
          progress: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
        })
        .map<FlowAction>((view) => ({ type: 'job-update', view })),
    );
    fc.assert(
      fc.property(fc.constantFrom<FlowState>({ step: 'consent' }, { step: 'photo' }), fc.array(action, { maxLength: 30 }), (start, actions) => {
        const state = actions.reduce(transition, start);
        expect(transition(state, { type: 'failed', code: 'NETWORK' })).toEqual({ step: 'error', code: 'NETWORK' });
        expect(isBusy(transition(state, { type: 'closed' }))).toBe(false);
      }),
    );
  });
});
