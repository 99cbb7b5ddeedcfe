import type { Variant } from '../../events.js';
import type { Tracking } from '../../analytics/page.js';
import type { FittingRoomAttributes } from '../fitting-room/attributes.js';
import type { ProductContext } from './try-on-flow.js';

/** The `<fitting-room>` element the dialog belongs to: it owns the attributes the dialog reads. */
export type DialogHost = HTMLElement & FittingRoomAttributes & { tracking?: Tracking };

/** What a try-on needs from the element, with the defaults of what the merchant left out. */
export function productContext(host: DialogHost): ProductContext {
  const { endpoint, garment, category, productId, variantId } = host;
  return {
    endpoint: endpoint ?? '',
    garment: garment ?? '',
    category: category || 'top',
    productId: productId ?? undefined,
    variantId: variantId ?? undefined,
  };
}

/** The merchant's variants that can be tried on: the JSON may hold anything, so each needs an id and a garment. */
export function variantsOf(host: DialogHost): Variant[] {
  const list = host.variants;
  return Array.isArray(list) ? list.filter((v) => v && typeof v.id === 'string' && typeof v.garment === 'string') : [];
}

/** `try-on-<product>-<variant>.jpg`, e.g. try-on-everyday-tee-navy.jpg. */
export function downloadName(productId: string | null, variantId: string | null | undefined) {
  const product = productId ?? '';
  const variant = variantId ?? '';
  const name = product && variant.startsWith(product) ? variant : [product, variant].filter(Boolean).join('-');
  return `try-on-${name.replace(/[^\p{L}\p{N}-]+/gu, '-').toLowerCase() || 'item'}.jpg`;
}
