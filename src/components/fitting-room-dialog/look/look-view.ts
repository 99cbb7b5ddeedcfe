/**
 * The shopper's look (a lazy chunk, loaded when a look exists or "Add to my look" is pressed): the
 * kept garments, one per slot, each removable; "Try on the whole look" (one job with every garment,
 * in the order of SLOT_ORDER); "Add the look to the cart"; the keep-on-this-device opt-in; the item
 * being put on while a look's job runs ("2 of 3") and the item that failed.
 */
import { css, html, nothing } from 'lit';
import { atom } from 'nanostores';
import type { LookCartItem } from '../../../events.js';
import type { CartOutcome } from '../cart/cart-platform.js';
import type { CartStrings } from '../cart/cart-strings.js';
import type { FlowState } from '../flow-state.js';
import { format } from '../messages.js';
import { productContext, type DialogHost } from '../product.js';
import { StoreController } from '../store-controller.js';
import type { View, ViewHost } from '../views.js';
import { isKept, loadLook, LOOK_LIMIT, saveLook, withItem, type LookItem } from './look-store.js';
import { lookStrings, type LookStrings } from './look-strings.js';
import { pageProduct } from './page-product.js';

export interface LookHost extends ViewHost {
  readonly host: DialogHost;
  close(): void;
}

type CartStatus = { adding: true } | CartOutcome;

export class LookView implements View {
  readonly #items = atom<LookItem[]>(loadLook());
  readonly #keep = atom(isKept());
  readonly #cart = atom<CartStatus | undefined>();
  /** "Try on the whole look" was pressed with no photo yet: the next photo (or model) runs it. */
  readonly #waiting = atom(false);
  /** The cart's strings, once "Add the look to the cart" has loaded the cart chunk. */
  #cartStrings?: () => CartStrings;
  /** The items of the last whole-look job, in its order: its `step` and `error.item` are indexes into them. */
  #tried: LookItem[] = [];

