import type { ReactiveControllerHost } from 'lit';
import type { Strings } from './messages.js';
import type { Variant } from '../../events.js';
import type { FlowState } from './flow-state.js';
import type { TryOnFlow } from './try-on-flow.js';

/** What the views (photo; the lazy camera and result) may use of the dialog. Types only. */
export interface ViewHost extends ReactiveControllerHost {
  readonly flow: TryOnFlow;
  readonly t: Strings;
  readonly renderRoot: HTMLElement | DocumentFragment;
  readonly rtl: boolean;
  /** The "AI-generated" label of the result, empty when the merchant set `ai-label="off"`. */
  readonly aiLabel: string;
  variants(): Variant[];
  productName(): string;
  downloadName(variantId?: string): string;
  addToCart(): void;
  /** "Add to my look": loads the look and keeps the product of the result in it. */
  addToLook(): void;
  /** The "Try on a model" button, when the proxy has a model gallery. */
  modelButton(): unknown;
  announce(text: string): void;
  /** How long the proxy keeps the photo, as a line for the step; nothing until the session has said. */
  retentionNote(key: 'consentRetention' | 'retentionNote'): unknown;
}

export interface View {
  render(state: FlowState): unknown;
  stop?(): void;
}
