/**
 * What the shopper allowed, read the way the page's own tools expose it. Kept simple on purpose:
 *
 * - Shopify: `Shopify.customerPrivacy.analyticsProcessingAllowed()` (Shopify's Customer Privacy
 *   API; absent means no banner is in use, so allowed).
 * - Google's consent mode: `gtag('consent', 'default' | 'update', {analytics_storage})` calls are
 *   entries of `window.dataLayer` (`['consent', …, {…}]`, arguments objects or arrays); the last
 *   one that names `analytics_storage` is in force. None means consent mode is not used.
 */
type Page = { Shopify?: { customerPrivacy?: { analyticsProcessingAllowed?: () => boolean } }; dataLayer?: ArrayLike<unknown>[] };

/** False when Shopify's Customer Privacy API says analytics processing is not allowed. */
export function shopifyAnalyticsAllowed(): boolean {
  const privacy = (window as unknown as Page).Shopify?.customerPrivacy;
  return privacy?.analyticsProcessingAllowed?.() ?? true;
}

/** False when Google's consent mode has `analytics_storage` denied. */
export function analyticsStorageGranted(): boolean {
  let granted = true;
  for (const entry of (window as unknown as Page).dataLayer ?? []) {
    const state = entry?.[0] === 'consent' ? (entry[2] as { analytics_storage?: string } | undefined)?.analytics_storage : undefined;
    if (state) granted = state === 'granted';
  }
  return granted;
}
