import { atom } from 'nanostores';
import type { ErrorCode, JobView } from '../../contract.js';
import { ProxyClient, ProxyError } from '../../client/proxy-client.js';
import { PhotoError, preparePhoto, type PreparedPhoto } from '../../photo/prepare-photo.js';

export interface ProductContext {
  endpoint: string;
  garment: string;
  category: string;
  productId?: string;
  variantId?: string;
}

export type FlowState =
  | { step: 'consent' }
  | { step: 'photo' }
  | { step: 'preparing' }
  | { step: 'uploading'; progress: number }
  | { step: 'queued' }
  | { step: 'generating'; progress?: number }
  | { step: 'result'; before: string; after: string; jobId: string; preview: boolean }
  | { step: 'error'; code: ErrorCode | 'NETWORK' };

export type FlowEvent =
  | { type: 'photo' }
  | { type: 'submit'; jobId: string }
  | { type: 'result'; jobId: string }
  | { type: 'error'; code: ErrorCode | 'NETWORK'; message: string };

const BUSY_STEPS: FlowState['step'][] = ['preparing', 'uploading', 'queued', 'generating'];

/** Consent is given for this page view; every button on the page shares it. */
export const $consent = atom(false);

/**
 * The try-on state machine of one dialog: consent → photo → preparing → uploading →
 * queued → generating → result (or error). The dialog renders `$state`; this class owns
 * every side effect, so closing the dialog (`cancel`) stops all of them in one place.
 */
export class TryOnFlow {
  readonly $state = atom<FlowState>($consent.get() ? { step: 'photo' } : { step: 'consent' });
  #client?: ProxyClient;
  #endpoint?: string;
  #run?: AbortController;
  #photo?: { prepared: PreparedPhoto; url: string };
  #personRef?: string;
  /** Jobs of this dialog whose photo or result may still be stored by the proxy. */
  #jobs = new Set<string>();
  #current?: string;
  #resultUrl?: string;

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

  acceptConsent() {
    $consent.set(true);
    this.$state.set({ step: 'photo' });
  }

  /** Prepares the chosen photo on the device, then runs the try-on with it. */
  async choosePhoto(file: Blob) {
    const run = this.#restart();
    this.#forgetPhoto();
    this.$state.set({ step: 'preparing' });
    try {
      const prepared = await preparePhoto(file);
      if (run.signal.aborted) return;
      this.#photo = { prepared, url: URL.createObjectURL(prepared.blob) };
      this.emit({ type: 'photo' });
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

  get photoUrl() {
    return this.#photo?.url;
  }

  async #tryOn(signal: AbortSignal): Promise<void> {
    const product = this.product();
    const client = this.client;
    const person = this.#personRef ? { personRef: this.#personRef } : { person: this.#photo!.prepared.blob };
    this.$state.set({ step: 'uploading', progress: 0 });
    let created;
    try {
      created = await client.createJob(
        { ...person, garment: absolute(product.garment), category: product.category, productId: product.productId, variantId: product.variantId },
        { signal, onUploadProgress: (progress) => this.$state.set({ step: 'uploading', progress }) },
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
    this.emit({ type: 'submit', jobId: created.id });
    this.$state.set({ step: 'queued' });
    const final = await client.watchJob(created.id, (view) => this.#onUpdate(view), signal);
    if (final.status !== 'succeeded') throw new ProxyError(final.error?.code ?? 'TRYON_FAILED', final.error?.message ?? '', true);
    const image = await client.fetchResult(final, signal);
    if (signal.aborted) return;
    this.#resultUrl = URL.createObjectURL(image);
    this.$state.set({ step: 'result', before: this.#photo!.url, after: this.#resultUrl, jobId: created.id, preview: !!final.preview });
    this.emit({ type: 'result', jobId: created.id });
  }

  #onUpdate(view: JobView) {
    if (view.status === 'queued') this.$state.set({ step: 'queued' });
    else if (view.status === 'running') this.$state.set({ step: 'generating', progress: view.progress });
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
  }

  #forgetPhoto() {
    if (this.#photo) URL.revokeObjectURL(this.#photo.url);
    this.#photo = undefined;
    this.#personRef = undefined;
  }
}

const absolute = (url: string) => new URL(url, document.baseURI).href;
