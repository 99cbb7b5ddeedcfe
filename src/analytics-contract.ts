/**
 * The analytics contract: what the storefront (the loader, the dialog, the Shopify Web Pixel)
 * sends to the proxy's collector, `POST {endpoint}/events`. Shared by both sides so they agree
 * on names; types and constants only, so importing it costs the loader nothing.
 *
 * Nothing here may carry personal data: no photo, no address, no email, no free text. Ids are
 * the merchant's product and variant ids; `code` is a contract error code; numbers are
 * latencies, prices and counts.
 */

/** The funnel, in order. `exposure` is the product page seen (both arms); `impression` the button scrolled into view (treatment only). */
export const FUNNEL_EVENTS = ['exposure', 'impression', 'open', 'consent', 'photo', 'submit', 'result', 'error', 'add_to_cart', 'order'] as const;
export type FunnelEvent = (typeof FUNNEL_EVENTS)[number];

/** Events a browser may send without a session token (before the shopper shows intent, or from the holdout arm). */
export const UNAUTHENTICATED_EVENTS: readonly FunnelEvent[] = ['exposure', 'impression', 'add_to_cart', 'order'];

/** `treatment` sees the button; `holdout` (a stable random share of browsers) does not. */
export type Arm = 'treatment' | 'holdout';

/** One funnel event. Fields beyond `name`, `arm` and `experiment` depend on the event. */
export interface AnalyticsEvent {
  name: FunnelEvent;
  arm: Arm;
  /** The experiment the arm belongs to (the holdout share and its version); a new one re-assigns browsers. */
  experiment: string;
  productId?: string;
  variantId?: string;
  /** `result`: milliseconds from submit to the result shown. */
  latencyMs?: number;
  /** `error`: the contract error code (src/contract.ts) or a widget failure code. */
  code?: string;
  /** `add_to_cart`, `order`: the value and its ISO 4217 currency, when the page states them. */
  value?: number;
  currency?: string;
  /** `add_to_cart`, `order`: whether this browser tried something on in this session (attribution, never who). */
  triedOn?: boolean;
}

/** The body of `POST /events` (sent with `navigator.sendBeacon` as text/plain, or `fetch` with `keepalive`). */
export interface EventBatch {
  /** Schema version. */
  v: 1;
  /** The session token (`POST /session`) when the browser has one; required for try-on events (open … error). */
  token?: string;
  events: AnalyticsEvent[];
}

/** At most this many events per batch; the collector refuses larger batches. */
export const MAX_EVENTS_PER_BATCH = 50;
