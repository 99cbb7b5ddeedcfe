import { atom } from 'nanostores';
import type { JobView } from '../../contract.js';
import type { Variant } from '../../events.js';
import { ProxyClient, ProxyError } from '../../client/proxy-client.js';
import { PhotoError } from '../../photo/photo-error.js';
import { preparePhotoOffThread } from '../../photo/prepare-off-thread.js';
import type { PhotoCheck } from '../../photo/preflight.js';
import { CONSENT_VERSION, hasConsent, mayHaveSavedPhoto, saveConsent } from './consent.js';
import type { FailureCode } from './messages.js';

export interface ProductContext {
  endpoint: string;
  garment: string;
  category: string;
  productId?: string;
  variantId?: string;
}

/** How the photo came in. */
export type PhotoSource = 'camera' | 'file' | 'drop' | 'paste' | 'saved';
/** Said on the photo step after something sent the shopper back there. */
export type Notice = 'camera-denied' | 'camera-missing' | 'deleted';
export type Stage = 'preparing' | 'uploading' | 'queued' | 'generating';

export type FlowState =
  | { step: 'consent' }
  | { step: 'photo'; notice?: Notice }
  | { step: 'camera' }
  | { step: 'preparing' }
  | { step: 'review'; checks: PhotoCheck[] }
  | { step: 'uploading'; progress: number }
  | { step: 'queued' }
  | { step: 'generating'; progress?: number }
  | { step: 'result'; before: string; after: string; jobId: string; preview: boolean; variantId?: string }
  | { step: 'error'; code: FailureCode };

export type FlowEvent =
  | { type: 'consent'; version: number }
  | { type: 'photo'; source: PhotoSource; checks: PhotoCheck['code'][] }
  | { type: 'submit'; jobId: string; reusedPhoto: boolean }
  | { type: 'progress'; stage: Stage; percent?: number }
  | { type: 'result'; jobId: string }
  | { type: 'error'; code: FailureCode; message: string };

const BUSY_STEPS: FlowState['step'][] = ['preparing', 'uploading', 'queued', 'generating'];

interface Photo {
  blob: Blob;
  width: number;
  height: number;
  url: string;
}

/**
 * The try-on state machine of one dialog: consent → photo (→ camera) → preparing (→ review
 * when the preflight has advice) → uploading → queued → generating → result, or error. The
 * dialog renders `$state`; this class owns every side effect, so closing the dialog
 * (`release`) stops all of them in one place.
 */
export class TryOnFlow {
  readonly $state = atom<FlowState>(hasConsent() ? { step: 'photo' } : { step: 'consent' });
  /** "Remember my photo on this device": opt-in, set by the photo step's checkbox. */
  remember = false;
  /** The remembered photo, once loaded from this device. */
  saved?: Photo;
  /** A variant picked inside the dialog; otherwise the element's own garment and variant-id. */
  variant?: Variant;
  /** Where the current photo came from, so "another photo" can go back there. */
  lastSource?: PhotoSource;
  #client?: ProxyClient;
  #endpoint?: string;
  #run?: AbortController;
  #photo?: Photo;
  #personRef?: string;
  /** Jobs of this dialog whose photo or result may still be stored by the proxy. */
  #jobs = new Set<string>();
  #current?: string;
  #resultUrl?: string;
  /** The result image, for download and Web Share. */
  resultImage?: Blob;

  constructor(
    private readonly product: () => ProductContext,
    private readonly emit: (event: FlowEvent) => void,
  ) {}

  get client(): ProxyClient {
    const { endpoint } = this.product();
    if (!this.#client || endpoint !== this.#endpoint) {
      this.#client = new ProxyClient(endpoint);
      this.#endpoint = endpoint;
      this.#personRef = undefined;
    }
    return this.#client;
  }

  get photoUrl() {
    return this.#photo?.url;
  }

  acceptConsent() {
    saveConsent();
    this.emit({ type: 'consent', version: CONSENT_VERSION });
    this.$state.set({ step: 'photo' });
  }

