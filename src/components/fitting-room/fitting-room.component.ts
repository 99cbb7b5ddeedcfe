import type { FittingRoomDialog } from '../fitting-room-dialog/fitting-room-dialog.component.js';
import { defineAttributeProperties, OBSERVED_ATTRIBUTES, type FittingRoomAttributes } from './attributes.js';
import type { Discovered } from './discover.js';
import { loaderStyles } from './fitting-room.styles.js';
import { track, type Tracking } from '../../analytics/page.js';
import { concerns, trackVariants, type VariantUpdate } from './variant-tracking.js';

let dialogModule: Promise<void> | undefined;
/**
 * One import per page, however many buttons there are. Only the import's side effect (the element
 * defined) is wanted: asking for nothing from the module spares the dialog chunk a namespace object
 * and with it the bundler's runtime chunk (≈ 430 B gzip) on every try-on.
 */
const loadDialog = () => (dialogModule ??= import('../fitting-room-dialog/fitting-room-dialog.js').then(() => undefined));
let discoveryModule: Promise<typeof import('./discover.js')> | undefined;
/** Product discovery is a chunk of its own too, loaded on intent like the dialog. */
const loadDiscovery = () => (discoveryModule ??= import('./discover.js'));

/** Connected elements, which variant tracking updates. */
const connected = new Set<FittingRoom>();

let sheet: CSSStyleSheet | undefined;
const SVG_NS = 'http://www.w3.org/2000/svg';

