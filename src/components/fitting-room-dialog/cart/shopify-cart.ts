/**
 * Shopify's add to cart, as the theme's own product form does it, for the variant on the result.
 *
 * - A theme that configured `Shopify.actions.updateCart` (standard storefront actions) gets the
 *   call: it adds the line, refreshes its own cart UI and emits the standard cart events. The
 *   unconfigured default is not used: on a theme it does not recognise it reloads the page, which
 *   would throw the shopper's try-on away.
 * - Otherwise the Ajax Cart API: `POST {root}cart/add.js`, asking a Dawn-family theme's cart
 *   drawer or notification for its sections (Section Rendering API) and handing them to its
 *   `renderContents`, as Dawn's product form does; else refreshing `#cart-icon-bubble`. Then
 *   Dawn's `cart-update` pub/sub and the standard `shopify:cart:lines-update` event, so the theme
 *   and other apps see the change.
 */
import type { CartOutcome } from './cart-platform.js';
import type { CartRefusal } from './cart-strings.js';

interface ShopifyGlobal {
  routes?: { root?: string };
  actions?: {
    updateCart?: ((payload: object) => Promise<{ userErrors?: { code?: string; message?: string }[] }>) & { isDefault?: () => boolean };
  };
}

/** Dawn's `<cart-drawer>` / `<cart-notification>`: the sections it wants, and how it shows them. */
interface DawnCart extends HTMLElement {
  getSectionsToRender?(): { id: string }[];
  renderContents?(state: unknown): void;
}

interface AjaxCart {
  token?: string;
  item_count?: number;
  total_price?: number;
  currency?: string;
  items?: { key?: string; quantity?: number; final_line_price?: number }[];
}

// Dawn's pub/sub (pubsub.js, constants.js): classic scripts' top-level bindings, not window properties.
declare const publish: ((event: string, data: unknown) => unknown) | undefined;
declare const PUB_SUB_EVENTS: { cartUpdate?: string } | undefined;

const ICON_SECTION = 'cart-icon-bubble';

/** Adds one line of each variant (a look's several in one request, as the Ajax API's `items[]` allows). */
export async function addOnShopify(shopify: ShopifyGlobal, variantIds: string[], source: Element): Promise<CartOutcome> {
  const root = (shopify.routes?.root ?? '/').replace(/\/?$/, '/');
  const cartUrl = `${root}cart`;
  const lines = variantIds.map((id) => ({ merchandiseId: `gid://shopify/ProductVariant/${id}`, quantity: 1 }));
  const updateCart = shopify.actions?.updateCart;
  if (updateCart && updateCart.isDefault?.() === false) {
    const { userErrors = [] } = await updateCart({ lines });
    return userErrors.length ? { refused: refusalOf(userErrors.map((error) => `${error.code} ${error.message}`).join(' '), 'cartRefused') } : { cartUrl };
  }

  const several = variantIds.length > 1;
  // Dawn's notification and drawer render one added line (the answer's `key`): several lines refresh the cart icon only.
  const dawnCart = several ? null : document.querySelector<DawnCart>('cart-notification,cart-drawer');
  const sections = dawnCart?.getSectionsToRender?.().map((section) => section.id) ?? [ICON_SECTION];
  let settle!: (result: { cart: object | null; userErrors?: { message: string }[] }) => void;
  announceLinesUpdate(source, lines, new Promise((resolve) => (settle = resolve)));
  const [variantId] = variantIds;
  // One variant as a product form posts it: one line, so Shopify answers with that line (its `key`,
  // which Dawn's notification looks for) and the requested sections. Several as `items[]`, in JSON.
  const form = new FormData();
  form.append('id', variantId);
  form.append('quantity', '1');
  form.append('sections', sections.join(','));
  form.append('sections_url', location.pathname);
  const payload = several ? JSON.stringify({ items: variantIds.map((id) => ({ id, quantity: 1 })), sections, sections_url: location.pathname }) : form;
  const response = await fetch(`${root}cart/add.js`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { accept: 'application/json', 'x-requested-with': 'XMLHttpRequest', ...(several && { 'content-type': 'application/json' }) },
    body: payload,
  }).catch(() => undefined);
  const body = await response?.json().catch(() => undefined);
  if (!response?.ok) {
    const reason = `${body?.message ?? ''} ${body?.description ?? ''}`;
    settle({ cart: null, userErrors: [{ message: reason.trim() || 'Cart Error' }] });
    // 422: the cart declined (sold out, or a quantity limit: "All 3 … are in your cart"); 5xx or no answer: not reached.
    const status = response?.status ?? 0;
    if (status === 422 && (await Promise.all(variantIds.map((id) => soldOut(root, id)))).some(Boolean)) return { refused: 'cartSoldOut' };
    return { refused: refusalOf(reason, status === 422 ? 'cartLimit' : status >= 400 && status < 500 ? 'cartRefused' : 'cartFailed') };
  }
  refreshTheme(dawnCart, body);
  if (typeof publish === 'function' && typeof PUB_SUB_EVENTS === 'object' && PUB_SUB_EVENTS?.cartUpdate) {
    publish(PUB_SUB_EVENTS.cartUpdate, { source: 'fitting-room', productVariantId: variantId, cartData: body });
  }
  settle({
    cart: summary(
      await fetch(`${root}cart.js`, { credentials: 'same-origin' })
        .then((cart) => cart.json() as Promise<AjaxCart>)
        .catch(() => undefined),
    ),
  });
  return { cartUrl };
}

