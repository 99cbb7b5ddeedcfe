/**
 * "Try on a model" (a lazy chunk, loaded when the proxy has models): the button, and the merchant's gallery from
 * `GET /models` in place of the consent or photo step — each model's label, height and size worn,
 * images loaded lazily — and, on a model's result, the line saying the image is AI-made. Choosing a
 * model runs the try-on with `modelId` and no photo, so the photo-processing consent is not asked.
 */
import { css, html, nothing } from 'lit';
import { atom } from 'nanostores';
import type { ModelView } from '../../../contract.js';
import type { FlowState } from '../flow-state.js';
import { format } from '../messages.js';
import type { DialogHost } from '../product.js';
import { StoreController } from '../store-controller.js';
import type { View, ViewHost } from '../views.js';
import { modelStrings, type ModelStrings } from './model-strings.js';

export interface ModelHost extends ViewHost {
  readonly host: DialogHost;
}

export class GalleryView implements View {
  readonly #open = atom(false);

  constructor(private readonly dialog: ModelHost) {
    new StoreController(dialog, this.#open);
  }

  /** Whether the gallery stands in for the step. */
  get open() {
    return this.#open.get();
  }

  /** "Try on a model", on the consent and photo steps. */
  button() {
    return html`<button part="secondary-button" data-models @click=${() => this.show()}>${this.#t().tryModel}</button>`;
  }

  /** Opens the gallery, focus on its first model. */
  async show() {
    this.#open.set(true);
    await this.dialog.updateComplete;
    this.dialog.renderRoot.querySelector<HTMLElement>('.models [data-autofocus]')?.focus();
  }

  render(state: FlowState) {
    const t = this.#t();
    if (state.step === 'result' && this.dialog.flow.model) return html`<p class="muted model-disclosure">${t.modelDisclosure}</p>`;
    if (!this.#open.get() || (state.step !== 'photo' && state.step !== 'consent')) return nothing;
    const base = this.#base();
    return html`
      <section class="models" aria-labelledby="models-heading">
        <h3 id="models-heading">${t.modelsHeading}</h3>
        <p class="muted">${t.modelsIntro}</p>
        <ul class="model-list">
          ${this.dialog.flow.models.map(
            (model, index) =>
              html`<li>
                <button class="model" part="secondary-button" ?data-autofocus=${index === 0} @click=${() => this.#choose(model, base)}>
                  <img src=${new URL(model.imageUrl, base).href} alt="" loading="lazy" width="96" height="128" />
                  <span
                    ><strong>${model.label}</strong><br /><span class="muted">${format(t.modelHeight, { height: model.height })}</span><br /><span class="muted"
                      >${format(t.modelSize, { size: model.size })}</span
                    ></span
                  >
                </button>
              </li>`,
          )}
        </ul>
        <div class="actions">
          <button part="secondary-button" @click=${() => this.#close()}>${this.dialog.t.back}</button>
        </div>
      </section>
    `;
  }

  #choose(model: ModelView, base: URL) {
    this.#open.set(false);
    void this.dialog.flow.tryModel({ id: model.id, label: model.label, url: new URL(model.imageUrl, base).href });
  }

  /** Back to the step, focus on the button that opened the gallery. */
  async #close() {
    this.#open.set(false);
    await this.dialog.updateComplete;
    this.dialog.renderRoot.querySelector<HTMLElement>('[data-models]')?.focus();
  }

  /** The proxy's endpoint as a directory: model images are relative to it, like the client's requests. */
  #base() {
    const base = new URL(this.dialog.host.endpoint || '.', location.href);
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    return base;
  }

  #locale() {
    return this.dialog.renderRoot.querySelector('dialog')?.lang || 'en';
  }

  #t(): ModelStrings {
    return modelStrings(this.#locale(), this.dialog.host.strings);
  }
}

/** The class the dialog constructs when it loads this chunk (LAZY_VIEWS). */
export { GalleryView as View };

export const styles = css`
  .models {
    display: grid;
    gap: 8px;
  }
  .models h3 {
    margin: 0;
  }
  .model-list {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(220px, 1fr));
    gap: 8px;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .models button.model {
    display: flex;
    align-items: center;
    gap: 12px;
    inline-size: 100%;
    padding: 8px;
    justify-content: flex-start;
    border-radius: 12px;
    text-align: start;
  }
  .models button.model .muted {
    font-weight: normal;
  }
  .model img {
    inline-size: 72px;
    block-size: 96px;
    object-fit: cover;
    border-radius: 8px;
    background: var(--well);
  }
`;
