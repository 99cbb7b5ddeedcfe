/**
 * WooCommerce's add to cart, as its own AJAX buttons do it: `POST ?wc-ajax=add_to_cart` with the
 * product (a variation's id names the variation: WooCommerce finds its parent and attributes), then
 * jQuery's `added_to_cart` on `document.body` with the cart fragments it answered, so the mini-carts
 * of the theme and of other plugins refresh themselves.
 */
import type { CartOutcome } from './cart-platform.js';

/** What WooCommerce's add-to-cart script localises into the page (`wc_add_to_cart_params`). */
export interface WooParams {
  wc_ajax_url?: string;
  cart_url?: string;
}

interface JQueryLike {
  (target: Element): { trigger(type: string, data?: unknown[]): unknown };
}

export async function addOnWooCommerce(params: WooParams, productId: string, variantId: string | undefined): Promise<CartOutcome> {
  const url = (params.wc_ajax_url ?? '/?wc-ajax=%%endpoint%%').replace('%%endpoint%%', 'add_to_cart');
  const form = new URLSearchParams({ product_id: variantId ?? productId, quantity: '1' });
  if (variantId) form.set('variation_id', variantId);
  const response = await fetch(url, { method: 'POST', credentials: 'same-origin', body: form }).catch(() => undefined);
  const body = await response?.json().catch(() => undefined);
  if (!response?.ok || !body) return { refused: 'cartFailed' };
  // Refused: WooCommerce keeps its reason as a notice for the next page. A variable product with
  // no variation chosen yet is the one reason the page itself tells.
  if (body.error) return { refused: !variantId && document.querySelector('form.variations_form') ? 'cartOptions' : 'cartRefused' };
  const $ = (window as unknown as { jQuery?: JQueryLike }).jQuery;
  $?.(document.body).trigger('added_to_cart', [body.fragments, body.cart_hash]);
  return { cartUrl: params.cart_url || '/cart/' };
}
