/**
 * Zero-configuration product discovery, loaded by `<fitting-room>` on intent (a chunk of its
 * own, so the loader stays tiny and nothing runs before the shopper shows interest).
 *
 * It reads what the page already says about its product, nearest to the element first (so
 * two buttons for two products each find their own):
 *
 * 1. the selected Shopify variant's image, when a variant is known and the theme embeds its
 *    variants (`[data-product-json]`, `ProductJson-…`, Dawn's `variant-selects` / Horizon's
 *    `variant-picker` JSON);
 * 2. JSON-LD `Product` / `ProductGroup` (`image`, `sku`, `productID`, `category`, `hasVariant`);
 * 3. `og:image`;
 * 4. the Shopify product JSON on the page, then `/products/<handle>.js` (Shopify only).
 *
 * The product id and category come from the data nearest the element too (its product JSON,
 * its form's `product-id`, a `[data-product-id]` around it, its JSON-LD). Page globals
 * (`ShopifyAnalytics.meta`, `og:` tags) describe the page's first product: they serve only
 * while the page is still at the address it was loaded from and nothing nearer names another
 * product. A Dawn combined listing swaps the product section and the address for another
 * product (each colour its own product); from then on the page globals are stale.
 *
 * Attributes always win; these values only fill what the merchant left out.
 */
import type { Category } from '../../contract.js';

export interface Discovered {
  garment?: string;
  category?: Category;
  productId?: string;
  variantId?: string;
  endpoint?: string;
  /** The image of the element's current `variant-id`, when the page tells it. */
  variantImage?: string;
  /** The variant the product form holds now, when it differs from the element's: a theme set it without telling. */
  movedVariant?: string;
}

// biome-ignore lint/suspicious/noExplicitAny: page JSON (JSON-LD, theme product JSON) follows no schema we control; every value read is checked with str() or typeof first.
type Json = Record<string, unknown> & { [key: string]: any };

interface ShopifyProduct {
  id?: number | string;
  title?: string;
  type?: string;
  product_type?: string;
  featured_image?: string | { src?: string } | null;
  images?: (string | { src?: string })[];
  variants?: ShopifyVariant[];
}

interface ShopifyVariant {
  id?: number | string;
  sku?: string;
  featured_media?: { preview_image?: { src?: string } } | null;
  featured_image?: { src?: string } | null;
}

interface ShopifyGlobals {
  Shopify?: { routes?: { root?: string } };
  ShopifyAnalytics?: { meta?: { product?: { id?: number; type?: string }; selectedVariantId?: string } };
}

const SHOPIFY_JSON =
  'script[data-product-json],script[id^="ProductJson-"],variant-selects script[type="application/json"],variant-radios script[type="application/json"],variant-picker script[type="application/json"]';
const LD_JSON = 'script[type="application/ld+json"]';

/**
 * Keywords per category, matched as whole words (plural forms too). When a text names several,
 * the last one wins: English puts the kind of thing last ("shirt dress", "dress shirt").
 */
const KEYWORDS: [Category, string][] = [
  ['dress', 'dress|gown|sundress|frock|kaftan|caftan|sari|saree|kleid|robe'],
  ['full', 'jumpsuit|romper|playsuit|overall|dungaree|tracksuit|onesie|boilersuit|swimsuit|catsuit|unitard'],
  ['outerwear', 'jacket|coat|parka|blazer|anorak|windbreaker|puffer|gilet|trench|poncho|cape|overcoat|raincoat|outerwear|shacket'],
  ['bottom', 'pant|trouser|jean|short|skirt|legging|jogger|chino|culotte|sweatpant|skort|bottom|cargo'],
  ['shoes', 'shoe|sneaker|trainer|boot|sandal|heel|loafer|slipper|mule|flat|espadrille|clog|footwear|pump|oxford|brogue'],
  ['bag', 'bag|tote|backpack|handbag|purse|clutch|satchel|crossbody|rucksack|duffel|duffle'],
  ['accessory', 'hat|cap|beanie|scarf|sunglass|glass|eyewear|necklace|earring|bracelet|ring|watch|belt|tie|glove|jewelry|jewellery|accessory|accessorie|wallet|headband|bandana'],
  ['top', 'shirt|t-shirt|tee|top|blouse|sweater|jumper|hoodie|sweatshirt|cardigan|polo|tank|camisole|cami|tunic|pullover|turtleneck|henley|bodysuit|crop|vest|knit|jersey'],
];
const CATEGORY_PATTERNS = KEYWORDS.map(([category, words]) => [category, new RegExp(`(?:^|[^a-z])(?:${words})(?:e?s)?(?![a-z])`, 'gi')] as const);

