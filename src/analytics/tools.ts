/**
 * The merchant's analytics tools on the page, a chunk of its own imported by funnel.ts only
 * when the page has one of them (so a default try-on never loads it):
 *
 * - **GA4 / Tag Manager:** `gtag('event', …)` when the page has gtag, else
 *   `dataLayer.push({event, …})`. Custom events are `try_on_<event>` with snake_case
 *   parameters; the widget's "Add to cart" is GA4's recommended `add_to_cart` with
 *   `items: [{item_id, item_variant, quantity}]`, plus `value` and `currency` when the page
 *   states them. Nothing while Google's consent mode has `analytics_storage` denied.
 * - **Shopify:** `Shopify.analytics.publish('fitting_room_<event>', data)`, which any Web Pixel
 *   reads with `analytics.subscribe('all_custom_events')` (ours: integrations/shopify/
 *   extensions/fitting-room-pixel). `data` is the event as the collector gets it, without
 *   `name`; `add_to_cart` adds the price.
 *
 * Neither gets anything while Shopify's Customer Privacy API refuses analytics.
 */
import type { AnalyticsEvent } from '../analytics-contract.js';
import { analyticsStorageGranted, shopifyAnalyticsAllowed } from './consent.js';
import type { Tracking } from './page.js';
import { priceOf } from './price.js';

type Page = { gtag?: (...args: unknown[]) => void; dataLayer?: unknown[]; Shopify?: { analytics?: { publish(name: string, data: object): void } } };

/** `value` without the keys whose value is undefined (GA4 and pixels would see them as present). */
const defined = <T extends object>(value: T): T => JSON.parse(JSON.stringify(value));

/** Sends `event` to GA4 and to Shopify's customer events, each when on the page and on for the element, as far as the shopper allowed. */
export function deliver(event: AnalyticsEvent, tracking: Pick<Tracking, 'on'>) {
  if (!shopifyAnalyticsAllowed()) return;
  const page = window as unknown as Page;
  const ga4 = tracking.on('ga4') && !!(page.gtag || page.dataLayer);
  const shopify = tracking.on('shopify');
  const { name, ...data } = event;
  const price = name === 'add_to_cart' ? priceOf(event.variantId) : undefined;
  if (shopify) page.Shopify?.analytics?.publish(`fitting_room_${name}`, defined({ ...data, ...price }));
  if (!ga4 || !analyticsStorageGranted()) return;
  const gtag = page.gtag;
  const push = (...entries: object[]) => {
    page.dataLayer ??= [];
    page.dataLayer.push(...entries);
  };
  if (name === 'add_to_cart') {
    const ecommerce = defined({ ...price, items: [{ item_id: event.productId, item_variant: event.variantId, quantity: 1 }] });
    if (gtag) gtag('event', 'add_to_cart', ecommerce);
    // Tag Manager's convention: clear the previous ecommerce object first.
    else push({ ecommerce: null }, { event: 'add_to_cart', ecommerce });
    return;
  }
  const parameters = defined({ product_id: event.productId, variant_id: event.variantId, latency_ms: event.latencyMs, error_code: event.code, fitting_room_arm: event.arm });
  if (gtag) gtag('event', `try_on_${name}`, parameters);
  else push({ event: `try_on_${name}`, ...parameters });
}
