import type { ReactiveControllerHost } from 'lit';
import type { Strings } from './messages.js';
import type { Variant } from '../../events.js';
import type { FlowState, TryOnFlow } from './try-on-flow.js';

/** What the lazy views (camera, result) may use of the dialog. Types only. */
export interface ViewHost extends ReactiveControllerHost {
  readonly flow: TryOnFlow;
  readonly t: Strings;
  readonly renderRoot: HTMLElement | DocumentFragment;
  readonly rtl: boolean;
  variants(): Variant[];
  productName(): string;
  downloadName(variantId?: string): string;
  addToCart(): void;
  announce(text: string): void;
}

export interface View {
  render(state: FlowState): unknown;
  stop?(): void;
}
