import { css, html, nothing, type ReactiveController } from 'lit';
import { atom } from 'nanostores';
import { StoreController } from '../store-controller.js';
import type { View, ViewHost } from '../views.js';

type Facing = 'user' | 'environment';

/** Try-on models want a portrait: the preview shows, and the capture keeps, a 3:4 frame. */
const RATIO = 3 / 4;

/**
 * The live camera step (a lazy chunk): a mirrored preview for the front camera, a
 * full-body outline to stand in, an optional 3-second timer, front/back switch. A capture
 * becomes a JPEG that goes through the same preparation as a chosen file. The camera's
 * tracks stop whenever the shopper leaves this step or closes the dialog (`stop`).
 */
export class CameraView implements View, ReactiveController {
  readonly #stream = atom<MediaStream | undefined>();
  readonly #facing = atom<Facing>('user');
  /** How many cameras the device has: a switch button when there is more than one. */
  readonly #cameras = atom(0);
  /** The timer's seconds left, 0 when none runs. */
  readonly #count = atom(0);
  #timer = false;
  #countdown?: ReturnType<typeof setTimeout>;
  #starting?: Promise<void>;
  #active = false;

  constructor(private readonly host: ViewHost) {
    host.addController(this);
    new StoreController(host, this.#stream, this.#facing, this.#cameras, this.#count);
  }

  /** The live stream, for tests and for the dialog's clean-up. */
  get stream() {
    return this.#stream.get();
  }

  hostUpdated() {
    const video = this.host.renderRoot.querySelector<HTMLVideoElement>('video.live');
    const stream = this.#stream.get();
    if (video && stream && video.srcObject !== stream) {
      video.srcObject = stream;
      void video.play().catch(() => undefined);
    }
  }

  render() {
    if (!this.#active) {
      this.#active = true;
      void this.#start();
    }
    const t = this.host.t;
    const stream = this.#stream.get();
    const count = this.#count.get();
    return html`
      <div class="camera" part="camera">
        <video class="live ${this.#facing.get() === 'user' ? 'mirror' : ''}" playsinline muted autoplay aria-hidden="true"></video>
        <svg class="guide" viewBox="0 0 300 400" preserveAspectRatio="xMidYMid meet" aria-hidden="true">
          <path
            d="M150 34c-17 0-29 13-29 31s12 33 29 33 29-15 29-33-12-31-29-31zm-30 70c-22 4-38 14-42 36l-13 92c-1 9 13 12 15 3l15-78 4 64-7 130c0 10 17 11 18 1l13-118h14l13 118c1 10 18 9 18-1l-7-130 4-64 15 78c2 9 16 6 15-3l-13-92c-4-22-20-32-42-36l-15 6z"
          />
        </svg>
        ${count ? html`<span class="count" aria-hidden="true">${count}</span>` : nothing}
        <p class="guide-text">${stream ? t.cameraGuide : t.cameraStarting}</p>
      </div>
      <div class="camera-actions">
        <button part="secondary-button" @click=${() => this.host.flow.anotherPhoto()}>${t.back}</button>
        <button
          class="primary shutter"
          part="primary-button"
          data-autofocus
          ?disabled=${!stream}
          aria-disabled=${count ? 'true' : 'false'}
          @click=${() => this.#shoot()}
        >
          ${t.capture}
        </button>
        ${this.#cameras.get() > 1 ? html`<button part="secondary-button" @click=${() => this.#switch()}>${t.switchCamera}</button>` : nothing}
      </div>
      <label class="check timer">
        <input type="checkbox" part="checkbox" .checked=${this.#timer} @change=${(e: Event) => (this.#timer = (e.target as HTMLInputElement).checked)} />
        <span>${t.timer}</span>
      </label>
    `;
  }

  /** Stops the camera: every track, the countdown, the preview. */
  stop() {
    this.#active = false;
    clearTimeout(this.#countdown);
    this.#count.set(0);
    this.#closeStream();
    const video = this.host.renderRoot.querySelector<HTMLVideoElement>('video.live');
    if (video) video.srcObject = null;
  }

  async #start() {
    await this.#starting;
    this.#starting = this.#open();
    return this.#starting;
  }

  async #open() {
    try {
      if (!navigator.mediaDevices?.getUserMedia) throw new DOMException('', 'NotFoundError');
      const stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { facingMode: { ideal: this.#facing.get() }, width: { ideal: 1920 }, height: { ideal: 1920 } },
      });
      if (!this.#active) {
        // The shopper left while the permission prompt was up.
        for (const track of stream.getTracks()) track.stop();
        return;
      }
      this.#stream.set(stream);
      const devices = await navigator.mediaDevices.enumerateDevices().catch(() => []);
      this.#cameras.set(devices.filter((device) => device.kind === 'videoinput').length);
      await this.host.updateComplete;
      this.host.renderRoot.querySelector<HTMLElement>('.shutter')?.focus();
    } catch (error) {
      this.#active = false;
      const name = (error as DOMException).name;
      this.host.flow.cameraFailed(name === 'NotAllowedError' || name === 'SecurityError' ? 'camera-denied' : 'camera-missing');
    }
  }

  async #switch() {
    this.#facing.set(this.#facing.get() === 'user' ? 'environment' : 'user');
    this.#closeStream();
    await this.#start();
  }

  #closeStream() {
    for (const track of this.#stream.get()?.getTracks() ?? []) track.stop();
    this.#stream.set(undefined);
  }

  #shoot() {
    if (this.#count.get() || !this.#stream.get()) return;
    if (!this.#timer) return void this.#capture();
    const tick = (n: number) => {
      this.#count.set(n);
      this.host.announce(n ? String(n) : '');
      if (!n) return void this.#capture();
      this.#countdown = setTimeout(() => tick(n - 1), 1000);
    };
    this.host.announce(this.host.t.countdown.replace('{seconds}', '3'));
    this.#count.set(3);
    this.#countdown = setTimeout(() => tick(2), 1000);
  }

  /** The frame as it was seen (centre 3:4), never mirrored: text on clothes must read the right way round. */
  async #capture() {
    const video = this.host.renderRoot.querySelector<HTMLVideoElement>('video.live');
    if (!video?.videoWidth) return;
    const { videoWidth: width, videoHeight: height } = video;
    const sw = width / height > RATIO ? Math.round(height * RATIO) : width;
    const sh = width / height > RATIO ? height : Math.round(width / RATIO);
    const canvas = document.createElement('canvas');
    canvas.width = sw;
    canvas.height = sh;
    canvas.getContext('2d')!.drawImage(video, (width - sw) / 2, (height - sh) / 2, sw, sh, 0, 0, sw, sh);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.92));
    this.stop();
    if (blob) void this.host.flow.choosePhoto(blob, 'camera');
  }
}

/** The class the dialog constructs when it loads this chunk (LAZY_VIEWS). */
export { CameraView as View };

export const styles = css`
  .camera {
    position: relative;
    display: grid;
    aspect-ratio: 3 / 4;
    max-block-size: 62dvh;
    margin-inline: auto;
    inline-size: 100%;
    max-inline-size: calc(62dvh * 0.75);
    border-radius: 12px;
    overflow: hidden;
    background: #111;
    color: #fff;
  }
  .camera > * {
    grid-area: 1 / 1;
  }
  /* Above the video, which the browser may paint in a layer of its own. */
  .camera > :not(video) {
    position: relative;
    z-index: 1;
  }
  .camera video {
    inline-size: 100%;
    block-size: 100%;
    object-fit: cover;
  }
  .camera video.mirror {
    scale: -1 1;
  }
  .guide {
    inline-size: 100%;
    block-size: 100%;
    fill: rgb(255 255 255 / 0.1);
    stroke: rgb(255 255 255 / 0.85);
    stroke-width: 2;
    stroke-dasharray: 6 5;
    pointer-events: none;
  }
  .guide-text {
    align-self: end;
    margin: 12px;
    padding: 6px 12px;
    justify-self: center;
    border-radius: 999px;
    background: rgb(0 0 0 / 0.6);
    font-size: 14px;
    text-align: center;
  }
  .count {
    place-self: center;
    font-size: 96px;
    font-weight: 700;
    text-shadow: 0 2px 12px rgb(0 0 0 / 0.6);
  }
  .camera-actions {
    display: flex;
    gap: 8px;
    justify-content: center;
    flex-wrap: wrap;
  }
  .shutter {
    min-inline-size: 160px;
  }
  .timer {
    justify-self: center;
  }
`;
