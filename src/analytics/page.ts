/**
 * The loader's share of analytics (the dialog's events are funnel.ts, in the dialog's chunk):
 * the arm of this browser, the exposure beacon (the product page seen, both arms), the
 * impression (the button scrolled into view) and, off Shopify, the theme's own add-to-carts
 * (both arms; on Shopify the Web Pixel reports those). Nothing here reads or sends personal
 * data. Every byte here is on every product page, hence the terse code: analytics may add at
 * most 512 B gzip to the loader (issue 13), and the whole loader stays within 3 KB (test/size/size.test.ts).
 */
import type { AnalyticsEvent, Arm } from '../analytics-contract.js';
import { assignArm, experimentId } from './arm.js';

/** What the loader decided for an element, handed to the dialog's funnel (a chunk must not import the loader's code: the bundler would split it out). */
export interface Tracking {
  arm: Arm;
  experiment: string;
  /** Whether a sink (`proxy`, `ga4`, `shopify`) is on: the `analytics` attribute lists it, or is absent (all on; `off` is none). */
  on(sink: string): boolean;
  /**
   * Sends events to the proxy's collector as one beacon (text/plain: no CORS preflight; it
   * survives the page being left), with the session token when there is one.
   */
  report(events: AnalyticsEvent[], token?: string): void;
}

let cartReport: (() => void) | undefined;
/** The theme's product form, off Shopify. Capture: themes that add with fetch still get the form's submit event first. */
const onSubmit = (event: Event) => (event.target as Element).matches('form[action*="/cart/add"],form.cart') && cartReport!();

/**
 * The element's arm (drawn once per experiment and kept in one storage key), with the exposure
 * sent; in the treatment arm the impression follows when the button first scrolls into view.
 */
export function track(element: HTMLElement & Record<'endpoint' | 'holdout' | 'experiment' | 'analytics' | 'productId', string | null>): Tracking {
  const share = +element.holdout!;
  const experiment = experimentId(share, element.experiment);
  const arm = assignArm(share, experiment, () => localStorage);
  const shopify = 'Shopify' in window;
  // The endpoint discovery would find: the platform's route to the proxy.
  const url = (element.endpoint ?? `${shopify ? '/apps' : ''}/fitting-room`).replace(/\/*$/, '/events');
  const on: Tracking['on'] = (sink) => element.analytics?.includes(sink) ?? true;
  const report: Tracking['report'] = (events, token) => navigator.sendBeacon(url, JSON.stringify({ v: 1, token, events }));
  if (on('proxy')) {
    const productId = element.productId || undefined;
    const send = (name: AnalyticsEvent['name']) => report([{ name, arm, experiment, productId }]);
    send('exposure');
    if (arm === 'treatment')
      new IntersectionObserver(([entry], observer) => {
        if (entry.isIntersecting) {
          observer.disconnect();
          send('impression');
        }
      }).observe(element);
    // On Shopify the Web Pixel reports add-to-carts (Shopify's own event, whatever the theme does).
    cartReport = () => send('add_to_cart');
    if (!shopify) addEventListener('submit', onSubmit, true);
  }
  return { arm, experiment, on, report };
}