  /** Loads the remembered photo, if this device has one (no network: nothing is uploaded until the shopper taps). */
  async loadSaved(): Promise<void> {
    if (this.saved || !mayHaveSavedPhoto()) return;
    try {
      const saved = await (await import('../../photo/photo-store.js')).loadSavedPhoto();
      if (saved && !this.saved) this.saved = { ...saved, url: URL.createObjectURL(saved.blob) };
      this.remember ||= !!saved;
    } catch {
      // IndexedDB unavailable (private mode): the shopper picks a photo as usual.
    }
    this.$state.set({ ...this.$state.get() });
  }

  openCamera() {
    this.#restart();
    this.$state.set({ step: 'camera' });
  }

  /** The camera could not start (denied, missing): back to the file picker, saying why. */
  cameraFailed(notice: 'camera-denied' | 'camera-missing') {
    this.$state.set({ step: 'photo', notice });
  }

  /** Prepares the chosen photo on the device, checks it, then runs the try-on with it. */
  async choosePhoto(file: Blob, source: PhotoSource = 'file') {
    const run = this.#restart();
    this.#forgetPhoto();
    this.$state.set({ step: 'preparing' });
    this.emit({ type: 'progress', stage: 'preparing' });
    try {
      const prepared = await preparePhotoOffThread(file);
      if (run.signal.aborted) return;
      this.#photo = { blob: prepared.blob, width: prepared.width, height: prepared.height, url: URL.createObjectURL(prepared.blob) };
      this.lastSource = source;
      this.emit({ type: 'photo', source, checks: prepared.checks.map((check) => check.code) });
      if (prepared.checks.length) return this.$state.set({ step: 'review', checks: prepared.checks });
      await this.#tryOn(run.signal);
    } catch (error) {
      this.#fail(error, run.signal);
    }
  }

  /** "Use this photo anyway" after advisory preflight warnings. */
  proceed() {
    return this.retry();
  }

  /** One tap on the remembered photo: it is uploaded now, not before. */
  async useSaved() {
    if (!this.saved) return;
    const run = this.#restart();
    this.#forgetPhoto();
    this.#photo = { ...this.saved, url: URL.createObjectURL(this.saved.blob) };
    this.lastSource = 'saved';
    this.emit({ type: 'photo', source: 'saved', checks: [] });
    try {
      await this.#tryOn(run.signal);
    } catch (error) {
      this.#fail(error, run.signal);
    }
  }

