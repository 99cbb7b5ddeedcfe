/**
 * Which shop platform the page runs on, and its add to cart. Shopify and WooCommerce are told
 * by the globals their storefront scripts define; elsewhere there is no default action and the
 * `fitting-room:add-to-cart` event is the whole of it.
 */
import type { CartRefusal } from './cart-strings.js';
import { addOnShopify } from './shopify-cart.js';
import { addOnWooCommerce, type WooParams } from './woo-cart.js';

/** Added (with the shop's cart page), or refused with the reason the shopper is told. */
export type CartOutcome = { cartUrl: string; refused?: undefined } | { refused: CartRefusal; cartUrl?: undefined };

export interface CartItem {
  productId?: string;
  variantId?: string;
  /** The element the add is about, from which the platform's events are dispatched. */
  source: Element;
}

type Add = () => Promise<CartOutcome>;

/** The platform's add to cart for `item`, or undefined when the page has no platform we know or the item lacks the ids it needs. */
export function platformAdd(item: CartItem): Add | undefined {
  return platformAddAll([item], item.source);
}

/**
 * The platform's add to cart for every item (a look): Shopify in one request, WooCommerce one add per
 * item, stopping at the first refusal. Undefined when the page has no platform we know or an item
 * lacks the ids it needs.
 */
export function platformAddAll(items: Omit<CartItem, 'source'>[], source: Element): Add | undefined {
  const globals = window as unknown as { Shopify?: object; wc_add_to_cart_params?: WooParams; woocommerce_params?: object };
  if (globals.Shopify && items.every((item) => item.variantId))
    return () =>
      addOnShopify(
        globals.Shopify!,
        items.map((item) => item.variantId!),
        source,
      );
  const woo = globals.wc_add_to_cart_params ?? (globals.woocommerce_params && {});
  if (!woo || !items.every((item) => item.productId || item.variantId)) return undefined;
  return async () => {
    let outcome!: CartOutcome;
    for (const { productId, variantId } of items) {
      outcome = await addOnWooCommerce(woo, productId ?? variantId!, variantId);
      if (outcome.refused) break;
    }
    return outcome;
  };
}