/** The category a product type or title suggests, or undefined when none does. */
export function inferCategory(text: string | undefined | null): Category | undefined {
  if (!text) return undefined;
  const lower = text.toLowerCase().replace(/[_]+/g, ' ');
  // A type that is a category name already ("Outerwear", "shoes").
  const exact = KEYWORDS.find(([category]) => category === lower.trim());
  if (exact) return exact[0];
  let best: Category | undefined;
  let at = -1;
  for (const [category, pattern] of CATEGORY_PATTERNS) {
    for (const match of lower.matchAll(pattern)) {
      if (match.index! >= at) {
        best = category;
        at = match.index!;
      }
    }
  }
  return best;
}

const parse = (text: string | null): unknown => {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
};

const str = (value: unknown) => (value == null || value === '' ? undefined : String(value));

/** The matches of `selector` nearest to `element`: those in its closest ancestor that has any. */
function nearest(element: Element, selector: string): Element[] {
  for (let scope = element.parentElement; scope; scope = scope.parentElement) {
    const found = scope.querySelectorAll(selector);
    if (found.length) return [...found];
  }
  return [...document.querySelectorAll(selector)];
}

/** `image` of schema.org: a URL, an ImageObject, or a list of either. */
function firstImage(image: unknown): string | undefined {
  const first = Array.isArray(image) ? image[0] : image;
  if (typeof first === 'string') return first || undefined;
  const object = first as Json | undefined;
  return str(object?.url ?? object?.contentUrl);
}

function imageSrc(image: string | { src?: string } | null | undefined): string | undefined {
  return typeof image === 'string' ? image || undefined : str(image?.src);
}

function variantImage(variant: ShopifyVariant | undefined): string | undefined {
  return str(variant?.featured_media?.preview_image?.src) ?? str(variant?.featured_image?.src);
}

function isType(node: Json, type: string): boolean {
  const types = ([] as unknown[]).concat(node?.['@type'] ?? []);
  return types.some((value) => typeof value === 'string' && value.replace(/^.*[/:]/, '') === type);
}

/** Every JSON-LD node of the given scripts, `@graph` and arrays flattened. */
function ldNodes(scripts: Element[]): Json[] {
  const nodes: Json[] = [];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      nodes.push(value as Json);
      visit((value as Json)['@graph']);
    }
  };
  for (const script of scripts) visit(parse(script.textContent));
  return nodes;
}

function ldProduct(element: Element): Json | undefined {
  const find = (scripts: Element[]) => ldNodes(scripts).find((node) => isType(node, 'ProductGroup') || isType(node, 'Product'));
  return find(nearest(element, LD_JSON)) ?? find([...document.querySelectorAll(LD_JSON)]);
}

/** The JSON-LD variant matching `variantId` (by sku, productID or a `?variant=` URL). */
function ldVariant(product: Json | undefined, variantId: string | undefined): Json | undefined {
  if (!product || !variantId) return undefined;
  const candidates = ([] as Json[]).concat(product.hasVariant ?? [], product.offers ?? []);
  return candidates.find(
    (variant) =>
      variant &&
      (str(variant.sku) === variantId ||
        str(variant.productID) === variantId ||
        [variant['@id'], variant.url].some((url) => typeof url === 'string' && url.includes(`variant=${variantId}`))),
  );
}

function shopifyJson(element: Element): { product?: ShopifyProduct; variants: ShopifyVariant[] } {
  let product: ShopifyProduct | undefined;
  const variants: ShopifyVariant[] = [];
  for (const script of nearest(element, SHOPIFY_JSON)) {
    const json = parse(script.textContent) as Json | Json[] | undefined;
    if (Array.isArray(json)) variants.push(...json);
    else if (json?.variants) {
      product ??= json;
      variants.push(...json.variants);
    } else if (json?.id) variants.push(json);
  }
  return { product, variants };
}

const productJs = new Map<string, Promise<ShopifyProduct | undefined>>();

/** Shopify's `/products/<handle>.js`, once per page and handle. */
function fetchProductJs(root: string, handle: string): Promise<ShopifyProduct | undefined> {
  const url = `${root.replace(/\/?$/, '/')}products/${handle}.js`;
  let request = productJs.get(url);
  if (!request) {
    request = fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then((response) => (response.ok ? response.json() : undefined))
      .catch(() => undefined);
    productJs.set(url, request);
  }
  return request;
}

/** Whether the page is still where it was loaded: no section swap or single-page move has changed the address. */
function atLoadedAddress(): boolean {
  const loaded = (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)?.name;
  return !loaded || new URL(loaded).pathname === location.pathname;
}

