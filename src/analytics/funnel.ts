/**
 * The dialog's events for the merchant's tools, part of the dialog's chunk (never loaded before
 * intent). It listens to the `fitting-room:*` DOM events of one `<fitting-room>` (the sink for
 * everything else: a page's own scripts read those) and turns each into one `AnalyticsEvent`:
 * the proxy's collector gets them in batches, with the session token once the dialog has one;
 * GA4 and Shopify get them through tools.ts, imported only when the page has one of them and
 * the `analytics` attribute allows it.
 *
 * Only ids, the arm, a latency and an error code travel: never the photo, its URL, or the
 * error's message (free text).
 */
import { type AnalyticsEvent, type FunnelEvent, MAX_EVENTS_PER_BATCH } from '../analytics-contract.js';
import type { FittingRoomDetail } from '../events.js';
import type { Tracking } from './page.js';

/**
 * Sends the events of `element` to its sinks, as the loader's `tracking` of it says; `token`
 * reads the dialog's session token. The collector's batch goes when the dialog closes (or the
 * page is left with it open). Call once per element; nothing for an element the loader did
 * not track.
 */
export function watch(element: Element & { tracking?: Tracking }, token: () => string | undefined) {
  const { tracking } = element;
  if (!tracking) return;
  const { arm, experiment } = tracking;
  const page = window as { gtag?: unknown; dataLayer?: unknown; Shopify?: unknown };
  // GA4's and Shopify's sinks only on pages that have one of them (tools.ts checks each, and the attribute).
  const tools = page.gtag || page.dataLayer || page.Shopify ? import('./tools.js') : undefined;
  // On Shopify, add-to-carts reach the collector through the Web Pixel (Shopify's own event), not twice.
  const collected = (type: string) => tracking.on('proxy') && !(type === 'add-to-cart' && page.Shopify);
  const queue: AnalyticsEvent[] = [];
  let submittedAt = 0;
  const flush = () => {
    while (queue.length) tracking.report(queue.splice(0, MAX_EVENTS_PER_BATCH), token());
  };
  addEventListener('pagehide', flush);
  element.addEventListener('fitting-room:close', flush);
  for (const type of ['open', 'consent', 'photo', 'submit', 'result', 'error', 'add-to-cart']) {
    element.addEventListener(`fitting-room:${type}`, (domEvent) => {
      const { productId, variantId, code } = (domEvent as CustomEvent<FittingRoomDetail & { code?: string }>).detail;
      if (type === 'submit') submittedAt = performance.now();
      const event: AnalyticsEvent = {
        name: type.replaceAll('-', '_') as FunnelEvent,
        arm,
        experiment,
        productId,
        variantId,
        code,
        latencyMs: type === 'result' ? Math.round(performance.now() - submittedAt) : undefined,
        // The widget's own "Add to cart" is on a try-on result.
        triedOn: type === 'add-to-cart' || undefined,
      };
      if (collected(type)) queue.push(event);
      void tools?.then((loaded) => loaded.deliver(event, tracking));
    });
  }
}
