import { html, nothing } from 'lit';
import { atom } from 'nanostores';
import type { FlowState } from './flow-state.js';
import { StoreController } from './store-controller.js';
import type { View, ViewHost } from './views.js';

const CAMERA_ICON = html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 8h3l2-3h6l2 3h3v11H4zM12 16.5a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7" /></svg>`;
const PHOTO_ICON = html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 5h16v14H4zM4 15l4-4 4 4 3-3 5 5M15.5 9.5h.01" /></svg>`;

/**
 * The photo step: the remembered photo if there is one, the camera, the file picker and a
 * drop zone, and the "remember my photo" opt-in. Part of the dialog's chunk (it is the step
 * every try-on passes), unlike the camera and result views.
 */
export class PhotoStep implements View {
  readonly #dragging = atom(false);

  constructor(private readonly host: ViewHost) {
    new StoreController(host, this.#dragging);
  }

  render(state: FlowState) {
    const { t, flow } = this.host;
    const notice = state.step === 'photo' ? state.notice : undefined;
    const saved = flow.$saved.get();
    const dragging = this.#dragging.get();
    const camera = !!navigator.mediaDevices?.getUserMedia;
    const noticeKey = notice === 'deleted' ? 'deleted' : notice === 'camera-denied' ? 'cameraDenied' : 'cameraMissing';
    return html`
      ${notice ? html`<p class="notice" part="notice" role="status">${t[noticeKey]}</p>` : nothing}
      ${
        saved
          ? html`<div class="saved">
            <img src=${saved.url} alt=${t.savedHeading} />
            <div>
              <p><strong>${t.savedHeading}</strong></p>
              <button class="primary" part="primary-button" data-autofocus @click=${() => flow.useSaved()}>${t.useSaved}</button>
              <button class="link" part="secondary-button" @click=${() => flow.deletePhoto()}>${t.deletePhoto}</button>
            </div>
          </div>`
          : nothing
      }
      <div class="drop ${dragging ? 'over' : ''}" @dragover=${this.#onDragOver} @dragleave=${() => this.#dragging.set(false)} @drop=${this.#onDrop}>
        <p><strong>${t.photoHeading}</strong></p>
        <p class="muted">${t.photoTips}</p>
        <div class="sources">
          ${
            camera
              ? html`<button
                class=${saved ? '' : 'primary'}
                part=${saved ? 'secondary-button camera-button' : 'primary-button camera-button'}
                ?data-autofocus=${!saved && notice !== 'camera-denied' && notice !== 'camera-missing'}
                @click=${() => flow.openCamera()}
              >
                ${CAMERA_ICON}${t.useCamera}
              </button>`
              : nothing
          }
          <label class="button ${camera || saved ? '' : 'primary'}" part="secondary-button file-button">
            <!-- accept="image/*", not a list of types: iOS hands the page a JPEG whatever accept says,
                 macOS Safari converts HEIC to the first listed type unless HEIC is allowed (so with image/* it
                 passes HEIC, which Safari decodes itself), and Chrome's file dialog would hide .heic files
                 behind a narrower list. HEIC that arrives anyway is decoded by photo/heic.ts. -->
            <input type="file" accept="image/*" class="visually-hidden" ?data-autofocus=${!saved && (!camera || !!notice)} @change=${this.#onFileChange} />
            ${PHOTO_ICON}${t.choosePhoto}
          </label>
          ${this.host.modelButton()}
        </div>
        <p class="muted drop-hint" aria-hidden="true">${dragging ? t.dropActive : t.dropHint}</p>
      </div>
      ${
        saved
          ? nothing
          : html`<label class="check">
            <input type="checkbox" part="checkbox" .checked=${flow.$remember.get()} @change=${(event: Event) => flow.$remember.set((event.target as HTMLInputElement).checked)} />
            <span>${t.remember}<br /><span class="muted">${t.rememberHint}</span></span>
          </label>`
      }
      ${this.host.retentionNote('retentionNote')}
    `;
  }

  #onFileChange = (event: Event) => {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file) void this.host.flow.choosePhoto(file, 'file');
  };

  #onDragOver = (event: DragEvent) => {
    event.preventDefault();
    this.#dragging.set(true);
  };

  #onDrop = (event: DragEvent) => {
    event.preventDefault();
    this.#dragging.set(false);
    const file = event.dataTransfer?.files[0];
    if (file) void this.host.flow.choosePhoto(file, 'drop');
  };
}
