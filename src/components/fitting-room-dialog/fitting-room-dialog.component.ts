import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { ref, createRef } from 'lit/directives/ref.js';
import { dialogStyles } from './fitting-room-dialog.styles.js';
import { ERROR_TEXT, TEXT, formatDuration } from './messages.js';
import { TryOnFlow, type FlowEvent, type FlowState, type ProductContext } from './try-on-flow.js';

/** The attributes of `<fitting-room>` the dialog reads; the loader element is the source of truth. */
export interface DialogHost extends HTMLElement {
  endpoint: string | null;
  garment: string | null;
  category: string | null;
  productId: string | null;
  variantId: string | null;
  privacyUrl: string | null;
}

let openDialogs = 0;
let savedOverflow = '';

/**
 * The try-on dialog, loaded by `<fitting-room>` on intent and rendered inside its shadow
 * root. It uses the native `<dialog>` in modal mode so it sits in the top layer above any
 * theme (transforms, `overflow: hidden`, huge z-indexes), traps focus and closes on Escape.
 *
 * Events are dispatched from the host `<fitting-room>` element; see its documentation.
 *
 * @csspart dialog - The native dialog element.
 * @csspart primary-button - The main action of each step.
 * @csspart compare - The before/after comparison.
 */
export class FittingRoomDialog extends LitElement {
  static override styles = dialogStyles;

  host!: DialogHost;
  returnFocusTo?: HTMLElement;

