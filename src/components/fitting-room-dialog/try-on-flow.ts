import { atom } from 'nanostores';
import { ProxyClient, ProxyError } from '../../client/proxy-client.js';
import type { JobCreated, ModelView } from '../../contract.js';
import type { Variant } from '../../events.js';
import { PhotoError } from '../../photo/photo-error.js';
import { preparePhotoOffThread } from '../../photo/prepare-off-thread.js';
import type { PhotoCheck } from '../../photo/preflight.js';
import { CONSENT_VERSION, consentReceipt, hasConsent, mayHaveSavedPhoto, saveConsent } from './consent.js';
import { isBusy, reportsProgress, transition, type FlowAction, type FlowState, type PhotoSource, type Stage, type TryOnResult } from './flow-state.js';
import type { FailureCode } from './messages.js';

export interface ProductContext {
  endpoint: string;
  garment: string;
  category: string;
  productId?: string;
  variantId?: string;
}

export type FlowEvent =
  | { type: 'consent'; version: number }
  | { type: 'photo'; source: PhotoSource; checks: PhotoCheck['code'][] }
  | { type: 'submit'; jobId: string; reusedPhoto: boolean }
  | { type: 'progress'; stage: Stage; percent?: number }
  | { type: 'result'; jobId: string }
  | { type: 'error'; code: FailureCode; message: string };

/** A photo prepared on this device, with an object URL to show it. */
export interface Photo {
  blob: Blob;
  width: number;
  height: number;
  url: string;
}

/**
 * One dialog's try-on. Its state lives in nanostores atoms (`$state` and the rest), which the
 * dialog renders; which step follows which is decided by `transition` (flow-state.ts). Nothing
 * is derived through `computed`: its lifecycle code would cost ~440 B gzip of the try-on budget.
 * It owns every side effect — the proxy client, the prepared photo, the running job and their
 * clean-up — so closing the dialog (`release`) stops all of them in one place.
 */
export class TryOnFlow {
  readonly $state = atom<FlowState>(hasConsent() ? { step: 'photo' } : { step: 'consent' });
  /** The photo of the current run, prepared on this device. */
  readonly $photo = atom<Photo | undefined>();
  /** The remembered photo, once loaded from this device. */
  readonly $saved = atom<Photo | undefined>();
  /** "Remember my photo on this device": opt-in, set by the photo step's checkbox. */
  readonly $remember = atom(false);
  /** A variant picked inside the dialog; otherwise the element's own garment and variant-id. */
  readonly $variant = atom<Variant | undefined>();
  /** How long the proxy keeps photos, in seconds, once a session says so. */
  readonly $retention = atom<number | undefined>();
  /** The merchant's model gallery (`GET /models`), once asked; empty when there is none. */
  models: ModelView[] = [];
  /** Where the current photo came from, so "another photo" can go back there. */
  lastSource?: PhotoSource;
  /** A look tried on whole (set by the look view): its garments in the order they go on; otherwise the product. */
  look?: { garment: string; category: string; productId?: string; variantId?: string }[];
  /** The gallery's model worn instead of a photo (set by the model view): no personal photo leaves the device. */
  model?: { id: string; url: string; label: string };
  #client?: ProxyClient;
  #endpoint?: string;
  #run?: AbortController;
  #personRef?: string;
  /** Jobs of this dialog whose photo or result may still be stored by the proxy. */
  #jobs = new Set<string>();
  #current?: string;

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

  /** `text` is the consent as the shopper saw it, in `locale`: its hash goes with every job as the receipt. */
  acceptConsent(text: string, locale: string) {
    void saveConsent(text, locale);
    this.emit({ type: 'consent', version: CONSENT_VERSION });
    this.#apply({ type: 'consented' });
  }

  /** Asks the proxy how long it keeps photos (this opens the session), once. */
  async loadRetention(): Promise<void> {
    if (this.$retention.get()) return;
    try {
      this.$retention.set(await this.client.retentionSeconds());
    } catch {
      // The consent still works without the retention line; the upload will report the problem.
    }
  }

  /** Asks the proxy for its model gallery, once per dialog; resolves to it. */
  async loadModels(): Promise<ModelView[]> {
    if (!this.models.length) this.models = await this.client.models().catch(() => []);
    return this.models;
  }

  /** Runs the try-on on the chosen model of the gallery instead of a photo. */
  tryModel(model: { id: string; url: string; label: string }) {
    this.#forgetPhoto();
    this.model = model;
    return this.retry();
  }