const HANGER_PATH = 'M12 7a2 2 0 1 1 2-2c0 1-1 1.6-2 2.2v1.3M12 8.5 3.4 14.7A1.3 1.3 0 0 0 4.2 17h15.6a1.3 1.3 0 0 0 .8-2.3L12 8.5';

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
 * @attr privacy-url - Link to the merchant's privacy notice, shown with the consent (the proxy serves one at `/privacy`).
 * @attr ai-label - `off` hides the "AI-generated" label on the result: only for a shop that discloses the AI-made image another way.
 * @attr theme - The dialog's colours: `light`, `dark` or `auto` (default; follows prefers-color-scheme).
 * @attr hint - Shows a small dismissible "See it on you" bubble at the button; its value, if any, is the text.
 * @attr {Variant[] | null} variants - JSON `[{"id","name","garment"}]`: variants the shopper can switch to on the result,
 *   re-using the photo without uploading it again. Also a property taking the array.
 * @attr {Partial<Strings> | null} strings - JSON overriding any dialog string by key (see messages.ts). Also a property taking the object.
 * @attr discover - `off` turns off zero-configuration: no product discovery from the page
 *   (JSON-LD, `og:image`, Shopify product JSON) and no following of the theme's variant changes.
 * @attr analytics - The analytics sinks on, e.g. `ga4,shopify`: `proxy` (the proxy's collector), `ga4` (gtag / dataLayer),
 *   `shopify` (`Shopify.analytics.publish`). All of them when absent (each only when present on the page); `off` for none.
 * @attr holdout - The share of browsers, e.g. `0.1`, that see no button: the randomized holdout that measures lift.
 * @attr experiment - A short name for the holdout experiment (letters, digits, `_`; others become `-`); changing it (or `holdout`) draws every browser's arm again.
 *
 * @event fitting-room:open - The dialog opened. `detail: { productId, variantId }`.
 * @event fitting-room:consent - The shopper agreed. `detail: { productId, variantId, version }`.
 * @event fitting-room:photo - A photo was prepared on the device. `detail: { productId, variantId, source, checks }`.
 * @event fitting-room:submit - A job was created. `detail: { productId, variantId, jobId, reusedPhoto }`.
 * @event fitting-room:progress - `detail: { productId, variantId, stage, percent? }`; stage is preparing, uploading, queued or generating.
 * @event fitting-room:close - The dialog closed; work in flight was canceled. `detail: { productId, variantId }`.
 * @event fitting-room:result - A try-on image is ready. `detail: { productId, variantId, jobId }`.
 * @event fitting-room:error - The try-on could not be done. `detail: { productId, variantId, code, message }`.
 * @event fitting-room:add-to-cart - The shopper pressed "Add to cart" on a result. `detail: { productId, variantId }`.
 *   Unless canceled, on Shopify and WooCommerce the widget adds the variant to the shop's cart itself and confirms it
 *   in the dialog (with a link to the cart); elsewhere the dialog closes. `preventDefault()` adds nothing and keeps the dialog open.
 *
 * @csspart button - The "Try it on" button.
 *
 * @cssproperty --fitting-room-width - Width of the button box. Default 200px.
 * @cssproperty --fitting-room-height - Height of the button box. Default 44px.
 * @cssproperty --fitting-room-accent - Background of the button and accent of the dialog.
 * @cssproperty --fitting-room-on-accent - Text colour on the accent.
 * @cssproperty --fitting-room-radius - Corner radius of the button.
 * @cssproperty --fitting-room-font - Font family.
 * @cssproperty --fitting-room-display - `display` of the element (default `inline-block`; `none` hides it).
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the attribute properties are defined on the prototype from the table in attributes.ts.
export class FittingRoom extends HTMLElement {
  static observedAttributes = OBSERVED_ATTRIBUTES;
  static {
    defineAttributeProperties(FittingRoom.prototype, (element, property) => (element as FittingRoom).#found?.[property as keyof Discovered]);
  }

  #button?: HTMLButtonElement;
  #dialog?: FittingRoomDialog;
  /** Attributes as they were before variant tracking changed them, and the page path then. */
  #base?: [garment: string | null, variantId: string | null, path: string];
  /** The variant changed but its image was not told: look it up at intent. */
  #stale = false;
  /** What discovery found: the fallback of every attribute the merchant left out. */
  #found?: Discovered;
  /** The browser's arm and the analytics sinks on, decided once when connected; read by the dialog's funnel (src/analytics/funnel.ts). @internal */
  tracking?: Tracking;

  connectedCallback() {
    connected.add(this);
    trackVariants((update) => {
      for (const element of connected) element.#followVariant(update);
    });
    if (this.tracking) return;
    this.tracking = track(this);
    // The holdout: no button, no chunk, and no empty box (a defined element without a shadow root has none).
    if (this.tracking.arm === 'holdout') {
      this.hidden = true;
      return;
    }
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
    // DOM calls, not innerHTML: nothing for a Trusted Types policy to refuse.
    const svg = document.createElementNS(SVG_NS, 'svg');
    const path = document.createElementNS(SVG_NS, 'path');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    path.setAttribute('d', HANGER_PATH);
    svg.append(path);
    button.append(svg, document.createElement('span'));
    const preload = () => {
      void loadDialog();
      void this.#discover();
    };
    button.addEventListener('pointerenter', preload, { once: true });
    button.addEventListener('focus', preload, { once: true });
    button.addEventListener('click', () => void this.open());
    root.append(button);
    this.#button = button;
    this.#renderLabel();
    // The opt-in hint bubble: its own chunk (floating-ui), never part of the loader.
    if (this.hasAttribute('hint')) void import('./hint.js').then((hint) => hint.attachHint(this, button));
  }

  disconnectedCallback() {
    connected.delete(this);
  }

  attributeChangedCallback(name: string) {
    if (name === 'label') this.#renderLabel();
    this.#dialog?.requestUpdate();
  }

  /** Opens the try-on dialog, loading it first if needed. */
  async open() {
    // A holdout browser has no button, and no try-on.
    if (!this.#button) return;
    await Promise.all([loadDialog(), this.#discover()]);
    if (!this.#dialog) {
      // The dialog finds its host and the button to return focus to from where it is.
      this.#dialog = document.createElement('fitting-room-dialog');
      this.shadowRoot!.append(this.#dialog);
    }
    await this.#dialog.show();
  }

  /** Closes the dialog and cancels any work in flight. */
  close() {
    this.#dialog?.close();
  }

  /** Fills what the merchant left out from what the page says about its product (see discover.ts). */
  async #discover() {
    if (this.discover === 'off') return;
    // A single-page shop moved to another product: what variant tracking set belonged to the old one.
    if (this.#base && this.#base[2] !== location.pathname) this.#restore();
    try {
      const found = await (await loadDiscovery()).discover(this, this.getAttribute('variant-id'));
      this.#found = found;
      // A variant the theme set without telling, or one whose image was not told: follow it now.
      if (found.movedVariant || this.#stale) this.#followVariant({ source: this, variantId: found.movedVariant, garment: found.variantImage });
      this.#dialog?.requestUpdate();
    } catch {
      // Discovery only fills gaps; the attributes the merchant gave still work without it.
    }
  }

  #followVariant(update: VariantUpdate) {
    if (this.discover === 'off' || !concerns(this, update.source)) return;
    if (update.productId && this.productId && update.productId !== this.productId) return;
    this.#base ??= [this.getAttribute('garment'), this.getAttribute('variant-id'), location.pathname];
    if (update.reset) return this.#restore();
    if (update.variantId) this.setAttribute('variant-id', update.variantId);
    if (update.garment) this.setAttribute('garment', update.garment);
    this.#stale = !update.garment;
  }

  #restore() {
    const [garment, variantId] = this.#base!;
    this.#base = undefined;
    this.#stale = false;
    this.garment = garment;
    this.variantId = variantId;
  }

  #renderLabel() {
    // Upgrading an element that has `label` calls attributeChangedCallback before connectedCallback.
    const text = this.#button?.lastElementChild;
    if (text) text.textContent = this.label || 'Try it on';
  }
}

// The attribute properties, typed from the same lists that define them.
export interface FittingRoom extends FittingRoomAttributes {}
