/**
 * The demo store's other product pages, so a look can be built across pages: chinos
 * (bottom) and a jacket (outerwear), each from demo/look-product.html filled in here.
 */
export interface LookProduct {
  title: string;
  price: string;
  lede: string;
  /** The generated image's name, without extension (look-assets.ts). */
  image: string;
  category: 'bottom' | 'outerwear';
  productId: string;
  variantId: string;
}

export const LOOK_PRODUCTS: Record<string, LookProduct> = {
  trousers: {
    title: 'Relaxed Chinos',
    price: '€69',
    lede: 'Straight-leg chinos in brushed organic cotton twill, with a soft, lived-in feel from day one.',
    image: 'trousers-sand',
    category: 'bottom',
    productId: 'relaxed-chinos',
    variantId: 'relaxed-chinos-sand',
  },
  jacket: {
    title: 'Field Jacket',
    price: '€119',
    lede: 'A light, water-repellent zip jacket in olive ripstop that layers over everything.',
    image: 'jacket-olive',
    category: 'outerwear',
    productId: 'field-jacket',
    variantId: 'field-jacket-olive',
  },
};

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** The page of `product`, from the template's `{{field}}` placeholders. */
export function renderLookProduct(template: string, product: LookProduct): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, field: keyof LookProduct) => escapeHtml(product[field] ?? ''));
}