/** The product id the markup next to the element names: its form's `product-id` (Dawn), or a `[data-product-id]` around it. */
function nearProductId(element: Element): string | undefined {
  const input = nearest(element, 'form[action*="/cart/add"] [name=product-id]')[0] as HTMLInputElement | undefined;
  return str(input?.value) ?? str(element.closest('[data-product-id]')?.getAttribute('data-product-id'));
}

function meta(property: string): string | undefined {
  return str(document.querySelector<HTMLMetaElement>(`meta[property="${property}"],meta[name="${property}"]`)?.content);
}

/**
 * What the page says about the product of `element`. `variantId` is the element's current
 * variant (its attribute), whose image is looked up when the page has it.
 */
export async function discover(element: Element, variantId?: string | null): Promise<Discovered> {
  const globals = window as unknown as ShopifyGlobals;
  const shopify = shopifyJson(element);
  const ld = ldProduct(element);
  const near = str(shopify.product?.id) ?? nearProductId(element) ?? str(ld?.productGroupID) ?? str(ld?.productID);
  const pageGlobals = atLoadedAddress();
  const pageProduct = globals.ShopifyAnalytics?.meta;
  // The page's globals, only while they describe this element's product.
  const analytics = pageGlobals && (!near || !pageProduct?.product?.id || str(pageProduct.product.id) === near) ? pageProduct : undefined;
  const pageMeta = (property: string) => (pageGlobals ? meta(property) : undefined);
  const url = new URL(location.href);
  const form = nearest(element, 'form[action*="/cart/add"] [name=id],[name=id][form]')[0] as HTMLInputElement | undefined;
  const wooVariation = nearest(element, 'form.variations_form [name=variation_id]')[0] as HTMLInputElement | undefined;

  // The product form holds what the theme's own "Add to cart" adds. A theme that set its `[name=id]`
  // by property (no `change`, no standard event) leaves it differing from what the element was told.
  const told = variantId ?? str(url.searchParams.get('variant'));
  const moved = told && str(form?.value) && form!.value !== told ? form!.value : undefined;
  const variant = moved ?? told ?? str(form?.value) ?? str(wooVariation?.value) ?? str(analytics?.selectedVariantId);

  const byId = (list: ShopifyVariant[] | undefined) => list?.find((item) => str(item.id) === variant);
  let image = variantImage(byId(shopify.variants));
  const ldPick = ldVariant(ld, variant);

  let product: ShopifyProduct | undefined = shopify.product;
  const handle = globals.Shopify && /\/products\/([^/?#]+)/.exec(location.pathname)?.[1];
  const root = globals.Shopify?.routes?.root ?? '/';
  // A variant whose image no embedded JSON tells: ask Shopify for the product's variants.
  if (!image && variant && handle && !ldPick?.image) {
    product = (await fetchProductJs(root, handle)) ?? product;
    image = variantImage(byId(product?.variants));
  }
  const variantOnly = image ?? firstImage(ldPick?.image);

  let garment =
    variantOnly ??
    firstImage(ld?.image) ??
    firstImage(ld?.hasVariant?.[0]?.image) ??
    pageMeta('og:image:secure_url') ??
    pageMeta('og:image') ??
    imageSrc(product?.featured_image) ??
    imageSrc(product?.images?.[0]) ??
    variantImage(shopify.variants[0]);
  if (!garment && handle) {
    product = (await fetchProductJs(root, handle)) ?? product;
    garment = imageSrc(product?.featured_image) ?? imageSrc(product?.images?.[0]);
  }

  const ldCategory = typeof ld?.category === 'string' ? ld.category : str(ld?.category?.name);
  const wooCategories = document
    .querySelector('.product[class*="product_cat-"]')
    ?.className.match(/product_cat-[\w-]+/g)
    ?.join(' ')
    .replace(/product_cat-|-/g, ' ');
  const category = [product?.product_type ?? product?.type, analytics?.product?.type, ldCategory, wooCategories, product?.title, ld?.name, pageMeta('og:title')]
    .map(inferCategory)
    .find(Boolean);

  return {
    garment,
    category,
    productId: str(product?.id) ?? near ?? str(analytics?.product?.id) ?? str(ld?.sku),
    variantId: variant,
    // On Shopify the proxy sits behind the App Proxy at /apps/fitting-room.
    endpoint: globals.Shopify ? '/apps/fitting-room' : '/fitting-room',
    variantImage: variantOnly,
    movedVariant: moved,
  };
}
