import { css, html, nothing, type ReactiveController } from 'lit';
import { atom } from 'nanostores';
import type { FlowState, TryOnResult } from '../flow-state.js';
import { format } from '../messages.js';
import { StoreController } from '../store-controller.js';
import type { View, ViewHost } from '../views.js';

const MAX_ZOOM = 4;

/** Where the comparison stands: the split in percent from the inline start, the zoom, and the pan in pixels. */
interface Compare {
  split: number;
  zoom: number;
  x: number;
  y: number;
}
const UNZOOMED: Compare = { split: 50, zoom: 1, x: 0, y: 0 };

/**
 * The result (a lazy chunk): before/after comparison you can drag (pointer events: mouse,
 * pen, touch) or move with the keyboard (a native range input), zoom by pinching, with the
 * wheel or the zoom buttons and pan when zoomed; download, share (Web Share with the image
 * file where the browser can), add to cart, another photo, another variant.
 */
export class ResultView implements View, ReactiveController {
  readonly #compare = atom(UNZOOMED);
  #jobId?: string;
  #file?: File;
  #pointers = new Map<number, { x: number; y: number }>();
  #drag?: 'split' | 'pan';
  #pinch?: number;

  constructor(private readonly host: ViewHost) {
    host.addController(this);
    new StoreController(host, this.#compare);
  }

  /** A new result starts unzoomed, in the middle (before the render that shows it). */
  hostUpdate() {
    const state = this.host.flow.$state.get();
    if (state.step === 'result' && state.jobId !== this.#jobId) this.#reset(state);
  }

  /** Through the CSSOM, not a style attribute: allowed under a CSP without 'unsafe-inline'. */
  hostUpdated() {
    const compare = this.host.renderRoot.querySelector<HTMLElement>('.compare');
    if (!compare) return;
    const { split, zoom, x, y } = this.#compare.get();
    compare.style.setProperty('--split', `${split}%`);
    compare.style.setProperty('--zoom', String(zoom));
    compare.style.setProperty('--x', `${x}px`);
    compare.style.setProperty('--y', `${y}px`);
  }

  render(state: FlowState) {
    if (state.step !== 'result') return nothing;
    const { split, zoom } = this.#compare.get();
    const { t, aiLabel } = this.host;
    const variants = this.host.variants();
    const product = this.host.productName();
    // On a model of the gallery, "before" is the model, not "Your photo".
    const before = this.host.flow.model?.label ?? t.before;
    const shareable = this.#file && navigator.canShare?.({ files: [this.#file] });
    return html`
      ${state.preview ? html`<p class="badge">${t.previewBadge}</p>` : nothing}
      <div
        class="compare ${zoom > 1 ? 'zoomed' : ''}"
        part="compare"
        @pointerdown=${this.#down}
        @pointermove=${this.#move}
        @pointerup=${this.#up}
        @pointercancel=${this.#up}
        @wheel=${this.#wheel}
      >
        <div class="layer before"><img class="before" src=${state.before} alt=${before} draggable="false" /></div>
        <div class="layer after"><img class="after" src=${state.after} alt=${[aiLabel, format(t.after, { product })].filter(Boolean).join(': ')} draggable="false" /></div>
        <span class="label before" aria-hidden="true">${before}</span>
        <span class="label after" aria-hidden="true">${aiLabel || t.title}</span>
        <input
          type="range"
          class="slider"
          min="0"
          max="100"
          step="1"
          data-autofocus
          .value=${String(split)}
          aria-label=${t.compareLabel}
          aria-valuetext=${format(t.compareValue, { percent: 100 - split })}
          @input=${(event: Event) => this.#setSplit(Number((event.target as HTMLInputElement).value))}
        />
        <span class="track"><span class="handle"></span></span>
        <div class="zoom">
          <button part="secondary-button" @click=${() => this.#zoomBy(1.5)} ?disabled=${zoom >= MAX_ZOOM}>${t.zoomIn}</button>
          <button part="secondary-button" @click=${() => this.#zoomBy(1 / 1.5)} ?disabled=${zoom <= 1}>${t.zoomOut}</button>
        </div>
      </div>
      ${
        variants.length > 1
          ? html`<div class="variants" role="group" aria-labelledby="variants-label">
            <span id="variants-label" class="muted">${t.variantsLabel}</span>
            ${variants.map(
              (variant) =>
                html`<button
                  part="secondary-button variant"
                  aria-pressed=${String(variant.id === state.variantId)}
                  @click=${() => variant.id !== state.variantId && this.host.flow.switchVariant(variant)}
                >
                  ${variant.name}
                </button>`,
            )}
          </div>`
          : nothing
      }
      <div class="actions result-actions">
        <button class="primary cart" part="primary-button" @click=${() => this.host.addToCart()}>${t.addToCart}</button>
        <button part="secondary-button" @click=${() => this.host.addToLook()}>${t.addToLook}</button>
        <a class="button" part="secondary-button" href=${state.after} download=${this.host.downloadName(state.variantId)}>${t.download}</a>
        ${shareable ? html`<button part="secondary-button" @click=${() => this.#share(product)}>${t.share}</button>` : nothing}
        <button part="secondary-button" @click=${() => this.host.flow.anotherPhoto()}>${t.anotherPhoto}</button>
      </div>
      <button class="link delete" part="secondary-button" @click=${() => this.host.flow.deletePhoto()}>${t.deletePhoto}</button>
    `;
  }

  #reset(result: TryOnResult) {
    this.#jobId = result.jobId;
    this.#compare.set(UNZOOMED);
    // From the flow's Blob, not fetch(blob:…): a strict connect-src does not allow blob: URLs.
    const { image } = result;
    this.#file = new File([image], this.host.downloadName(result.variantId), { type: image.type || 'image/jpeg' });
  }

  async #share(product: string) {
    try {
      await navigator.share({ files: [this.#file!], title: this.host.t.shareTitle, text: product });
    } catch {
      // Dismissed by the shopper, or refused: nothing to say.
    }
  }

  #setSplit(value: number) {
    this.#compare.set({ ...this.#compare.get(), split: Math.max(0, Math.min(100, Math.round(value))) });
  }

  #zoomBy(factor: number) {
    const { zoom, x, y } = this.#compare.get();
    const next = Math.max(1, Math.min(MAX_ZOOM, zoom * factor));
    this.#panTo(next, next === 1 ? 0 : x, next === 1 ? 0 : y);
  }

  /** Zooms and pans, keeping the image over the whole frame. */
  #panTo(zoom: number, x: number, y: number) {
    const box = this.host.renderRoot.querySelector('.compare')?.getBoundingClientRect();
    if (box) {
      const maxX = ((zoom - 1) * box.width) / 2;
      const maxY = ((zoom - 1) * box.height) / 2;
      x = Math.max(-maxX, Math.min(maxX, x));
      y = Math.max(-maxY, Math.min(maxY, y));
    }
    this.#compare.set({ ...this.#compare.get(), zoom, x, y });
  }

  /** Where the pointer is, as a split percentage from the inline start (right-to-left aware). */
  #splitAt(event: PointerEvent) {
    const box = (event.currentTarget as HTMLElement).getBoundingClientRect();
    const fraction = (event.clientX - box.left) / box.width;
    return (this.host.rtl ? 1 - fraction : fraction) * 100;
  }

  #down = (event: PointerEvent) => {
    if ((event.target as Element).closest('button')) return;
    const target = event.currentTarget as HTMLElement;
    target.setPointerCapture(event.pointerId);
    this.#pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (this.#pointers.size === 2) {
      this.#drag = undefined;
      this.#pinch = this.#distance();
      return;
    }
    const { split, zoom } = this.#compare.get();
    const nearHandle = Math.abs(this.#splitAt(event) - split) < 8;
    this.#drag = zoom > 1 && !nearHandle ? 'pan' : 'split';
    if (this.#drag === 'split') this.#setSplit(this.#splitAt(event));
    event.preventDefault();
  };

  #move = (event: PointerEvent) => {
    const last = this.#pointers.get(event.pointerId);
    if (!last) return;
    this.#pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (this.#pinch && this.#pointers.size === 2) {
      const distance = this.#distance();
      this.#zoomBy(distance / this.#pinch);
      this.#pinch = distance;
    } else if (this.#drag === 'split') {
      this.#setSplit(this.#splitAt(event));
    } else if (this.#drag === 'pan') {
      const { zoom, x, y } = this.#compare.get();
      this.#panTo(zoom, x + event.clientX - last.x, y + event.clientY - last.y);
    }
  };

  #up = (event: PointerEvent) => {
    this.#pointers.delete(event.pointerId);
    if (this.#pointers.size < 2) this.#pinch = undefined;
    if (!this.#pointers.size) this.#drag = undefined;
  };

  #wheel = (event: WheelEvent) => {
    event.preventDefault();
    this.#zoomBy(Math.exp(-event.deltaY / 300));
  };

  #distance() {
    const [a, b] = [...this.#pointers.values()];
    return Math.hypot(a.x - b.x, a.y - b.y) || 1;
  }
}

/** The class the dialog constructs when it loads this chunk (LAZY_VIEWS). */
export { ResultView as View };

export const styles = css`
  .compare {
    position: relative;
    display: grid;
    border-radius: 12px;
    overflow: hidden;
    touch-action: pan-y;
    user-select: none;
    -webkit-user-select: none;
    background: var(--well);
    cursor: ew-resize;
  }
  .compare.zoomed {
    touch-action: none;
    cursor: grab;
  }
  .layer {
    grid-area: 1 / 1;
    display: grid;
    overflow: hidden;
  }
  .layer img {
    display: block;
    inline-size: 100%;
    max-block-size: 62dvh;
    object-fit: contain;
    transform: translate(var(--x), var(--y)) scale(var(--zoom));
    transition: transform 0.12s ease-out;
  }
  .layer.after {
    clip-path: inset(0 0 0 var(--split));
  }
  [dir='rtl'] .layer.after {
    clip-path: inset(0 var(--split) 0 0);
  }
  .slider {
    position: absolute;
    inset-block-end: 0;
    inset-inline: 0;
    inline-size: 100%;
    margin: 0;
    opacity: 0;
    pointer-events: none;
  }
  .track {
    position: absolute;
    inset-block: 0;
    inset-inline-start: var(--split);
    inline-size: 3px;
    translate: -50% 0;
    background: #fff;
    box-shadow: 0 0 0 1px rgb(0 0 0 / 0.25);
    pointer-events: none;
  }
  [dir='rtl'] .track {
    translate: 50% 0;
  }
  .handle {
    position: absolute;
    inset-block-start: 50%;
    inset-inline-start: 50%;
    inline-size: 44px;
    block-size: 44px;
    translate: -50% -50%;
    border-radius: 50%;
    background: #fff
      url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24' fill='none' stroke='%231d1d1f' stroke-width='2' stroke-linecap='round' stroke-linejoin='round'%3E%3Cpath d='M9 7l-5 5 5 5M15 7l5 5-5 5'/%3E%3C/svg%3E")
      center / 24px no-repeat;
    box-shadow: 0 2px 8px rgb(0 0 0 / 0.3);
  }
  [dir='rtl'] .handle {
    translate: 50% -50%;
  }
  .slider:focus-visible + .track .handle {
    outline: 3px solid var(--focus);
    outline-offset: 2px;
  }
  .label {
    position: absolute;
    inset-block-start: 8px;
    padding: 2px 10px;
    border-radius: 999px;
    background: rgb(0 0 0 / 0.65);
    color: #fff;
    font-size: 13px;
    pointer-events: none;
  }
  .label.before {
    inset-inline-start: 8px;
  }
  .label.after {
    inset-inline-end: 8px;
  }
  .zoom {
    position: absolute;
    inset-block-end: 8px;
    inset-inline: 0;
    display: flex;
    justify-content: center;
    gap: 6px;
    pointer-events: none;
  }
  .compare .zoom button {
    pointer-events: auto;
    min-block-size: 44px;
    padding: 0 12px;
    border: 0;
    background: rgb(0 0 0 / 0.65);
    color: #fff;
    font-size: 14px;
  }
  .compare .zoom button:disabled {
    opacity: 0.4;
  }
  .variants {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
  }
  .variants span {
    flex-basis: 100%;
  }
  .variants button {
    min-block-size: 44px;
    padding: 0 16px;
  }
  .variants button[aria-pressed='true'] {
    border: 2px solid var(--accent);
  }
  .result-actions .cart {
    flex-basis: 100%;
  }
  .delete {
    justify-self: center;
  }
  .badge {
    justify-self: start;
    padding: 2px 10px;
    border-radius: 999px;
    background: #fff4ce;
    color: #5c4400;
    font-size: 13px;
  }
  @media (prefers-reduced-motion: reduce) {
    .layer img {
      transition: none;
    }
  }
`;