  /** Loads the remembered photo, if this device has one (no network: nothing is uploaded until the shopper taps). */
  async loadSaved(): Promise<void> {
    if (this.$saved.get() || !mayHaveSavedPhoto()) return;
    try {
      const saved = await (await import('../../photo/photo-store.js')).loadSavedPhoto();
      if (saved && !this.$saved.get()) this.$saved.set({ ...saved, url: URL.createObjectURL(saved.blob) });
      if (saved) this.$remember.set(true);
    } catch {
      // IndexedDB unavailable (private mode): the shopper picks a photo as usual.
    }
  }

  openCamera() {
    this.#restart();
    this.#apply({ type: 'camera-opened' });
  }

  /** The camera could not start (denied, missing): back to the file picker, saying why. */
  cameraFailed(notice: 'camera-denied' | 'camera-missing') {
    this.#apply({ type: 'camera-failed', notice });
  }

  /** Prepares the chosen photo on the device, checks it, then runs the try-on with it. */
  async choosePhoto(file: Blob, source: PhotoSource = 'file') {
    const run = this.#restart();
    this.#forgetPhoto();
    this.#apply({ type: 'photo-chosen' });
    try {
      const prepared = await preparePhotoOffThread(file);
      if (run.signal.aborted) return;
      this.$photo.set({ blob: prepared.blob, width: prepared.width, height: prepared.height, url: URL.createObjectURL(prepared.blob) });
      this.lastSource = source;
      this.emit({ type: 'photo', source, checks: prepared.checks.map((check) => check.code) });
      this.#apply({ type: 'photo-prepared', checks: prepared.checks });
      if (!prepared.checks.length) await this.#tryOn(run.signal);
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
    const saved = this.$saved.get();
    if (!saved) return;
    const run = this.#restart();
    this.#forgetPhoto();
    this.$photo.set({ ...saved, url: URL.createObjectURL(saved.blob) });
    this.lastSource = 'saved';
    this.emit({ type: 'photo', source: 'saved', checks: [] });
    try {
      await this.#tryOn(run.signal);
    } catch (error) {
      this.#fail(error, run.signal);
    }
  }

  /** Runs again with the same photo (or model): after a failure, for another variant, or for the look. */
  async retry() {
    if (!this.$photo.get() && !this.model) return this.#apply({ type: 'back-to-photo' });
    const run = this.#restart();
    try {
      await this.#tryOn(run.signal);
    } catch (error) {
      this.#fail(error, run.signal);
    }
  }

  /** Tries another variant on the same photo: the proxy already has it (`personRef`), so nothing is uploaded again. */
  switchVariant(variant: Variant) {
    this.$variant.set(variant);
    this.look = undefined;
    return this.retry();
  }

  anotherPhoto() {
    this.#restart();
    this.#forgetPhoto();
    this.#apply({ type: 'back-to-photo' });
  }

  /** The shopper pressed Cancel: stop the run, delete its server copies, and offer the photo step. */
  /** Another photo the way the last one came: the camera again after a camera photo. */
  again() {
    if (this.lastSource === 'camera') this.openCamera();
    else this.anotherPhoto();
  }

  cancel() {
    this.#restart();
    this.#apply({ type: 'back-to-photo' });
  }

  /** "Delete my photo": the copy on this device and every copy this dialog made on the server, at once. */
  async deletePhoto() {
    this.#restart();
    const jobs = [...this.#jobs];
    this.#jobs.clear();
    this.#forgetPhoto();
    const saved = this.$saved.get();
    if (saved) URL.revokeObjectURL(saved.url);
    this.$saved.set(undefined);
    this.$remember.set(false);
    await Promise.all([...jobs.map((id) => this.#client?.deleteJob(id)), import('../../photo/photo-store.js').then((store) => store.deleteSavedPhoto()).catch(() => undefined)]);
    this.#apply({ type: 'back-to-photo', notice: 'deleted' });
  }

  /**
   * The dialog closed: stop whatever runs and delete every server copy this dialog made.
   * A finished result stays on this device only, so reopening shows it again.
   */
  release() {
    this.#run?.abort();
    this.look = undefined;
    for (const id of this.#jobs) void this.#client?.deleteJob(id);
    this.#jobs.clear();
    this.#personRef = undefined;
    this.#apply({ type: 'closed' });
  }

  /** Forgets everything: used when the element leaves the page. */
  dispose() {
    this.release();
    this.#forgetResult();
    this.#forgetPhoto();
  }

  async #tryOn(signal: AbortSignal): Promise<void> {
    const { model } = this;
    const photo = this.$photo.get()!;
    if (!model && this.$remember.get() && this.$saved.get()?.blob !== photo.blob) void this.#remember(photo);
    const product = this.product();
    const variant = this.$variant.get();
    const client = this.client;
    const person = model ? { modelId: model.id } : this.#personRef ? { personRef: this.#personRef } : { person: photo.blob };
    // A look's job carries its first item's ids, as a single garment's carries the product's.
    const garments = this.look ?? [
      { garment: variant?.garment ?? product.garment, category: product.category, productId: product.productId, variantId: variant?.id ?? product.variantId },
    ];
    this.#apply({ type: 'upload-progress', progress: 0 });
    let created: JobCreated;
    try {
      created = await client.createJob(
        {
          ...person,
          // The first item's ids (and its place for garment and category, in the order declared).
          ...garments[0],
          garment: garments.map((item) => absolute(item.garment)),
          category: garments.map((item) => item.category),
          ...consentReceipt(),
        },
        { signal, onUploadProgress: (progress) => this.#apply({ type: 'upload-progress', progress }) },
      );
    } catch (error) {
      // The stored photo expired or belongs to an ended session: upload it again, once.
      if (!(error instanceof ProxyError) || error.code !== 'PERSON_REF_NOT_FOUND' || !('personRef' in person)) throw error;
      this.#personRef = undefined;
      return this.#tryOn(signal);
    }
    if (!model) this.#personRef = created.personRef;
    this.#current = created.id;
    this.#jobs.add(created.id);
    this.emit({ type: 'submit', jobId: created.id, reusedPhoto: 'personRef' in person });
    this.#apply({ type: 'job-created' });
    const final = await client.watchJob(created.id, (view) => this.#apply({ type: 'job-update', view }), signal);
    // A look's failure names its garment (`item`, 1-based).
    if (final.status !== 'succeeded') throw Object.assign(new ProxyError(final.error?.code ?? 'TRYON_FAILED', final.error?.message ?? '', true), { item: final.error?.item });
    const image = await client.fetchResult(final, signal);
    if (signal.aborted) return;
    const result: Omit<TryOnResult, 'step'> = {
      before: model?.url ?? photo.url,
      after: URL.createObjectURL(image),
      image,
      jobId: created.id,
      preview: !!final.preview,
      variantId: variant?.id ?? product.variantId,
    };
    this.#apply({ type: 'succeeded', result });
    this.emit({ type: 'result', jobId: created.id });
  }

  async #remember(photo: Photo) {
    try {
      await (await import('../../photo/photo-store.js')).savePhoto({ blob: photo.blob, width: photo.width, height: photo.height });
      const saved = this.$saved.get();
      if (saved) URL.revokeObjectURL(saved.url);
      this.$saved.set({ ...photo, url: URL.createObjectURL(photo.blob) });
    } catch {
      // Storage full or blocked: the try-on goes on; the photo just isn't remembered.
    }
  }

  /** Moves to the state that follows `action`; each progress report of a run is also a `progress` event. */
  #apply(action: FlowAction) {
    const previous = this.$state.get();
    const state = transition(previous, action);
    if (state === previous) return;
    this.$state.set(state);
    if (isBusy(state) && reportsProgress(action)) {
      const progress = 'progress' in state ? state.progress : undefined;
      this.emit({ type: 'progress', stage: state.step, percent: progress == null ? undefined : Math.round(progress * 100) });
    }
  }

  #fail(error: unknown, signal: AbortSignal) {
    if (signal.aborted) return;
    const code = error instanceof ProxyError || error instanceof PhotoError ? error.code : 'INTERNAL';
    if (code === 'INTERNAL') console.error('[fitting-room]', error);
    this.#apply({ type: 'failed', code, item: (error as { item?: number }).item });
    this.emit({ type: 'error', code, message: error instanceof Error ? error.message : String(error) });
  }

  /** Aborts the current run (deleting its job if it never finished) and starts a new one. */
  #restart(): AbortController {
    this.#run?.abort();
    if (this.#current && isBusy(this.$state.get())) {
      void this.#client?.deleteJob(this.#current);
      this.#jobs.delete(this.#current);
    }
    this.#current = undefined;
    this.#forgetResult();
    this.#run = new AbortController();
    return this.#run;
  }

  #forgetResult() {
    const state = this.$state.get();
    if (state.step === 'result') URL.revokeObjectURL(state.after);
  }

  #forgetPhoto() {
    this.model = undefined;
    const photo = this.$photo.get();
    if (photo) URL.revokeObjectURL(photo.url);
    this.$photo.set(undefined);
    this.#personRef = undefined;
  }
}

const absolute = (url: string) => new URL(url, document.baseURI).href;
