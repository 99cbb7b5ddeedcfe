import { LitElement, html, nothing, type CSSResult, type PropertyValues } from 'lit';
import { atom } from 'nanostores';
import { watch as watchFunnel } from '../../analytics/funnel.js';
import type { Variant } from '../../events.js';
import { dialogStyles } from './fitting-room-dialog.styles.js';
import type { FlowState } from './flow-state.js';
import { direction, loadStrings, resolveLocale, withOverrides } from './i18n.js';
import { EN, ERRORS, format, formatDuration, type FailureCode, type Strings } from './messages.js';
import { PhotoStep } from './photo-step.js';
import { downloadName, productContext, variantsOf, type DialogHost } from './product.js';
import { lockScroll } from './scroll-lock.js';
import { progressText, stepAnnouncement } from './step-text.js';
import { StoreController } from './store-controller.js';
import { TryOnFlow, type FlowEvent } from './try-on-flow.js';
import type { View, ViewHost } from './views.js';
import type { CartView } from './cart/cart-view.js';
import type { LookView } from './look/look-view.js';
import type { GalleryView } from './models/model-view.js';
import { mayHaveLook } from './consent.js';

/** The lazy views, once their chunks have loaded. */
interface Views {
  camera?: View;
  review?: View;
  result?: View;
  cart?: CartView;
  look?: LookView;
  models?: GalleryView;
}
type LazyView = 'camera' | 'review' | 'result' | 'look' | 'models';

/** Each lazy view's chunk: its styles and its class (exported by each as `View`). */
const LAZY_VIEWS: Record<LazyView, () => Promise<{ styles: CSSResult; View: new (host: FittingRoomDialog) => View }>> = {
  camera: () => import('./camera/camera-view.js'),
  review: () => import('./review/review-view.js'),
  result: () => import('./result/result-view.js'),
  look: () => import('./look/look-view.js'),
  models: () => import('./models/model-view.js'),
};

/** Parts the page can style as `fitting-room::part(name)`. */
const PARTS = 'dialog,header,title,close-button,secondary-button,primary-button,camera-button,file-button,checkbox,notice,progress,compare,variant,error';

/**
 * The try-on dialog, loaded by `<fitting-room>` on intent and rendered inside its shadow
 * root. It uses the native `<dialog>` in modal mode so it sits in the top layer above any
 * theme (transforms, `overflow: hidden`, huge z-indexes), traps focus and closes on Escape.
 * The camera and the result view are lazy chunks (camera/, result/), and so is every
 * language but English (locales/).
 *
 * Events are dispatched from the host `<fitting-room>` element; see its documentation and
 * `FittingRoomEventMap` in src/events.ts.
 *
 * @csspart dialog - The native dialog element (a full-screen sheet below 600px).
 * @csspart close-button - The close button.
 * @csspart primary-button - The main action of each step.
 * @csspart secondary-button - The other buttons.
 * @csspart camera-button - "Take a photo".
 * @csspart file-button - "Choose a photo".
 * @csspart compare - The before/after comparison.
 * @csspart variant - A variant to try on instead.
 */
export class FittingRoomDialog extends LitElement implements ViewHost {
  static override styles = dialogStyles;

  /** The `<fitting-room>` whose shadow root the loader appended this dialog to. */
  get host() {
    return (this.getRootNode() as ShadowRoot).host as DialogHost;
  }

  readonly flow = new TryOnFlow(
    () => productContext(this.host),
    (event) => this.#emitFlowEvent(event),
  );
  /** The dialog's language and its strings (before the merchant's overrides). */
  readonly #language = atom({ locale: 'en', strings: EN as Strings });
  /** Set while the native dialog is open. */
  readonly #opened = atom(false);
  readonly #consentChecked = atom(false);
  /** What the live region says: the step, or a view's own news (the camera's countdown). */
  readonly #announcement = atom('');
  /** The lazy views, once their chunks have loaded. */
  readonly #views = atom<Views>({});
  /** Releases this dialog's scroll lock; harmless a second time. */
  #unlockScroll?: () => void;
  readonly #photoStep = new PhotoStep(this);
  /** The step last shown, and whether it changed in this update (focus moves into it once rendered). */
  #lastStep?: FlowState['step'];
  #stepChanged = false;
  #watched = false;

