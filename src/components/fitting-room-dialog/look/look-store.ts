/**
 * The shopper's look: garments kept from try-on results across the shop's product pages, one per
 * slot. It stays on this device only and per shop (Web Storage is per origin): for this tab
 * (sessionStorage) unless the shopper opts in to keep it (localStorage), like the remembered photo.
 */
import { LOOK_KEY } from '../consent.js';

/** A garment kept in the look: what a whole-look try-on and the look's add to cart need. */
export interface LookItem {
  /** Absolute URL of the garment image. */
  garment: string;
  category: string;
  title: string;
  productId?: string;
  variantId?: string;
  /** As the page states it, e.g. `49.00` and `EUR`. */
  price?: string;
  currency?: string;
}

export type Slot = 'full' | 'bottom' | 'top' | 'shoes' | 'accessory';

/**
 * The order garments go on in a whole-look job (`garment` 1, 2, …): the dress or full outfit, or the
 * bottom, first; then the top or outerwear over it; then shoes; then the bag or accessory.
 */
export const SLOT_ORDER: readonly Slot[] = ['full', 'bottom', 'top', 'shoes', 'accessory'];
/** A look holds at most this many items (top, bottom, shoes, bag; a dress takes the place of top and bottom). */
export const LOOK_LIMIT = 4;

const SLOTS: Record<string, Slot> = { top: 'top', outerwear: 'top', bottom: 'bottom', dress: 'full', full: 'full', shoes: 'shoes', bag: 'accessory', accessory: 'accessory' };

export const slotOf = (category: string): Slot => SLOTS[category] ?? 'top';

/** The look with `item` in its slot: it replaces the item there; a dress replaces top and bottom, and a top or bottom replaces a dress. */
export function withItem(look: readonly LookItem[], item: LookItem): LookItem[] {
  const slot = slotOf(item.category);
  const displaced = new Set<Slot>([slot, ...(slot === 'full' ? (['top', 'bottom'] as const) : slot === 'top' || slot === 'bottom' ? (['full'] as const) : [])]);
  return [...look.filter((kept) => !displaced.has(slotOf(kept.category))), item].sort((a, b) => SLOT_ORDER.indexOf(slotOf(a.category)) - SLOT_ORDER.indexOf(slotOf(b.category)));
}

function read(storage: Storage): LookItem[] | undefined {
  try {
    const items = JSON.parse(storage.getItem(LOOK_KEY) ?? 'null');
    return Array.isArray(items) ? items.filter((item) => item && typeof item.garment === 'string' && typeof item.category === 'string').slice(0, LOOK_LIMIT) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the shopper chose to keep the look on this device (beyond this tab). */
export function isKept(): boolean {
  try {
    return localStorage.getItem(LOOK_KEY) != null;
  } catch {
    return false;
  }
}

export function loadLook(): LookItem[] {
  try {
    return read(localStorage) ?? read(sessionStorage) ?? [];
  } catch {
    return [];
  }
}

/** Stores the look where the shopper chose (`keep`: this device; otherwise this tab), and nowhere else. An empty look is removed. */
export function saveLook(items: readonly LookItem[], keep: boolean) {
  try {
    const [target, other] = keep ? [localStorage, sessionStorage] : [sessionStorage, localStorage];
    other.removeItem(LOOK_KEY);
    if (items.length) target.setItem(LOOK_KEY, JSON.stringify(items));
    else target.removeItem(LOOK_KEY);
  } catch {
    // Storage blocked or full: the look lives as long as this dialog.
  }
}

export const clearLook = () => saveLook([], false);