/** Whether the product page's variant is sold out, as `/products/<handle>.js` says (its 422 text is in the shop's language). */
async function soldOut(root: string, variantId: string): Promise<boolean> {
  const handle = /\/products\/([^/?#]+)/.exec(location.pathname)?.[1];
  if (!handle) return false;
  const product = await fetch(`${root}products/${handle}.js`, { credentials: 'same-origin' })
    .then((response) => (response.ok ? (response.json() as Promise<{ variants?: { id?: number | string; available?: boolean }[] }>) : undefined))
    .catch(() => undefined);
  return product?.variants?.some((variant) => String(variant.id) === variantId && variant.available === false) ?? false;
}

/**
 * What to tell the shopper: the Ajax API's description (in the shop's language) or the action's
 * error codes name "sold out" and the quantity limits; anything else is `otherwise`.
 */
function refusalOf(reason: string, otherwise: CartRefusal): CartRefusal {
  if (/sold.?out|OUT_OF_STOCK/i.test(reason)) return 'cartSoldOut';
  if (/MAXIMUM_EXCEEDED|NOT_ENOUGH_STOCK|INVALID_INCREMENT/i.test(reason)) return 'cartLimit';
  return otherwise;
}

function refreshTheme(dawnCart: DawnCart | null, state: { sections?: Record<string, string | null> }) {
  try {
    if (dawnCart?.renderContents) {
      dawnCart.classList.remove('is-empty');
      dawnCart.renderContents(state);
      return;
    }
    const html = state.sections?.[ICON_SECTION];
    const icon = document.getElementById(ICON_SECTION);
    const fresh = html && new DOMParser().parseFromString(html, 'text/html').querySelector('.shopify-section');
    if (icon && fresh) icon.replaceChildren(...fresh.childNodes);
  } catch {
    // The theme's UI is the theme's: the line is in the cart whatever its drawer makes of it.
  }
}

/** Shopify's standard `shopify:cart:lines-update`, dispatched as the add starts, from the product's element. */
function announceLinesUpdate(source: Element, lines: { merchandiseId: string; quantity: number }[], promise: Promise<unknown>) {
  const event = Object.assign(new Event('shopify:cart:lines-update', { bubbles: true }), { action: 'add', context: 'dialog', lines, promise });
  source.dispatchEvent(event);
}

/** The standard events' cart summary, from the Ajax API's cart. */
function summary(cart: AjaxCart | undefined) {
  if (!cart?.token) return null;
  const money = (cents = 0) => ({ amount: (cents / 100).toFixed(2), currencyCode: cart.currency ?? '' });
  return {
    id: `gid://shopify/Cart/${cart.token}`,
    totalQuantity: cart.item_count ?? 0,
    cost: { totalAmount: money(cart.total_price) },
    lines: (cart.items ?? []).map((line) => ({ id: line.key, quantity: line.quantity, cost: { totalAmount: money(line.final_line_price) } })),
    discountCodes: [],
  };
}
