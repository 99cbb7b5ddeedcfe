import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ReadableAtom } from 'nanostores';

/**
 * Renders `host` again whenever one of `stores` changes, while the host is connected: the one
 * bridge from nanostores to Lit (the ten lines of `@nanostores/lit`'s StoreController, for any
 * number of stores).
 */
export class StoreController implements ReactiveController {
  #unsubscribes: (() => void)[] = [];
  readonly #stores: ReadableAtom<unknown>[];

  constructor(
    private readonly host: ReactiveControllerHost,
    ...stores: ReadableAtom<unknown>[]
  ) {
    this.#stores = stores;
    host.addController(this);
  }

  hostConnected() {
    this.#unsubscribes = this.#stores.map((store) => store.listen(() => this.host.requestUpdate()));
  }

  hostDisconnected() {
    for (const unsubscribe of this.#unsubscribes) unsubscribe();
    this.#unsubscribes = [];
  }
}
