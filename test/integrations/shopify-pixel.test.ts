import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EventBatch } from '../../src/analytics-contract.js';
import { fittingRoomPixel, type PixelApi, type PixelEvent } from '../../src/integrations/shopify/extensions/fitting-room-pixel/src/pixel.js';

/**
 * The Web Pixel run in Node against a small fake of Shopify's documented `register` API:
 * `analytics.subscribe(name | 'all_custom_events', callback)`, `browser.localStorage` and
 * `browser.sessionStorage` (asynchronous, the top frame's storage), `init.context` and
 * `settings`. Events are fed in the documented shapes; what the pixel sends lands on a real
 * HTTP server standing in for the proxy's collector.
 */
class TopFrameStorage {
  readonly items = new Map<string, string>();
  async getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  async setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

/** Shopify's side: runs the pixel like `register` would, then publishes customer events to its subscriptions. */
function shopify(settings: PixelApi['settings'], origin: string) {
  const subscriptions: [string, (event: PixelEvent) => unknown][] = [];
  const localStorage = new TopFrameStorage();
  const sessionStorage = new TopFrameStorage();
  fittingRoomPixel({
    analytics: { subscribe: (name, callback) => subscriptions.push([name, callback]) },
    browser: { localStorage, sessionStorage },
    init: { context: { document: { location: { origin } } } },
    settings,
  });
  return {
    localStorage,
    sessionStorage,
    /** Publishes `event` and waits for the work of every subscriber it reached. */
    publish: (event: PixelEvent) =>
      Promise.all(subscriptions.filter(([name]) => name === event.name || (name === 'all_custom_events' && event.type === 'custom')).map(([, callback]) => callback(event))),
  };
}

const custom = (name: string, customData: object): PixelEvent => ({ name, type: 'custom', customData });
const addedToCart: PixelEvent = {
  name: 'product_added_to_cart',
  type: 'standard',
  data: {
    cartLine: {
      cost: { totalAmount: { amount: 58, currencyCode: 'EUR' } },
      merchandise: { id: '44001', product: { id: '7001' } },
    },
  },
};
/** A checkout as Shopify describes it, personal data included: none of it may leave. */
const checkoutCompleted = {
  name: 'checkout_completed',
  type: 'standard',
  data: {
    checkout: {
      currencyCode: 'EUR',
      totalPrice: { amount: 87.5, currencyCode: 'EUR' },
      email: 'ada@example.com',
      phone: '+33 6 12 34 56 78',
      shippingAddress: { firstName: 'Ada', lastName: 'Lovelace', address1: '1 Rue de la Paix', city: 'Paris', zip: '75002' },
      lineItems: [{ title: 'Everyday tee', quantity: 2, variant: { id: '44001', product: { id: '7001' } } }],
    },
  },
} as PixelEvent;

let server: Server;
let origin: string;
const received: { path: string; type: string | undefined; batch: EventBatch }[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ path: request.url!, type: request.headers['content-type'], batch: JSON.parse(body) });
      response.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received.length = 0;
});

describe('the Shopify Web Pixel', () => {
  it('reports a treatment shopper who tried on: add-to-cart and order, attributed, with ids and amounts only', async () => {
    const shop = shopify({ endpoint: `${origin}/apps/fitting-room` }, 'https://shop.example');
    shop.localStorage.items.set('fitting-room:arm', 'treatment:spring:0.1');
    await shop.publish(custom('fitting_room_open', { arm: 'treatment', experiment: 'spring:0.1', productId: '7001' }));
    await shop.publish(custom('fitting_room_result', { arm: 'treatment', experiment: 'spring:0.1', productId: '7001', latencyMs: 8200 }));
    await shop.publish(addedToCart);
    await shop.publish(checkoutCompleted);
    expect(received.map(({ path }) => path)).toEqual(['/apps/fitting-room/events', '/apps/fitting-room/events']);
    expect(received[0].type).toMatch(/^text\/plain/);
    expect(received.map(({ batch }) => batch)).toEqual([
      { v: 1, events: [{ name: 'add_to_cart', arm: 'treatment', experiment: 'spring:0.1', productId: '7001', variantId: '44001', value: 58, currency: 'EUR', triedOn: true }] },
      { v: 1, events: [{ name: 'order', arm: 'treatment', experiment: 'spring:0.1', value: 87.5, currency: 'EUR', triedOn: true }] },
    ]);
    const sent = JSON.stringify(received);
    for (const personal of ['ada@', 'Ada', 'Lovelace', 'Rue de la Paix', '75002', '+33', 'Everyday tee']) expect(sent).not.toContain(personal);
    // Only the flag is kept for the session.
    expect([...shop.sessionStorage.items]).toEqual([['fitting-room:tried', '1']]);
  });

  it('reports the holdout arm too, not tried on', async () => {
    const shop = shopify({ endpoint: `${origin}/apps/fitting-room` }, 'https://shop.example');
    shop.localStorage.items.set('fitting-room:arm', 'holdout:spring:0.1');
    await shop.publish(addedToCart);
    await shop.publish(checkoutCompleted);
    expect(received.map(({ batch }) => batch.events[0])).toEqual([
      { name: 'add_to_cart', arm: 'holdout', experiment: 'spring:0.1', productId: '7001', variantId: '44001', value: 58, currency: 'EUR', triedOn: false },
      { name: 'order', arm: 'holdout', experiment: 'spring:0.1', value: 87.5, currency: 'EUR', triedOn: false },
    ]);
  });

  it('sends nothing for a browser the widget never saw (no arm), nor for other apps’ custom events', async () => {
    const shop = shopify({ endpoint: `${origin}/apps/fitting-room` }, 'https://shop.example');
    await shop.publish(custom('fitting_room_result', { arm: 'treatment' }));
    await shop.publish(addedToCart);
    await shop.publish(checkoutCompleted);
    expect(received).toEqual([]);
    const other = shopify({ endpoint: `${origin}/apps/fitting-room` }, 'https://shop.example');
    other.localStorage.items.set('fitting-room:arm', 'treatment:holdout:0');
    await other.publish(custom('some_app_result', { anything: true }));
    await other.publish(addedToCart);
    expect(received.map(({ batch }) => batch.events[0].triedOn)).toEqual([false]);
  });

  it("uses the shop's own App Proxy path when the setting is empty", async () => {
    const shop = shopify({}, origin);
    shop.localStorage.items.set('fitting-room:arm', 'treatment:holdout:0');
    await shop.publish(addedToCart);
    expect(received.map(({ path }) => path)).toEqual(['/apps/fitting-room/events']);
  });
});