  readonly #dialog = createRef<HTMLDialogElement>();
  readonly #compare = createRef<HTMLElement>();
  readonly #flow = new TryOnFlow(
    () => this.#product(),
    (event) => this.#emitFlowEvent(event),
  );
  #unsubscribe?: () => void;
  #consentChecked = false;
  #split = 50;
  #dragging = false;
  #retention?: number;

  override connectedCallback() {
    super.connectedCallback();
    this.#unsubscribe = this.#flow.$state.listen(() => this.requestUpdate());
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.#unsubscribe?.();
    this.#flow.dispose();
    this.#unlockScroll();
  }

  /** Opens the dialog modally, moving focus into it. */
  async show() {
    await this.updateComplete;
    const dialog = this.#dialog.value!;
    if (dialog.open) return;
    dialog.showModal();
    this.#lockScroll();
    this.#dispatch('fitting-room:open', {});
    void this.#loadRetention();
    await this.updateComplete;
    this.#focusStep();
  }

  /** Closes the dialog; the `close` handler cancels any work in flight. */
  close() {
    this.#dialog.value?.close();
  }

  protected override updated(changed: PropertyValues) {
    super.updated(changed);
    // Through the CSSOM, not a style attribute: a strict CSP (no 'unsafe-inline') blocks the latter.
    this.#compare.value?.style.setProperty('--split', `${this.#split}%`);
    const state = this.#flow.$state.get();
    if (state.step !== this.#lastStep) {
      this.#lastStep = state.step;
      if (this.#dialog.value?.open) this.#focusStep();
    }
  }
  #lastStep?: FlowState['step'];

  override render() {
    const state = this.#flow.$state.get();
    return html`
      <dialog ${ref(this.#dialog)} part="dialog" aria-labelledby="title" @close=${this.#onClose} @paste=${this.#onPaste}>
        <header>
          <h2 id="title">${TEXT.title}</h2>
          <button class="close" part="close-button" aria-label=${TEXT.close} @click=${() => this.close()}>×</button>
        </header>
        <div class="body">${this.#renderStep(state)}</div>
        <p class="visually-hidden" role="status" aria-live="polite">${this.#announcement(state)}</p>
      </dialog>
    `;
  }

  #renderStep(state: FlowState) {
    switch (state.step) {
      case 'consent':
        return this.#renderConsent();
      case 'photo':
        return this.#renderPhoto();
      case 'result':
        return this.#renderResult(state);
      case 'error':
        return this.#renderError(state.code);
      default:
        return this.#renderProgress(state);
    }
  }

  #renderConsent() {
    const privacyUrl = this.host.privacyUrl;
    return html`
      <p>${TEXT.consentIntro}</p>
      ${this.#retention ? html`<p class="muted">${TEXT.consentRetention(formatDuration(this.#retention))}</p>` : nothing}
      <label class="check">
        <input
          type="checkbox"
          data-autofocus
          .checked=${this.#consentChecked}
          @change=${(event: Event) => {
            this.#consentChecked = (event.target as HTMLInputElement).checked;
            this.requestUpdate();
          }}
        />
        <span>${TEXT.consentCheckbox}</span>
      </label>
      ${privacyUrl ? html`<a href=${privacyUrl} target="_blank" rel="noopener">${TEXT.privacyLink}</a>` : nothing}
      <div class="actions">
        <button class="primary" part="primary-button" ?disabled=${!this.#consentChecked} @click=${() => this.#flow.acceptConsent()}>
          ${TEXT.continue}
        </button>
      </div>
    `;
  }

  #renderPhoto() {
    return html`
      <p><strong>${TEXT.photoHeading}</strong></p>
      <p class="muted">${TEXT.photoTips}</p>
      <label
        class="drop ${this.#dragging ? 'over' : ''}"
        @dragover=${this.#onDragOver}
        @dragleave=${() => this.#setDragging(false)}
        @drop=${this.#onDrop}
      >
        <input type="file" accept="image/jpeg,image/png,image/webp" data-autofocus @change=${this.#onFileChange} />
        <span class="button" part="primary-button">${TEXT.choosePhoto}</span>
        <span class="muted" aria-hidden="true">${this.#dragging ? TEXT.dropActive : TEXT.dropHint}</span>
      </label>
    `;
  }

  #renderProgress(state: FlowState) {
    const photo = this.#flow.photoUrl;
    const value = state.step === 'uploading' ? state.progress : state.step === 'generating' ? state.progress : undefined;
    return html`
      <div class="progress">
        ${photo ? html`<img src=${photo} alt=${TEXT.before} />` : nothing}
        <p id="progress-label">${this.#progressText(state)}</p>
        <progress aria-labelledby="progress-label" max="100" .value=${value == null ? null : Math.round(value * 100)}></progress>
      </div>
      <div class="actions">
        <button data-autofocus @click=${() => this.#flow.cancel()}>${TEXT.cancel}</button>
      </div>
    `;
  }

  #renderResult(state: Extract<FlowState, { step: 'result' }>) {
    const name = this.host.productId ? this.host.productId : TEXT.thisItem;
    return html`
      ${state.preview ? html`<p class="badge">${TEXT.previewBadge}</p>` : nothing}
      <div class="compare" part="compare" ${ref(this.#compare)}>
        <img class="before" src=${state.before} alt=${TEXT.before} />
        <img class="after" src=${state.after} alt=${TEXT.after(name)} />
        <span class="label before" aria-hidden="true">${TEXT.before}</span>
        <span class="label after" aria-hidden="true">${TEXT.title}</span>
        <input
          type="range"
          min="0"
          max="100"
          step="1"
          data-autofocus
          .value=${String(this.#split)}
          aria-label=${TEXT.compareLabel}
          aria-valuetext=${TEXT.compareValue(100 - this.#split)}
          @input=${(event: Event) => {
            this.#split = Number((event.target as HTMLInputElement).value);
            this.requestUpdate();
          }}
        />
        <span class="track"></span>
      </div>
      <div class="actions">
        <button class="primary" part="primary-button" @click=${this.#addToCart}>${TEXT.addToCart}</button>
        <a class="button" href=${state.after} download=${this.#downloadName()}>${TEXT.download}</a>
        <button @click=${() => this.#flow.anotherPhoto()}>${TEXT.anotherPhoto}</button>
      </div>
    `;
  }

  #renderError(code: keyof typeof ERROR_TEXT) {
    const text = ERROR_TEXT[code] ?? ERROR_TEXT.INTERNAL;
    const next = {
      retry: html`<button class="primary" part="primary-button" data-autofocus @click=${() => this.#flow.retry()}>${TEXT.retry}</button>`,
      'new-photo': html`<button class="primary" part="primary-button" data-autofocus @click=${() => this.#flow.anotherPhoto()}>
        ${TEXT.anotherPhoto}
      </button>`,
      close: html`<button class="primary" part="primary-button" data-autofocus @click=${() => this.close()}>${TEXT.close}</button>`,
    }[text.next];
    return html`
      <div class="error" role="alert">
        <h3>${TEXT.errorHeading}</h3>
        <p>${text.message}</p>
      </div>
      <div class="actions">${next}</div>
    `;
  }

  #progressText(state: FlowState): string {
    switch (state.step) {
      case 'preparing':
        return TEXT.preparing;
      case 'uploading':
        return TEXT.uploading(Math.round(state.progress * 100));
      case 'queued':
        return TEXT.queued;
      case 'generating':
        return TEXT.generating(state.progress == null ? undefined : Math.round(state.progress * 100));
      default:
        return '';
    }
  }

  /** Announced through the live region: the step changes, not every percent. */
  #announcement(state: FlowState): string {
    switch (state.step) {
      case 'preparing':
        return TEXT.preparing;
      case 'uploading':
        return TEXT.uploading(0).replace(/ 0%$/, '');
      case 'queued':
        return TEXT.queued;
      case 'generating':
        return TEXT.generating();
      case 'result':
        return TEXT.done;
      default:
        // Errors are announced by their role="alert" box.
        return '';
    }
  }

  #product(): ProductContext {
    const { endpoint, garment, category, productId, variantId } = this.host;
    return {
      endpoint: endpoint ?? '',
      garment: garment ?? '',
      category: category || 'top',
      productId: productId ?? undefined,
      variantId: variantId ?? undefined,
    };
  }

  #ids() {
    return { productId: this.host.productId ?? undefined, variantId: this.host.variantId ?? undefined };
  }

  #dispatch(type: string, detail: object, cancelable = false) {
    return this.host.dispatchEvent(new CustomEvent(type, { bubbles: true, composed: true, cancelable, detail: { ...this.#ids(), ...detail } }));
  }

  #emitFlowEvent(event: FlowEvent) {
    const { type, ...detail } = event;
    this.#dispatch(`fitting-room:${type}`, detail);
  }

  #addToCart = () => {
    if (this.#dispatch('fitting-room:add-to-cart', {}, true)) this.close();
  };

  #downloadName() {
    const slug = (this.host.variantId || this.host.productId || 'item').replace(/[^a-z0-9-]+/gi, '-').toLowerCase();
    return `try-on-${slug}.jpg`;
  }

  #onClose = () => {
    this.#flow.release();
    this.#unlockScroll();
    this.#dispatch('fitting-room:close', {});
    this.returnFocusTo?.focus();
  };

  #onFileChange = (event: Event) => {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file) void this.#flow.choosePhoto(file);
  };

  #onDragOver = (event: DragEvent) => {
    event.preventDefault();
    this.#setDragging(true);
  };

  #onDrop = (event: DragEvent) => {
    event.preventDefault();
    this.#setDragging(false);
    const file = event.dataTransfer?.files[0];
    if (file) void this.#flow.choosePhoto(file);
  };

  #onPaste = (event: ClipboardEvent) => {
    const file = [...(event.clipboardData?.files ?? [])].find((item) => item.type.startsWith('image/'));
    if (file && this.#flow.$state.get().step === 'photo') void this.#flow.choosePhoto(file);
  };

  #setDragging(dragging: boolean) {
    this.#dragging = dragging;
    this.requestUpdate();
  }

  async #loadRetention() {
    if (this.#retention) return;
    try {
      this.#retention = await this.#flow.client.retentionSeconds();
      this.requestUpdate();
    } catch {
      // The consent still works without the retention line; the upload will report the problem.
    }
  }

  #focusStep() {
    this.renderRoot.querySelector<HTMLElement>('[data-autofocus]')?.focus();
  }

  #lockScroll() {
    if (openDialogs++ === 0) {
      savedOverflow = document.documentElement.style.overflow;
      document.documentElement.style.overflow = 'hidden';
    }
  }

  #unlockScroll() {
    if (openDialogs > 0 && --openDialogs === 0) document.documentElement.style.overflow = savedOverflow;
  }
}
