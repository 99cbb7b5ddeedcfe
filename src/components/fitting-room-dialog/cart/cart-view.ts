/**
 * The native "Add to cart" (a lazy chunk, loaded on the shopper's click): when the page's
 * `fitting-room:add-to-cart` event was not canceled, adds the item through the shop platform
 * (cart-platform.ts) and tells the shopper, under the result, that it was added (with a link
 * to the cart) or why it was not.
 */
import { html, nothing } from 'lit';
import type { FlowState } from '../flow-state.js';
import type { DialogHost } from '../product.js';
import type { View, ViewHost } from '../views.js';
import { platformAdd, type CartOutcome } from './cart-platform.js';
import { cartStrings, type CartStrings } from './cart-strings.js';

export interface CartHost extends ViewHost {
  readonly host: DialogHost;
}

type Status = { jobId: string } & ({ adding: true } | CartOutcome);

export class CartView implements View {
  #status?: Status;

  constructor(private readonly dialog: CartHost) {}

  /**
   * Adds the product or variant to the shop's cart. False when the page has no platform we know
   * (the event was the whole action); true once the shopper has been told the outcome.
   */
  async add(ids: { productId?: string; variantId?: string }, state: FlowState): Promise<boolean> {
    if (state.step !== 'result') return false;
    const add = platformAdd({ ...ids, source: this.dialog.host });
    if (!add) return false;
    // A second press while the first is on its way adds nothing more.
    if (this.#status && 'adding' in this.#status && this.#status.jobId === state.jobId) return true;
    const t = this.#strings();
    this.#show({ jobId: state.jobId, adding: true }, t.cartAdding);
    const outcome = await add().catch((): CartOutcome => ({ refused: 'cartFailed' }));
    // A refusal is an alert of its own (role=alert); the live region tells the good news.
    this.#show({ jobId: state.jobId, ...outcome }, outcome.refused ? '' : t.cartAdded);
    await this.dialog.updateComplete;
    const message = this.dialog.renderRoot.querySelector<HTMLElement>('.cart-status');
    // Under the result, maybe below the fold of a small screen: bring it into view.
    message?.scrollIntoView({ block: 'nearest' });
    // Keyboard and screen-reader users land on what to do next: the cart link.
    message?.querySelector('a')?.focus({ preventScroll: true });
    return true;
  }

  render(state: FlowState) {
    const status = this.#status;
    // The message belongs to the result it was given for: another photo or variant starts clean.
    if (!status || state.step !== 'result' || state.jobId !== status.jobId) return nothing;
    const t = this.#strings();
    if ('adding' in status) return html`<p class="cart-status muted">${t.cartAdding}</p>`;
    if (status.refused) {
      return html`<div class="cart-status error" part="error" role="alert"><p>${t[status.refused]}</p></div>`;
    }
    return html`<p class="cart-status">${t.cartAdded} <a href=${status.cartUrl}>${t.cartView}</a></p>`;
  }

  #show(status: Status, announcement: string) {
    this.#status = status;
    this.dialog.announce(announcement);
    this.dialog.requestUpdate();
  }

  #strings(): CartStrings {
    // The dialog's language is the `lang` it renders; the merchant's `strings` override by key.
    const locale = this.dialog.renderRoot.querySelector('dialog')?.lang || 'en';
    return cartStrings(locale, this.dialog.host.strings);
  }
}
