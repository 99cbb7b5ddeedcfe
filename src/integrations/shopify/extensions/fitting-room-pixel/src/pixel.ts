/**
 * The Fitting Room Web Pixel: reports the add-to-carts and orders of browsers the widget has
 * seen to the proxy's collector, with the browser's holdout arm and whether it tried something
 * on in this session — the numbers the lift is measured on, in both arms.
 *
 * - The arm is the widget's own first-party key, `fitting-room:arm` (`<arm>:<experiment>`),
 *   read from the storefront's localStorage. A browser without it never saw the widget and
 *   belongs to no arm: nothing is sent for it.
 * - `fitting_room_result` (the widget's `Shopify.analytics.publish`) sets a flag for the
 *   browser session (`fitting-room:tried` in sessionStorage): the attribution, never who.
 * - `product_added_to_cart` → `add_to_cart`; `checkout_completed` → `order`: ids, the value
 *   and its currency only. The checkout's e-mail, addresses and line details are never read.
 *
 * Written against the documented Web Pixels API (`register(({analytics, browser, init, settings}) => …)`),
 * typed here with only the parts it uses.
 */
import type { AnalyticsEvent, EventBatch } from '../../../../../analytics-contract.js';

/** `browser.localStorage` / `browser.sessionStorage`: the top frame's storage, asynchronously. */
interface PixelStorage {
  getItem(key: string): Promise<string | null>;
  setItem(key: string, value: string): Promise<void>;
}

interface Money {
  amount?: number;
  currencyCode?: string;
}

/** The parts of a customer event the pixel reads. */
export interface PixelEvent {
  name: string;
  type?: string;
  customData?: unknown;
  data?: {
    cartLine?: { cost?: { totalAmount?: Money }; merchandise?: { id?: string; product?: { id?: string } } } | null;
    checkout?: { currencyCode?: string; totalPrice?: Money } | null;
  };
}

/** The parts of the Web Pixels standard API the pixel uses. */
export interface PixelApi {
  analytics: { subscribe(name: string, callback: (event: PixelEvent) => unknown): void };
  browser: { localStorage: PixelStorage; sessionStorage: PixelStorage };
  init: { context?: { document?: { location?: { origin?: string } } } };
  settings: { endpoint?: string };
}

export const ARM_KEY = 'fitting-room:arm';
export const TRIED_KEY = 'fitting-room:tried';

const priced = (money: Money | undefined, currency = money?.currencyCode) => {
  const value = Number(money?.amount);
  return Number.isFinite(value) && currency ? { value, currency } : {};
};
const id = (value: unknown) => (value == null || value === '' ? undefined : String(value));

/** The pixel: subscribes to the widget's result and to Shopify's add-to-cart and checkout events. */
export function fittingRoomPixel({ analytics, browser, init, settings }: PixelApi) {
  // The sandbox runs on another origin: the collector's URL must be absolute.
  const base = settings.endpoint || `${init.context?.document?.location?.origin ?? ''}/apps/fitting-room`;
  const url = base.replace(/\/*$/, '/events');

  const report = async (event: Pick<AnalyticsEvent, 'name' | 'productId' | 'variantId' | 'value' | 'currency'>) => {
    const [arm, experiment] = /^(holdout|treatment):(.+)$/.exec((await browser.localStorage.getItem(ARM_KEY)) ?? '')?.slice(1) ?? [];
    if (!arm) return;
    const triedOn = (await browser.sessionStorage.getItem(TRIED_KEY)) === '1';
    const batch: EventBatch = { v: 1, events: [{ ...event, arm: arm as AnalyticsEvent['arm'], experiment, triedOn }] };
    // A string body goes as text/plain: no CORS preflight from the sandbox's origin.
    await fetch(url, { method: 'POST', body: JSON.stringify(batch), keepalive: true }).catch(() => undefined);
  };

  // Each handler returns its work's promise: Shopify ignores it; tests await it.
  analytics.subscribe('all_custom_events', (event) => (event.name === 'fitting_room_result' ? browser.sessionStorage.setItem(TRIED_KEY, '1') : undefined));
  analytics.subscribe('product_added_to_cart', (event) => {
    const line = event.data?.cartLine;
    return report({ name: 'add_to_cart', productId: id(line?.merchandise?.product?.id), variantId: id(line?.merchandise?.id), ...priced(line?.cost?.totalAmount) });
  });
  analytics.subscribe('checkout_completed', (event) => {
    const checkout = event.data?.checkout;
    return report({ name: 'order', ...priced(checkout?.totalPrice, checkout?.totalPrice?.currencyCode ?? checkout?.currencyCode) });
  });
}