  constructor(private readonly dialog: LookHost) {
    new StoreController(dialog, this.#items, this.#keep, this.#cart, this.#waiting);
  }

  get items(): readonly LookItem[] {
    return this.#items.get();
  }

  /** "Add to my look" on a result: the product (or the variant picked) with its title and price as the page states them. */
  async add() {
    const { host, flow } = this.dialog;
    const product = productContext(host);
    const variant = flow.$variant.get();
    const variantId = variant?.id ?? product.variantId;
    const page = pageProduct();
    const variantName = this.dialog.variants().find((option) => option.id === variantId)?.name;
    const title = variantName && !page.title.includes(variantName) ? `${page.title} – ${variantName}` : page.title;
    const item: LookItem = {
      ...page,
      title,
      garment: new URL(variant?.garment ?? product.garment, document.baseURI).href,
      category: product.category,
      productId: product.productId,
      variantId,
    };
    this.#set(withItem(this.#items.get(), item));
    this.dialog.announce(format(this.#t().lookAdded, { item: title }));
    await this.dialog.updateComplete;
    // Focus moves into the look, to its heading: the items and actions follow it.
    this.dialog.renderRoot.querySelector<HTMLElement>('#look-heading')?.focus();
  }

  /** The whole look in one job, on the photo (or model) of this dialog; without one, the next photo chosen runs it. */
  tryWhole() {
    const { flow } = this.dialog;
    this.#tried = [...this.#items.get()];
    flow.look = this.#tried.map(({ garment, category, productId, variantId }) => ({ garment, category, productId, variantId }));
    if (flow.$photo.get() || flow.model) void flow.retry();
    else if (flow.$saved.get()) void flow.useSaved();
    else void this.#askForPhoto();
  }

  async #askForPhoto() {
    this.#waiting.set(true);
    this.dialog.announce(this.#t().lookPhotoFirst);
    await this.dialog.updateComplete;
    this.dialog.renderRoot.querySelector<HTMLElement>('input[type=file]')?.focus();
  }

  /** "Delete my photo" offers this: the look goes from this device too. */
  clear() {
    this.#set([]);
    this.dialog.announce(this.#t().lookCleared);
  }

  render(state: FlowState) {
    const t = this.#t();
    const tried = (index?: number) => (index ? this.#tried[index - 1]?.title : undefined);
    if (state.step === 'generating' && state.part && tried(state.part.index)) {
      return html`<p class="look-step" role="status">${format(t.lookStep, { index: state.part.index, count: state.part.count, item: tried(state.part.index)! })}</p>`;
    }
    const failed = state.step === 'error' ? tried(state.item) : undefined;
    const items = this.#items.get();
    if (!items.length || (state.step !== 'photo' && state.step !== 'result' && state.step !== 'error'))
      return failed ? html`<p class="look-failed">${format(t.lookFailed, { item: failed })}</p>` : nothing;
    return html`
      ${failed ? html`<p class="look-failed">${format(t.lookFailed, { item: failed })}</p>` : nothing}
      ${
        state.step === 'photo' && state.notice === 'deleted'
          ? html`<div class="notice look-offer" part="notice">
            <p>${t.lookClearOffer}</p>
            <button part="secondary-button" data-autofocus @click=${() => this.clear()}>${t.lookClear}</button>
          </div>`
          : nothing
      }
      ${state.step === 'photo' && this.#waiting.get() && this.dialog.flow.look ? html`<p class="notice" part="notice">${t.lookPhotoFirst}</p>` : nothing}
      <section class="look" aria-labelledby="look-heading">
        <h3 id="look-heading" tabindex="-1">${t.lookHeading} <span class="muted">${format(t.lookCount, { count: items.length, limit: LOOK_LIMIT })}</span></h3>
        <ul class="look-items">
          ${items.map(
            (item) =>
              html`<li>
                <img src=${item.garment} alt="" loading="lazy" />
                <span class="look-title">${item.title}${item.price ? html`<br /><span class="muted">${this.#price(item)}</span>` : nothing}</span>
                <button part="secondary-button" aria-label=${format(t.lookRemoveLabel, { item: item.title })} @click=${() => this.#remove(item)}>${t.lookRemove}</button>
              </li>`,
          )}
        </ul>
        <label class="check">
          <input type="checkbox" part="checkbox" .checked=${this.#keep.get()} @change=${(event: Event) => this.#setKeep((event.target as HTMLInputElement).checked)} />
          <span>${t.lookKeep}<br /><span class="muted">${t.lookKeepHint}</span></span>
        </label>
        <div class="actions">
          <button part="secondary-button" class="look-try" @click=${() => this.tryWhole()}>${t.lookTry}</button>
          <button part="secondary-button" class="look-cart" @click=${() => this.#addToCart()}>${t.lookCart}</button>
        </div>
        ${this.#renderCart()}
      </section>
    `;
  }

  #renderCart() {
    const status = this.#cart.get();
    if (!status || !this.#cartStrings) return nothing;
    const t = this.#cartStrings();
    if ('adding' in status) return html`<p class="cart-status muted">${t.cartAdding}</p>`;
    if (status.refused) return html`<div class="cart-status error" part="error" role="alert"><p>${t[status.refused]}</p></div>`;
    return html`<p class="cart-status">${t.cartAdded} <a href=${status.cartUrl}>${t.cartView}</a></p>`;
  }

  /**
   * One cancelable `fitting-room:add-to-cart` with every item; unless canceled, the platform's add
   * (Shopify: one request; WooCommerce: one per item), else the dialog closes as for one item.
   */
  async #addToCart() {
    const { host } = this.dialog;
    const items = this.#items.get();
    if (!items.length || (this.#cart.get() && 'adding' in this.#cart.get()!)) return;
    const cartItems: LookCartItem[] = items.map(({ productId, variantId, title, category, price, currency }) => ({ productId, variantId, title, category, price, currency }));
    const detail = { productId: host.productId ?? undefined, variantId: this.dialog.flow.$variant.get()?.id ?? host.variantId ?? undefined, items: cartItems };
    if (!host.dispatchEvent(new CustomEvent('fitting-room:add-to-cart', { bubbles: true, composed: true, cancelable: true, detail }))) return;
    // The platforms' add to cart is the cart chunk's, loaded on this click like the single item's.
    const [{ platformAddAll }, { cartStrings }] = await Promise.all([import('../cart/cart-platform.js'), import('../cart/cart-strings.js')]);
    const add = platformAddAll(items, host);
    if (!add) return this.dialog.close();
    this.#cartStrings = () => cartStrings(this.#locale(), host.strings);
    const t = this.#cartStrings();
    this.#cart.set({ adding: true });
    this.dialog.announce(t.cartAdding);
    const outcome = await add().catch((): CartOutcome => ({ refused: 'cartFailed' }));
    this.#cart.set(outcome);
    this.dialog.announce(outcome.refused ? '' : t.cartAdded);
    await this.dialog.updateComplete;
    this.dialog.renderRoot.querySelector<HTMLElement>('.look .cart-status a')?.focus();
  }

  #remove(item: LookItem) {
    this.#set(this.#items.get().filter((kept) => kept !== item));
    this.dialog.announce(format(this.#t().lookRemoved, { item: item.title }));
    // The button is gone: focus stays in the look.
    void this.dialog.updateComplete.then(() => this.dialog.renderRoot.querySelector<HTMLElement>('.look-items button, #look-heading')?.focus());
  }

  #setKeep(keep: boolean) {
    this.#keep.set(keep);
    saveLook(this.#items.get(), keep);
  }

  #set(items: LookItem[]) {
    this.#items.set(items);
    this.#cart.set(undefined);
    saveLook(items, this.#keep.get());
  }

  #price(item: LookItem) {
    try {
      return new Intl.NumberFormat(this.#locale(), { style: 'currency', currency: item.currency }).format(Number(item.price));
    } catch {
      return `${item.price} ${item.currency}`;
    }
  }

  #locale() {
    return this.dialog.renderRoot.querySelector('dialog')?.lang || 'en';
  }

  #t(): LookStrings {
    return lookStrings(this.#locale(), this.dialog.host.strings);
  }
}

/** The class the dialog constructs when it loads this chunk (LAZY_VIEWS). */
export { LookView as View };

export const styles = css`
  .look {
    display: grid;
    gap: 8px;
    padding-block-start: 8px;
    border-block-start: 1px solid var(--line, #ddd);
  }
  .look h3 {
    margin: 0;
    font-size: 16px;
  }
  .look-items {
    display: grid;
    gap: 8px;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .look-items li {
    display: grid;
    grid-template-columns: 56px 1fr auto;
    align-items: center;
    gap: 12px;
  }
  .look-items img {
    inline-size: 56px;
    block-size: 56px;
    object-fit: contain;
    border-radius: 8px;
    background: var(--well);
  }
  .look-items button {
    min-block-size: 44px;
    padding: 0 12px;
  }
  .look-offer {
    display: grid;
    gap: 8px;
  }
`;
