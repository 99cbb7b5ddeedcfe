/**
 * The price of the product shown, for `add_to_cart`'s `value` and `currency`, read when a
 * shopper adds to cart: Shopify's `ShopifyAnalytics.meta` (variant prices in cents), else the
 * JSON-LD offers (`price`, `priceCurrency`; of the matching variant when the page lists them).
 * Nothing when the page does not state both: GA4 wants a currency whenever a value is sent.
 */
export interface Price {
  value: number;
  currency: string;
}

// biome-ignore lint/suspicious/noExplicitAny: JSON-LD comes in any shape; every read is guarded.
type Json = { [key: string]: any };
type Page = {
  ShopifyAnalytics?: { meta?: { currency?: string; product?: { variants?: { id?: number | string; price?: number }[] } } };
  Shopify?: { currency?: { active?: string } };
};

const priced = (value: unknown, currency: unknown): Price | undefined => {
  const number = Number(value);
  return typeof currency === 'string' && currency && value !== '' && value != null && Number.isFinite(number) ? { value: number, currency } : undefined;
};

/** Every JSON-LD node of the page, `@graph` and arrays flattened. */
function ldNodes(): Json[] {
  const nodes: Json[] = [];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      nodes.push(value);
      visit((value as Json)['@graph']);
    }
  };
  for (const script of document.querySelectorAll('script[type="application/ld+json"]')) {
    try {
      visit(JSON.parse(script.textContent ?? ''));
    } catch {
      // A theme's broken JSON-LD: the others still count.
    }
  }
  return nodes;
}

const offersOf = (node: Json): Json[] => [].concat(node?.offers ?? []).flatMap((offer: Json) => [offer, ...[].concat(offer?.offers ?? [])]);

/** The price of `variantId` (or of the product) as the page states it. */
export function priceOf(variantId?: string): Price | undefined {
  const page = window as unknown as Page;
  const meta = page.ShopifyAnalytics?.meta;
  const variants = meta?.product?.variants ?? [];
  const variant = variants.find((item) => String(item.id) === variantId) ?? (variants.length === 1 ? variants[0] : undefined);
  if (variant?.price != null) {
    const shopify = priced(variant.price / 100, meta?.currency ?? page.Shopify?.currency?.active);
    if (shopify) return shopify;
  }
  const products = ldNodes().filter((node) => /Product/.test(String(node['@type'])));
  const variantNodes = products.flatMap((product) => [].concat(product.hasVariant ?? []));
  const matching = variantNodes.find((node: Json) => variantId && [node.sku, node.productID].map(String).includes(variantId));
  const offers = [...(matching ? offersOf(matching) : []), ...products.flatMap(offersOf)];
  const fromOffer = (offer: Json) => priced(offer?.price ?? offer?.lowPrice ?? offer?.priceSpecification?.price, offer?.priceCurrency ?? offer?.priceSpecification?.priceCurrency);
  const matchingOffer = variantId
    ? offers.find((offer) => [offer?.sku, offer?.url].some((field) => typeof field === 'string' && (field === variantId || field.includes(`variant=${variantId}`))))
    : undefined;
  return (matchingOffer && fromOffer(matchingOffer)) ?? offers.map(fromOffer).find(Boolean);
}