  /** Runs again with the same photo: after a failure, or for another variant. */
  async retry() {
    if (!this.#photo) return this.$state.set({ step: 'photo' });
    const run = this.#restart();
    try {
      await this.#tryOn(run.signal);
    } catch (error) {
      this.#fail(error, run.signal);
    }
  }

  /** Tries another variant on the same photo: the proxy already has it (`personRef`), so nothing is uploaded again. */
  switchVariant(variant: Variant) {
    this.variant = variant;
    return this.retry();
  }

  anotherPhoto() {
    this.#restart();
    this.#forgetPhoto();
    this.$state.set({ step: 'photo' });
  }

  /** The shopper pressed Cancel: stop the run, delete its server copies, and offer the photo step. */
  cancel() {
    this.#restart();
    this.$state.set({ step: 'photo' });
  }

  /** "Delete my photo": the copy on this device and every copy this dialog made on the server, at once. */
  async deletePhoto() {
    this.#restart();
    const jobs = [...this.#jobs];
    this.#jobs.clear();
    this.#forgetPhoto();
    if (this.saved) URL.revokeObjectURL(this.saved.url);
    this.saved = undefined;
    this.remember = false;
    await Promise.all([
      ...jobs.map((id) => this.#client?.deleteJob(id)),
      import('../../photo/photo-store.js').then((store) => store.deleteSavedPhoto()).catch(() => undefined),
    ]);
    this.$state.set({ step: 'photo', notice: 'deleted' });
  }

  /**
   * The dialog closed: stop whatever runs and delete every server copy this dialog made.
   * A finished result stays on this device only, so reopening shows it again.
   */
  release() {
    const { step } = this.$state.get();
    this.#run?.abort();
    for (const id of this.#jobs) void this.#client?.deleteJob(id);
    this.#jobs.clear();
    this.#personRef = undefined;
    if (step !== 'result' && step !== 'consent') this.$state.set({ step: 'photo' });
  }

  /** Forgets everything: used when the element leaves the page. */
  dispose() {
    this.release();
    this.#forgetResult();
    this.#forgetPhoto();
  }

  async #tryOn(signal: AbortSignal): Promise<void> {
    const photo = this.#photo!;
    if (this.remember && this.saved?.blob !== photo.blob) void this.#remember(photo);
    const product = this.product();
    const variant = this.variant;
    const client = this.client;
    const person = this.#personRef ? { personRef: this.#personRef } : { person: photo.blob };
    this.#progress({ step: 'uploading', progress: 0 });
    let created;
    try {
      created = await client.createJob(
        {
          ...person,
          garment: absolute(variant?.garment ?? product.garment),
          category: product.category,
          productId: product.productId,
          variantId: variant?.id ?? product.variantId,
        },
        { signal, onUploadProgress: (progress) => this.#progress({ step: 'uploading', progress }) },
      );
    } catch (error) {
      // The stored photo expired or belongs to an ended session: upload it again, once.
      if (!(error instanceof ProxyError) || error.code !== 'PERSON_REF_NOT_FOUND' || !('personRef' in person)) throw error;
      this.#personRef = undefined;
      return this.#tryOn(signal);
    }
    this.#personRef = created.personRef;
    this.#current = created.id;
    this.#jobs.add(created.id);
    this.emit({ type: 'submit', jobId: created.id, reusedPhoto: 'personRef' in person });
    this.#progress({ step: 'queued' });
    const final = await client.watchJob(created.id, (view) => this.#onUpdate(view), signal);
    if (final.status !== 'succeeded') throw new ProxyError(final.error?.code ?? 'TRYON_FAILED', final.error?.message ?? '', true);
    const image = await client.fetchResult(final, signal);
    if (signal.aborted) return;
    this.resultImage = image;
    this.#resultUrl = URL.createObjectURL(image);
    this.$state.set({
      step: 'result',
      before: photo.url,
      after: this.#resultUrl,
      jobId: created.id,
      preview: !!final.preview,
      variantId: variant?.id ?? product.variantId,
    });
    this.emit({ type: 'result', jobId: created.id });
  }

  async #remember(photo: Photo) {
    try {
      await (await import('../../photo/photo-store.js')).savePhoto({ blob: photo.blob, width: photo.width, height: photo.height });
      if (this.saved) URL.revokeObjectURL(this.saved.url);
      this.saved = { ...photo, url: URL.createObjectURL(photo.blob) };
    } catch {
      // Storage full or blocked: the try-on goes on; the photo just isn't remembered.
    }
  }

  #onUpdate(view: JobView) {
    if (view.status === 'queued') this.#progress({ step: 'queued' });
    else if (view.status === 'running') this.#progress({ step: 'generating', progress: view.progress });
  }

  #progress(state: Extract<FlowState, { step: Stage }>) {
    this.$state.set(state);
    const progress = 'progress' in state ? state.progress : undefined;
    this.emit({ type: 'progress', stage: state.step, percent: progress == null ? undefined : Math.round(progress * 100) });
  }

  #fail(error: unknown, signal: AbortSignal) {
    if (signal.aborted) return;
    const code = error instanceof ProxyError || error instanceof PhotoError ? error.code : 'INTERNAL';
    if (code === 'INTERNAL') console.error('[fitting-room]', error);
    this.$state.set({ step: 'error', code });
    this.emit({ type: 'error', code, message: error instanceof Error ? error.message : String(error) });
  }

  /** Aborts the current run (deleting its job if it never finished) and starts a new one. */
  #restart(): AbortController {
    this.#run?.abort();
    if (this.#current && BUSY_STEPS.includes(this.$state.get().step)) {
      void this.#client?.deleteJob(this.#current);
      this.#jobs.delete(this.#current);
    }
    this.#current = undefined;
    this.#forgetResult();
    this.#run = new AbortController();
    return this.#run;
  }

  #forgetResult() {
    if (this.#resultUrl) URL.revokeObjectURL(this.#resultUrl);
    this.#resultUrl = undefined;
    this.resultImage = undefined;
  }

  #forgetPhoto() {
    if (this.#photo) URL.revokeObjectURL(this.#photo.url);
    this.#photo = undefined;
    this.#personRef = undefined;
  }
}

const absolute = (url: string) => new URL(url, document.baseURI).href;
