/**
 * The DOM API of `<fitting-room>` beyond its text attributes: the variants it takes, and its
 * events — typed, bubbling and composed, dispatched on the element. Every event's `detail`
 * carries `productId` and `variantId` (the variant shown, which may have been switched inside
 * the dialog). Types only: importing this costs nothing.
 */
import type { FailureCode } from './components/fitting-room-dialog/messages.js';
import type { PhotoSource, Stage } from './components/fitting-room-dialog/flow-state.js';
import type { PhotoCheckCode } from './photo/preflight.js';

/** One option of the product, given to `<fitting-room variants='[…]'>` (or its `variants` property). */
export interface Variant {
  id: string;
  name: string;
  /** URL of the variant's garment image; relative URLs resolve against the page. */
  garment: string;
}

export interface FittingRoomDetail {
  productId?: string;
  variantId?: string;
}

/** One item of a look added to the cart whole (`fitting-room:add-to-cart`'s `items`). */
export interface LookCartItem {
  productId?: string;
  variantId?: string;
  title: string;
  category: string;
  /** As the product page stated them, e.g. `49.00` and `EUR`; absent when it did not. */
  price?: string;
  currency?: string;
}

export interface FittingRoomEventMap {
  /** The dialog opened. */
  'fitting-room:open': CustomEvent<FittingRoomDetail>;
  /** The shopper agreed to the photo processing (`version` of the consent text). */
  'fitting-room:consent': CustomEvent<FittingRoomDetail & { version: number }>;
  /** A photo was prepared on the device; `checks` are the preflight's advice about it. */
  'fitting-room:photo': CustomEvent<FittingRoomDetail & { source: PhotoSource; checks: PhotoCheckCode[] }>;
  /** A try-on job was created; `reusedPhoto` when the photo was not uploaded again. */
  'fitting-room:submit': CustomEvent<FittingRoomDetail & { jobId: string; reusedPhoto: boolean }>;
  /** Progress of the run: `stage` and, where known, `percent`. */
  'fitting-room:progress': CustomEvent<FittingRoomDetail & { stage: Stage; percent?: number }>;
  /** A try-on image is ready. */
  'fitting-room:result': CustomEvent<FittingRoomDetail & { jobId: string }>;
  /** The try-on could not be done. */
  'fitting-room:error': CustomEvent<FittingRoomDetail & { code: FailureCode; message: string }>;
  /** The dialog closed; work in flight was canceled and server copies deleted. */
  'fitting-room:close': CustomEvent<FittingRoomDetail>;
  /**
   * "Add to cart" on a result, or "Add the look to the cart" (then `items` lists every item of the
   * shopper's look, in the order they were tried on; a single item's event has no `items`). Unless
   * canceled, Shopify pages get every item added in one request and WooCommerce pages one add per
   * item; elsewhere the dialog closes. `preventDefault()` adds nothing and keeps it open.
   */
  'fitting-room:add-to-cart': CustomEvent<FittingRoomDetail & { items?: LookCartItem[] }>;
}

declare global {
  // Typed `addEventListener('fitting-room:…', e => e.detail…)` on any element and on document.
  interface HTMLElementEventMap extends FittingRoomEventMap {}
  interface DocumentEventMap extends FittingRoomEventMap {}
}
