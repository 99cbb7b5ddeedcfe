import type { FittingRoomDialog } from '../fitting-room-dialog/fitting-room-dialog.component.js';
import { loaderStyles } from './fitting-room.styles.js';

let dialogModule: Promise<unknown> | undefined;
/** One import per page, however many buttons there are. */
const loadDialog = () => (dialogModule ??= import('../fitting-room-dialog/fitting-room-dialog.js'));

let sheet: CSSStyleSheet | undefined;

const ATTRIBUTES = {
  endpoint: 'endpoint',
  garment: 'garment',
  category: 'category',
  productId: 'product-id',
  variantId: 'variant-id',
  label: 'label',
  locale: 'locale',
  privacyUrl: 'privacy-url',
} as const;

const HANGER_ICON =
  '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 7a2 2 0 1 1 2-2c0 1-1 1.6-2 2.2v1.3M12 8.5 3.4 14.7A1.3 1.3 0 0 0 4.2 17h15.6a1.3 1.3 0 0 0 .8-2.3L12 8.5"/></svg>';

/**
 * A "Try it on" button that opens the virtual try-on dialog.
 *
 * It is dependency-free and tiny: it draws the button in a fixed box (no layout shift)
 * and imports the dialog only when the shopper shows intent (pointer over, focus, tap).
 *
 * @summary The try-on button and lazy loader of the try-on dialog.
 *
 * @attr endpoint - Base URL of the merchant's Fitting Room proxy, e.g. `/apps/fitting-room`.
 * @attr garment - URL of the garment image; relative URLs resolve against the page.
 * @attr category - `top`, `bottom`, `dress`, `outerwear`, `full`, `shoes`, `bag` or `accessory`.
 * @attr product-id - The product's id, carried by events such as `fitting-room:add-to-cart`.
 * @attr variant-id - The selected variant's id.
 * @attr label - The button text. Defaults to "Try it on".
 * @attr locale - The dialog's language. Defaults to the page's `<html lang>`.
 * @attr privacy-url - Link to the merchant's privacy notice, shown with the consent.
 *
 * @event fitting-room:open - The dialog opened. `detail: { productId, variantId }`.
 * @event fitting-room:close - The dialog closed; work in flight was canceled. `detail: { productId, variantId }`.
 * @event fitting-room:result - A try-on image is ready. `detail: { productId, variantId, jobId }`.
 * @event fitting-room:error - The try-on could not be done. `detail: { productId, variantId, code, message }`.
 * @event fitting-room:add-to-cart - The shopper pressed "Add to cart" on a result. Cancelable:
 *   call `preventDefault()` to keep the dialog open. `detail: { productId, variantId }`.
 *
 * @csspart button - The "Try it on" button.
 *
 * @cssproperty --fitting-room-width - Width of the button box. Default 200px.
 * @cssproperty --fitting-room-height - Height of the button box. Default 44px.
 * @cssproperty --fitting-room-accent - Background of the button and accent of the dialog.
 * @cssproperty --fitting-room-on-accent - Text colour on the accent.
 * @cssproperty --fitting-room-radius - Corner radius of the button.
 * @cssproperty --fitting-room-font - Font family.
 */
export class FittingRoom extends HTMLElement {
  static observedAttributes = Object.values(ATTRIBUTES);

  declare endpoint: string | null;
  declare garment: string | null;
  declare category: string | null;
  declare productId: string | null;
  declare variantId: string | null;
  declare label: string | null;
  declare locale: string | null;
  declare privacyUrl: string | null;

  #button?: HTMLButtonElement;
  #dialog?: FittingRoomDialog;

  connectedCallback() {
    if (this.#button) return;
    const root = this.attachShadow({ mode: 'open' });
    // A constructed sheet rather than <style>: it is allowed under a CSP without 'unsafe-inline'.
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(loaderStyles);
    }
    root.adoptedStyleSheets = [sheet];
    const button = document.createElement('button');
    button.type = 'button';
    button.part.add('button');
    button.setAttribute('aria-haspopup', 'dialog');
    button.innerHTML = `${HANGER_ICON}<span></span>`;
    const preload = () => void loadDialog();
    button.addEventListener('pointerenter', preload, { once: true });
    button.addEventListener('focus', preload, { once: true });
    button.addEventListener('click', () => void this.open());
    root.append(button);
    this.#button = button;
    this.#renderLabel();
  }

  attributeChangedCallback(name: string) {
    if (name === 'label') this.#renderLabel();
    this.#dialog?.requestUpdate();
  }

  /** Opens the try-on dialog, loading it first if needed. */
  async open() {
    await loadDialog();
    if (!this.#dialog) {
      this.#dialog = document.createElement('fitting-room-dialog');
      this.#dialog.host = this;
      this.#dialog.returnFocusTo = this.#button!;
      this.shadowRoot!.append(this.#dialog);
    }
    await this.#dialog.show();
  }

  /** Closes the dialog and cancels any work in flight. */
  close() {
    this.#dialog?.close();
  }

  #renderLabel() {
    this.#button!.lastElementChild!.textContent = this.label || 'Try it on';
  }
}

for (const [property, attribute] of Object.entries(ATTRIBUTES)) {
  Object.defineProperty(FittingRoom.prototype, property, {
    get(this: HTMLElement) {
      return this.getAttribute(attribute);
    },
    set(this: HTMLElement, value: string | null | undefined) {
      if (value == null) this.removeAttribute(attribute);
      else this.setAttribute(attribute, value);
    },
  });
}
