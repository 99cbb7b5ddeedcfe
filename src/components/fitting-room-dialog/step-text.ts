import type { FlowState } from './flow-state.js';
import { format, type Strings } from './messages.js';

/** The label of the progress bar while a try-on is under way. */
export function progressText(t: Strings, state: FlowState): string {
  switch (state.step) {
    case 'uploading':
      return format(t.uploading, { percent: Math.round(state.progress * 100) });
    case 'queued':
      return t.queued;
    case 'generating':
      return state.progress == null ? t.generatingEstimate : format(t.generating, { percent: Math.round(state.progress * 100) });
    default:
      return t.preparing;
  }
}

/**
 * Announced through the live region: the step changes, not every percent. Errors are announced by their role="alert" box.
 * A result is announced with its "AI-generated" label, unless the merchant turned it off (an empty `aiLabel`).
 */
export function stepAnnouncement(t: Strings, step: FlowState['step'], aiLabel = ''): string {
  const text: Partial<Record<FlowState['step'], string>> = {
    preparing: t.preparing,
    uploading: format(t.uploading, { percent: 0 }).replace(/\s*0\s*%/, ''),
    queued: t.queued,
    generating: t.generatingEstimate.split('…')[0] + '…',
    result: `${t.done} ${aiLabel}`.trim(),
  };
  return text[step] ?? '';
}