  constructor() {
    super();
    const { flow } = this;
    new StoreController(
      this,
      flow.$state,
      flow.$photo,
      flow.$saved,
      flow.$remember,
      flow.$retention,
      this.#language,
      this.#opened,
      this.#consentChecked,
      this.#announcement,
      this.#views,
    );
  }

  get t(): Strings {
    return withOverrides(this.#language.get().strings, this.host.strings);
  }

  get #locale() {
    return this.#language.get().locale;
  }

  get rtl() {
    return direction(this.#locale) === 'rtl';
  }

  /** The result's "AI-generated" label (the merchant's wording), or empty when `ai-label="off"`. */
  get aiLabel() {
    return this.host.aiLabel === 'off' ? '' : this.t.aiLabel;
  }

  override connectedCallback() {
    super.connectedCallback();
    this.setAttribute('exportparts', PARTS);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.#views.get().camera?.stop?.();
    this.flow.dispose();
    this.#unlockScroll?.();
  }

  /** Opens the dialog modally, in the page's language, moving focus into it. */
  async show() {
    const locale = resolveLocale(this.host.locale);
    if (locale !== this.#locale) this.#language.set({ locale, strings: await loadStrings(locale).catch(() => EN) });
    await this.updateComplete;
    const dialog = this.#dialog;
    if (dialog.open) return;
    dialog.showModal();
    this.#unlockScroll = lockScroll();
    // Once per dialog (one per element): the dialog's events for the merchant's analytics.
    if (!this.#watched) watchFunnel(this.host, () => this.flow.client.sessionToken);
    this.#watched = true;
    this.#dispatch('fitting-room:open', {});
    void this.flow.loadRetention();
    void this.flow.loadSaved();
    // The gallery's chunk (its "Try on a model" button) only when the proxy has models.
    void this.flow.loadModels().then((models) => {
      if (models.length) void this.#loadView('models');
    });
    if (mayHaveLook()) void this.#loadView('look');
    // The step shown now is announced and focused as if it were new.
    this.#lastStep = undefined;
    this.#opened.set(true);
    await this.updateComplete;
  }

  /** Closes the dialog; the `close` handler cancels any work in flight. */
  close() {
    this.#dialog?.close();
  }

  get #dialog() {
    return this.renderRoot.querySelector('dialog')!;
  }

  protected override willUpdate() {
    const { step } = this.flow.$state.get();
    if (step === this.#lastStep || !this.#opened.get()) return;
    const views = this.#views.get();
    if (this.#lastStep === 'camera') views.camera?.stop?.();
    this.#lastStep = step;
    this.#stepChanged = true;
    // Set before this render reads it: no second update.
    this.#announcement.set(stepAnnouncement(this.t, step, this.aiLabel));
    // The step's lazy view (the result's already while uploading), focused once it shows. The
    // camera, review and result steps have one; no step is named like the look or the gallery.
    const lazy = (step === 'uploading' ? 'result' : step) as LazyView;
    if (lazy in LAZY_VIEWS && !views[lazy]) void this.#loadView(lazy).then(() => this.#focusStep());
  }

  protected override updated(changed: PropertyValues) {
    super.updated(changed);
    if (!this.#stepChanged) return;
    this.#stepChanged = false;
    this.#focusStep();
  }

  async #loadView<Name extends LazyView>(name: Name): Promise<NonNullable<Views[Name]>> {
    const { styles, View } = await LAZY_VIEWS[name]();
    // Checked again after the import: a second step change may have loaded it meanwhile.
    if (!this.#views.get()[name]) {
      this.#adopt(styles);
      this.#addView({ [name]: new View(this) });
    }
    await this.updateComplete;
    return this.#views.get()[name]!;
  }

  #addView(view: Views) {
    this.#views.set({ ...this.#views.get(), ...view });
  }

  #adopt(styles: CSSResult) {
    const root = this.renderRoot as ShadowRoot;
    if (styles.styleSheet && !root.adoptedStyleSheets.includes(styles.styleSheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, styles.styleSheet];
  }

  override render() {
    const state = this.flow.$state.get();
    const t = this.t;
    const theme = this.host.theme;
    return html`
      <dialog
        part="dialog"
        class="theme-${theme === 'dark' || theme === 'light' ? theme : 'auto'}"
        dir=${direction(this.#locale)}
        lang=${this.#locale}
        aria-labelledby="title"
        @close=${this.#onClose}
        @paste=${this.#onPaste}
      >
        <header part="header">
          <h2 id="title" part="title">${t.title}</h2>
          <button class="close" part="close-button" aria-label=${t.close} @click=${() => this.close()}>
            <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 6l12 12M18 6 6 18" /></svg>
          </button>
        </header>
        <div class="body step-${state.step}">${this.#renderBody(state, t)}</div>
        <p class="visually-hidden" role="status" aria-live="polite">${this.#announcement.get()}</p>
      </dialog>
    `;
  }

  /** The step, with the look and the model gallery's parts when they are loaded; the open gallery stands in for the step. */
  #renderBody(state: FlowState, t: Strings) {
    const { look, models } = this.#views.get();
    return models?.open ? models.render(state) : [this.#renderStep(state, t), look?.render(state), models?.render(state)];
  }

  #renderStep(state: FlowState, t: Strings) {
    const { camera, review, result, cart } = this.#views.get();
    switch (state.step) {
      case 'consent':
        return this.#renderConsent(t);
      case 'photo':
        return this.#photoStep.render(state);
      case 'camera':
        return camera ? camera.render(state) : html`<p class="muted" role="status">${t.cameraStarting}</p>`;
      case 'review':
        return review ? review.render(state) : this.#renderProgress(t, state);
      case 'result':
        return result ? [result.render(state), cart?.render(state)] : this.#renderProgress(t, state);
      case 'error':
        return this.#renderError(t, state.code);
      default:
        return this.#renderProgress(t, state);
    }
  }

  /** How long the proxy keeps the photo, once the session has said. */
  retentionNote(key: 'consentRetention' | 'retentionNote') {
    const retention = this.flow.$retention.get();
    return retention ? html`<p class="muted">${format(this.t[key], { time: formatDuration(retention, this.#locale) })}</p>` : nothing;
  }

  #renderConsent(t: Strings) {
    const privacyUrl = this.host.privacyUrl;
    return html`
      <p>${t.consentIntro}</p>
      ${this.retentionNote('consentRetention')}
      <label class="check">
        <input
          type="checkbox"
          part="checkbox"
          data-autofocus
          .checked=${this.#consentChecked.get()}
          @change=${(event: Event) => this.#consentChecked.set((event.target as HTMLInputElement).checked)}
        />
        <span>${t.consentCheckbox}</span>
      </label>
      ${privacyUrl ? html`<a href=${privacyUrl} target="_blank" rel="noopener">${t.privacyLink}</a>` : nothing}
      <div class="actions">
        <button class="primary" part="primary-button" ?disabled=${!this.#consentChecked.get()} @click=${this.#accept}>
          ${t.continue}
        </button>
        ${this.modelButton()}
      </div>
    `;
  }

  /** The consent as shown (its paragraphs and the checkbox's label, one per line) is what the receipt's hash proves. */
  #accept = () => {
    const shown = [...this.renderRoot.querySelectorAll('.body p, .check')].map((element) => element.textContent!.trim());
    this.flow.acceptConsent(shown.join('\n'), this.#locale);
  };

  #renderProgress(t: Strings, state: FlowState) {
    const photo = this.flow.$photo.get()?.url;
    const value = 'progress' in state ? state.progress : undefined;
    return html`
      <div class="progress" part="progress">
        <div class="scan">${photo ? html`<img src=${photo} alt=${t.before} />` : nothing}</div>
        <p id="progress-label">${progressText(t, state)}</p>
        <progress aria-labelledby="progress-label" max="100" .value=${value == null ? null : Math.round(value * 100)}></progress>
      </div>
      <div class="actions">
        <button part="secondary-button" data-autofocus @click=${() => this.flow.cancel()}>${t.cancel}</button>
      </div>
    `;
  }

