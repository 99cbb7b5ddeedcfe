/**
 * Variant tracking: each theme's own "the shopper picked another variant" signal, turned
 * into one small `VariantUpdate` for the `<fitting-room>` elements of that product. Only
 * cheap listeners: nothing here runs until a theme fires one of them, and nothing is parsed
 * beyond the variant object the theme hands over.
 *
 * | theme | signal |
 * |---|---|
 * | any theme with Shopify's standard storefront events (Horizon 4+) | `shopify:product:select`: `product.id` (a GID) on the event, the variant from `await event.promise` (`{variant: {id}}`, no image: looked up at intent) |
 * | Shopify Dawn | `publish(PUB_SUB_EVENTS.variantChange, {data: {sectionId, html, variant}})` (its pub/sub in pubsub.js) |
 * | Shopify Horizon | `variant:update` DOM event, `detail: {resource: variant, sourceId, data: {html, productId, newProduct}}` |
 * | WooCommerce | jQuery `found_variation` (`variation.image.full_src`, `variation_id`) and `reset_image` on `form.variations_form` |
 * | any Shopify theme | `change` of the product form's `[name=id]` (the variant id only; its image is looked up at intent) |
 */
export interface VariantUpdate {
  /** Where the signal came from (a form, a variant picker, a section), to find the elements it concerns. */
  source: Element | null;
  /** The variant's image; when absent, the image is looked up when the shopper shows intent. */
  garment?: string;
  variantId?: string;
  /** Shopify's product id, when the theme says (Horizon); elements of another product ignore the update. */
  productId?: string;
  /** WooCommerce `reset_image`: back to the product's own image. */
  reset?: boolean;
}

interface ShopifyVariant {
  id?: string | number;
  featured_media?: { preview_image?: { src?: string } } | null;
  featured_image?: { src?: string } | null;
}

type JQueryLike = (target: Document) => { on(type: string, handler: (event: Event, data?: WooVariation) => void): unknown };

interface WooVariation {
  variation_id?: number;
  image?: { full_src?: string; src?: string };
}

// Dawn's globals: `subscribe` (pubsub.js) and `PUB_SUB_EVENTS` (constants.js), both declared
// by classic scripts at the top level, so they are global bindings, not window properties.
declare const subscribe: ((event: string, callback: (payload: { data?: { sectionId?: string; variant?: ShopifyVariant } }) => void) => unknown) | undefined;
declare const PUB_SUB_EVENTS: { variantChange?: string } | undefined;

/** The parts of a product's markup that say "these elements belong to one product". */
const PRODUCT_PARTS = 'form[action*="/cart/add"],form.variations_form,variant-picker,variant-selects,variant-radios,product-info';

/** The variant's image, if any (an empty src counts as none wherever it is read). */
const imageOf = (variant: ShopifyVariant | null | undefined) => variant?.featured_media?.preview_image?.src || variant?.featured_image?.src;

const str = (value: unknown) => (value == null || value === '' ? undefined : String(value));
/** `gid://shopify/ProductVariant/42` → `42`, the id the Ajax API and the theme's forms use. */
const gidNumber = (value: unknown) => str(value)?.replace(/^gid:\/\/shopify\/\w+\//, '');

/**
 * Whether an update from `source` concerns `element`: yes when the source contains it, or
 * when the element's product (its nearest ancestor holding a product form or variant picker)
 * contains the source. An element outside any product (a floating button) follows them all.
 */
export function concerns(element: Element, source: Element | null): boolean {
  if (!source || source.contains(element)) return true;
  let scope = element.parentElement;
  while (scope && !scope.querySelector(PRODUCT_PARTS)) scope = scope.parentElement;
  return !scope || scope.contains(source);
}

let emit: ((update: VariantUpdate) => void) | undefined;
let dawn = false;
let jquery = false;

/** Starts listening (once per page); every update goes to `onUpdate`. */
export function trackVariants(onUpdate: (update: VariantUpdate) => void) {
  if (emit) return;
  emit = onUpdate;
  // First: Shopify's standard event. Horizon 4 sends only this, and sets [name=id] without a `change`.
  document.addEventListener(
    'shopify:product:select',
    (event) => {
      const { product, promise, target } = event as Event & { product?: { id?: string }; promise?: Promise<{ variant?: { id?: string } | null }> };
      // A selection no variant matches resolves with null; a failed lookup rejects: nothing to follow.
      promise?.then(
        (result) => send({ source: target as Element, variantId: gidNumber(result?.variant?.id), productId: gidNumber(product?.id) }),
        () => {},
      );
    },
    true,
  );
  document.addEventListener(
    'variant:update',
    (event) => {
      const { resource, data } = (event as CustomEvent<{ resource?: ShopifyVariant; data?: { productId?: string } }>).detail ?? {};
      send({ source: event.target as Element, garment: imageOf(resource), variantId: str(resource?.id), productId: str(data?.productId) });
    },
    true,
  );
  document.addEventListener(
    'change',
    (event) => {
      const input = event.target as HTMLInputElement;
      if (input.name === 'id' && input.form?.matches(PRODUCT_PARTS)) send({ source: input, variantId: str(input.value) });
    },
    true,
  );
  // Theme scripts may come later than ours (footer scripts, jQuery loaded late): try again at load
  // (which a loaded page never fires again; hooking twice is harmless: each global is hooked once).
  hookGlobals();
  addEventListener('load', hookGlobals);
}

function send(update: VariantUpdate) {
  if (update.garment || update.variantId || update.reset) emit!(update);
}

function hookGlobals() {
  try {
    const variantChange = !dawn && PUB_SUB_EVENTS!.variantChange;
    if (variantChange && typeof subscribe === 'function') {
      dawn = true;
      subscribe(variantChange, ({ data = {} }) => {
        const id = data.sectionId;
        const source = id ? (document.querySelector(`[data-section="${CSS.escape(id)}"]`) ?? document.getElementById(`shopify-section-${id}`)) : null;
        send({ source, garment: imageOf(data.variant), variantId: str(data.variant?.id) });
      });
    }
  } catch {
    // No PUB_SUB_EVENTS (reading an undeclared global throws): not Dawn, or not yet.
  }
  const $ = (window as unknown as { jQuery?: JQueryLike }).jQuery;
  if (!jquery && typeof $ === 'function') {
    jquery = true;
    $(document).on('found_variation', (event, variation) =>
      send({ source: event.target as Element, garment: variation?.image?.full_src || variation?.image?.src, variantId: str(variation?.variation_id) }),
    );
    $(document).on('reset_image', (event) => send({ source: event.target as Element, reset: true }));
  }
}
