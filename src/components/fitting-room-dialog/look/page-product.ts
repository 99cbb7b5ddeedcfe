/**
 * The product's title and price as the page states them, for the look: JSON-LD `Product` (or
 * `ProductGroup`) first, then the Open Graph / product meta tags, then the document's title. The
 * price is left out when the page does not state it.
 */
// biome-ignore lint/suspicious/noExplicitAny: JSON-LD from the page may have any shape.
type Json = Record<string, any>;

export interface PageProduct {
  title: string;
  price?: string;
  currency?: string;
}

export function pageProduct(): PageProduct {
  const ld = ldProduct();
  const offer = [ld?.offers].flat()[0] as Json | undefined;
  const price = offer?.price ?? offer?.lowPrice ?? offer?.priceSpecification?.price ?? meta('product:price:amount') ?? meta('og:price:amount');
  const currency = offer?.priceCurrency ?? offer?.priceSpecification?.priceCurrency ?? meta('product:price:currency') ?? meta('og:price:currency');
  const title = String(ld?.name ?? meta('og:title') ?? document.title).trim();
  return price != null && currency ? { title, price: String(price), currency: String(currency) } : { title };
}

function ldProduct(): Json | undefined {
  for (const script of document.querySelectorAll('script[type="application/ld+json"]')) {
    try {
      const data = JSON.parse(script.textContent ?? '');
      const found = [data, ...(data?.['@graph'] ?? [])].flat().find((node: Json) => /^(Product|ProductGroup)$/.test([node?.['@type']].flat()[0] ?? ''));
      if (found) return found;
    } catch {
      // A theme's broken JSON-LD: the meta tags may still say it.
    }
  }
  return undefined;
}

const meta = (property: string) => document.querySelector<HTMLMetaElement>(`meta[property="${property}"],meta[name="${property}"]`)?.content || undefined;