  #renderError(t: Strings, code: FailureCode) {
    const [key, next] = ERRORS[code] ?? ERRORS.INTERNAL;
    const [label, action] = {
      retry: [t.retry, () => this.flow.retry()],
      'new-photo': [t.anotherPhoto, () => this.flow.again()],
      close: [t.close, () => this.close()],
    }[next] as [string, () => void];
    return html`
      <div class="error" part="error" role="alert">
        <h3>${t.errorHeading}</h3>
        <p>${t[key]}</p>
      </div>
      <div class="actions">
        <button class="primary" part="primary-button" data-autofocus @click=${action}>${label}</button>
      </div>
    `;
  }

  /** "Try on a model", when the proxy has a gallery: no photo of the shopper, so no consent to process one. */
  modelButton() {
    return this.#views.get().models?.button();
  }

  async addToLook() {
    await (await this.#loadView('look')).add();
  }

  announce(text: string) {
    this.#announcement.set(text);
  }

  variants(): Variant[] {
    return variantsOf(this.host);
  }

  productName(): string {
    const id = this.flow.$variant.get()?.id ?? this.host.variantId;
    return this.variants().find((variant) => variant.id === id)?.name ?? this.t.thisItem;
  }

  downloadName(variantId?: string) {
    return downloadName(this.host.productId, variantId ?? this.host.variantId);
  }

  #ids() {
    return { productId: this.host.productId ?? undefined, variantId: this.flow.$variant.get()?.id ?? this.host.variantId ?? undefined };
  }

  #dispatch(type: string, detail: object, cancelable = false) {
    return this.host.dispatchEvent(new CustomEvent(type, { bubbles: true, composed: true, cancelable, detail: { ...this.#ids(), ...detail } }));
  }

  #emitFlowEvent(event: FlowEvent) {
    const { type, ...detail } = event;
    this.#dispatch(`fitting-room:${type}`, detail);
  }

  /** The event first; unless the page canceled it, the shop platform's own add to cart (a lazy chunk), else closing as before. */
  async addToCart() {
    if (!this.#dispatch('fitting-room:add-to-cart', {}, true)) return;
    const { CartView } = await import('./cart/cart-view.js');
    const cart = this.#views.get().cart ?? new CartView(this);
    this.#addView({ cart });
    if (!(await cart.add(this.#ids(), this.flow.$state.get()))) this.close();
  }

  #onClose = () => {
    this.#views.get().camera?.stop?.();
    this.flow.release();
    this.#opened.set(false);
    this.#unlockScroll?.();
    this.#dispatch('fitting-room:close', {});
    // Back to the "Try it on" button: the first button of the loader's shadow root (the dialog's own are in its shadow root).
    (this.getRootNode() as ShadowRoot).querySelector('button')?.focus();
  };

  #onPaste = (event: ClipboardEvent) => {
    const file = [...(event.clipboardData?.files ?? [])].find((item) => item.type.startsWith('image/'));
    if (file && this.flow.$state.get().step === 'photo') void this.flow.choosePhoto(file, 'paste');
  };

  #focusStep() {
    this.renderRoot.querySelector<HTMLElement>('.body [data-autofocus]')?.focus();
  }
}
