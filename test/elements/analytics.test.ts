import { expect } from '@esm-bundle/chai';
import '../../src/fitting-room.js';
import type { AnalyticsEvent, Arm, EventBatch } from '../../src/analytics-contract.js';
import type { FittingRoom } from '../../src/components/fitting-room/fitting-room.component.js';
import { buttonByText, dialogRoot, drawPhoto, firstVisit, mount, nativeDialog, pickFile, waitFor } from './helpers.js';

/**
 * The analytics sinks in Chromium, through whole try-ons on the sandbox proxy: what the proxy's
 * collector (beacons), GA4 (Google's own gtag snippet, which pushes onto `dataLayer`) and
 * Shopify's customer events (`Shopify.analytics.publish`) receive.
 */
type Page = Window & { dataLayer?: unknown[]; gtag?: (...args: unknown[]) => void; Shopify?: unknown };
const page = window as Page;

/** Records every beacon the page sends (and still sends it). */
function recordBeacons() {
  const batches: { url: string; batch: EventBatch }[] = [];
  const send = navigator.sendBeacon;
  navigator.sendBeacon = (url: string | URL, data?: BodyInit | null) => {
    batches.push({ url: new URL(url, location.href).pathname, batch: JSON.parse(String(data)) });
    return send.call(navigator, url, data);
  };
  return { batches, events: () => batches.flatMap(({ batch }) => batch.events), stop: () => delete (navigator as { sendBeacon?: unknown }).sendBeacon };
}

/** Google's gtag.js snippet, as a merchant pastes it: `gtag()` pushes its arguments onto `dataLayer`. */
function installGtag(consent?: 'denied' | 'granted') {
  page.dataLayer = [];
  page.gtag = function () {
    // biome-ignore lint/complexity/noArguments: this is Google's snippet, which pushes the arguments object.
    page.dataLayer!.push(arguments);
  };
  if (consent) page.gtag('consent', 'default', { analytics_storage: consent, ad_storage: 'denied' });
}
/** The `gtag('event', name, params)` calls, as [name, params]. */
const gtagEvents = () =>
  (page.dataLayer ?? [])
    .map((entry) => Array.from(entry as ArrayLike<unknown>))
    .filter((args) => args[0] === 'event')
    .map((args) => [args[1], args[2]] as [string, Record<string, unknown>]);

/** Shopify's storefront globals: a publish that records, and the Customer Privacy API. */
function installShopify(analyticsAllowed = true) {
  const published: [string, Record<string, unknown>][] = [];
  page.Shopify = {
    analytics: { publish: (name: string, data: Record<string, unknown>) => published.push([name, data]) },
    customerPrivacy: { analyticsProcessingAllowed: () => analyticsAllowed },
  };
  return published;
}

const PRODUCT_LD = `<script type="application/ld+json">{"@context":"https://schema.org","@type":"Product","name":"Everyday tee","productID":"everyday-tee",
  "offers":{"@type":"Offer","price":"29.00","priceCurrency":"EUR","sku":"everyday-tee-navy"}}</script>`;

function setup(attributes = '', productId = 'everyday-tee') {
  const container = mount(
    `${PRODUCT_LD}<fitting-room endpoint="/fitting-room" garment="/demo/.generated/tee-navy.png" category="top" product-id="${productId}" variant-id="${productId}-navy" ${attributes}></fitting-room>`,
  );
  return { container, element: container.querySelector('fitting-room') as FittingRoom };
}

/** One whole try-on: open, consent, a photo, the result, and "Add to cart" (which closes the dialog). */
async function tryOn(element: FittingRoom, { addToCart = true } = {}) {
  element.shadowRoot!.querySelector('button')!.click();
  await waitFor(() => nativeDialog(element)?.open, 'the dialog to open');
  const consent = await waitFor(() => dialogRoot(element)!.querySelector<HTMLInputElement>('input[type=checkbox]'), 'the consent step');
  consent.click();
  await waitFor(() => !buttonByText(element, 'Continue')?.disabled, 'Continue to be enabled');
  buttonByText(element, 'Continue')!.click();
  const input = await waitFor(() => dialogRoot(element)!.querySelector<HTMLInputElement>('input[type=file]'), 'the photo step');
  pickFile(input, await drawPhoto());
  await waitFor(() => dialogRoot(element)?.querySelector('.compare img.after') || dialogRoot(element)?.querySelector('[role=alert]'), 'the result or the error');
  if (addToCart && buttonByText(element, 'Add to cart')) {
    // The page adds to its cart itself (no shop's cart API in this test), as the README describes.
    document.addEventListener('fitting-room:add-to-cart', (event) => event.preventDefault(), { once: true });
    buttonByText(element, 'Add to cart')!.click();
  }
  element.close();
  await waitFor(() => !nativeDialog(element)!.open, 'the dialog to close');
}

/** Keys an analytics payload may have, in any sink: ids, the arm, numbers and codes. */
const ALLOWED_KEYS = new Set([
  'v',
  'token',
  'events',
  'name',
  'arm',
  'experiment',
  'productId',
  'variantId',
  'latencyMs',
  'code',
  'value',
  'currency',
  'triedOn',
  'product_id',
  'variant_id',
  'latency_ms',
  'error_code',
  'fitting_room_arm',
  'items',
  'item_id',
  'item_variant',
  'quantity',
  'event',
  'ecommerce',
]);

/** Fails on anything personal in a payload: photo bytes, data:/blob: URLs, e-mail-like text, free text, a key outside the schema. */
function expectNoPersonalData(payload: unknown, photoBase64: string) {
  const text = JSON.stringify(payload);
  expect(text).not.to.match(/data:|blob:/, 'no data: or blob: URL');
  expect(text).not.to.match(/[\w.+-]+@[\w-]+\.[\w.]+/, 'nothing e-mail-like');
  expect(text).not.to.match(/[A-Za-z0-9+/=]{120,}/, 'no encoded bytes');
  if (photoBase64) expect(text).not.to.include(photoBase64.slice(100, 160), 'none of the photo');
  const visit = (value: unknown) => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== 'object') {
      // Free text would have spaces; every string here is an id, a code, a name of ours or a token.
      if (typeof value === 'string') expect(value).to.match(/^[\w.:@/-]*$/, `free text: ${value}`);
      return;
    }
    for (const [key, inner] of Object.entries(value)) {
      expect(ALLOWED_KEYS.has(key), `key ${key} in ${text.slice(0, 200)}`).to.equal(true);
      visit(inner);
    }
  };
  visit(payload);
}

describe('analytics sinks', () => {
  let container: HTMLElement | undefined;
  let beacons: ReturnType<typeof recordBeacons>;

  beforeEach(() => {
    firstVisit();
    localStorage.removeItem('fitting-room:arm');
    beacons = recordBeacons();
  });
  afterEach(() => {
    beacons.stop();
    container?.remove();
    delete page.dataLayer;
    delete page.gtag;
    delete page.Shopify;
  });

  it('sends the documented schema to GA4, Shopify and the collector through a whole try-on, with nothing personal', async () => {
    installGtag();
    const published = installShopify();
    let element: FittingRoom;
    ({ container, element } = setup());
    await waitFor(() => beacons.events().some((event) => event.name === 'impression'), 'the impression beacon');
    expect(beacons.events().map((event) => event.name)).to.deep.equal(['exposure', 'impression']);
    await tryOn(element);
    await waitFor(() => beacons.events().some((event) => event.name === 'result'), 'the funnel batch');

    // GA4: the custom events in order, then the recommended add_to_cart with the price the page states.
    const ga4 = gtagEvents();
    expect(ga4.map(([name]) => name)).to.deep.equal(['try_on_open', 'try_on_consent', 'try_on_photo', 'try_on_submit', 'try_on_result', 'add_to_cart']);
    for (const [, params] of ga4.slice(0, 5)) expect(params).to.include({ product_id: 'everyday-tee', variant_id: 'everyday-tee-navy', fitting_room_arm: 'treatment' });
    const latency = ga4[4][1].latency_ms as number;
    expect(latency).to.be.a('number').and.be.greaterThan(0).and.lessThan(60_000);
    expect(ga4[5][1]).to.deep.equal({ value: 29, currency: 'EUR', items: [{ item_id: 'everyday-tee', item_variant: 'everyday-tee-navy', quantity: 1 }] });

    // Shopify: the same events for any Web Pixel, with the same fields as the collector's.
    expect(published.map(([name]) => name)).to.deep.equal([
      'fitting_room_open',
      'fitting_room_consent',
      'fitting_room_photo',
      'fitting_room_submit',
      'fitting_room_result',
      'fitting_room_add_to_cart',
    ]);
    expect(published[4][1]).to.deep.equal({ arm: 'treatment', experiment: 'holdout:0', productId: 'everyday-tee', variantId: 'everyday-tee-navy', latencyMs: latency });
    expect(published[5][1]).to.deep.include({ triedOn: true, value: 29, currency: 'EUR' });

    // The collector: the exposure and impression alone before intent, then one batch with the session token.
    const funnel = beacons.batches.find(({ batch }) => batch.events.some((event) => event.name === 'open'))!;
    expect(funnel.url).to.equal('/fitting-room/events');
    expect(funnel.batch.v).to.equal(1);
    expect(funnel.batch.token)
      .to.be.a('string')
      .and.match(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    // On Shopify the add-to-cart reaches the collector through the Web Pixel, once.
    expect(funnel.batch.events.map((event) => event.name)).to.deep.equal(['open', 'consent', 'photo', 'submit', 'result']);
    expect(funnel.batch.events.find((event) => event.name === 'result')!.latencyMs).to.equal(latency);
    expect(beacons.batches.slice(0, 2).map(({ batch }) => batch.token)).to.deep.equal([undefined, undefined], 'no token before intent');
    for (const event of beacons.events()) expect(event).to.include({ arm: 'treatment', experiment: 'holdout:0', productId: 'everyday-tee' });

    const photo = btoa(String.fromCharCode(...new Uint8Array(await (await drawPhoto()).arrayBuffer()).slice(0, 3000)));
    for (const payload of [...beacons.batches.map(({ batch }) => ({ ...batch, token: undefined })), ...gtagEvents(), ...published]) expectNoPersonalData(payload, photo);
  });

  it('sends an error code, never the message, and still nothing personal', async () => {
    installGtag();
    let element: FittingRoom;
    ({ container, element } = setup('', 'sandbox-fail-tee'));
    await tryOn(element, { addToCart: false });
    await waitFor(() => beacons.events().some((event) => event.name === 'error'), 'the funnel batch');
    expect(beacons.events().find((event) => event.name === 'error')).to.include({ code: 'TRYON_FAILED' });
    expect(gtagEvents().find(([name]) => name === 'try_on_error')![1]).to.include({ error_code: 'TRYON_FAILED' });
    for (const payload of [...beacons.batches.map(({ batch }) => ({ ...batch, token: undefined })), ...gtagEvents()]) expectNoPersonalData(payload, '');
  });

  it('gives a sink turned off by the analytics attribute nothing', async () => {
    installGtag();
    const published = installShopify();
    let element: FittingRoom;
    ({ container, element } = setup('analytics="proxy"'));
    await tryOn(element);
    await waitFor(() => beacons.events().some((event) => event.name === 'result'), 'the funnel batch');
    expect(gtagEvents()).to.deep.equal([]);
    expect(published).to.deep.equal([]);
  });

  it('sends nothing at all with analytics="off"', async () => {
    installGtag();
    const published = installShopify();
    let element: FittingRoom;
    ({ container, element } = setup('analytics="off"'));
    await tryOn(element);
    expect(beacons.batches).to.deep.equal([]);
    expect(gtagEvents()).to.deep.equal([]);
    expect(published).to.deep.equal([]);
  });

  it("respects Google's consent mode: analytics_storage denied, nothing to GA4 (Shopify still gets its events)", async () => {
    installGtag('denied');
    const published = installShopify();
    let element: FittingRoom;
    ({ container, element } = setup('analytics="ga4,shopify"'));
    await tryOn(element);
    await waitFor(() => published.length >= 6, 'the Shopify events');
    expect(gtagEvents()).to.deep.equal([]);
    // A later update granting it: the next events go to GA4.
    page.gtag!('consent', 'update', { analytics_storage: 'granted' });
    element.shadowRoot!.querySelector('button')!.click();
    await waitFor(() => gtagEvents().length, 'GA4 after consent was granted');
    expect(gtagEvents().map(([name]) => name)).to.deep.equal(['try_on_open']);
  });

  it("respects Shopify's Customer Privacy API: analytics not allowed, nothing to Shopify or GA4", async () => {
    installGtag();
    const published = installShopify(false);
    let element: FittingRoom;
    ({ container, element } = setup());
    await tryOn(element);
    await waitFor(() => beacons.events().some((event) => event.name === 'result'), 'the funnel batch');
    expect(published).to.deep.equal([]);
    expect(gtagEvents()).to.deep.equal([]);
  });

  it('uses dataLayer the way Tag Manager expects when there is no gtag', async () => {
    page.dataLayer = [];
    let element: FittingRoom;
    ({ container, element } = setup());
    await tryOn(element);
    await waitFor(() => page.dataLayer!.some((entry) => (entry as { event?: string }).event === 'add_to_cart'), 'add_to_cart in the dataLayer');
    const entries = page.dataLayer as Record<string, unknown>[];
    expect(entries.filter((entry) => entry.event).map((entry) => entry.event)).to.deep.equal([
      'try_on_open',
      'try_on_consent',
      'try_on_photo',
      'try_on_submit',
      'try_on_result',
      'add_to_cart',
    ]);
    // Off Shopify the collector gets the widget's add-to-cart itself, attributed to the try-on.
    await waitFor(() => beacons.events().some((event) => event.name === 'add_to_cart'), 'the funnel batch');
    expect(beacons.events().find((event) => event.name === 'add_to_cart')).to.include({ triedOn: true, productId: 'everyday-tee', variantId: 'everyday-tee-navy' });
    // The previous ecommerce object is cleared first, as Tag Manager's documentation asks.
    expect(entries.slice(-2)).to.deep.equal([
      { ecommerce: null },
      { event: 'add_to_cart', ecommerce: { value: 29, currency: 'EUR', items: [{ item_id: 'everyday-tee', item_variant: 'everyday-tee-navy', quantity: 1 }] } },
    ]);
  });
});

describe('the holdout on the page', () => {
  let container: HTMLElement | undefined;
  let beacons: ReturnType<typeof recordBeacons>;
  beforeEach(() => {
    localStorage.removeItem('fitting-room:arm');
    beacons = recordBeacons();
  });
  afterEach(() => {
    beacons.stop();
    container?.remove();
  });

  it('draws no button for a holdout browser, takes no room, and still sends the exposure and the theme add-to-cart', async () => {
    localStorage.setItem('fitting-room:arm', 'holdout:holdout:0.5');
    container = mount(`<form action="/cart/add" method="post"><input name="id" value="everyday-tee-navy"><button>Add to cart</button></form>
      <fitting-room endpoint="/fitting-room" garment="/demo/.generated/tee-navy.png" product-id="everyday-tee" holdout="0.5"></fitting-room>`);
    const element = container.querySelector('fitting-room') as FittingRoom;
    expect(element.shadowRoot).to.equal(null);
    expect(element.getBoundingClientRect().height).to.equal(0);
    const form = container.querySelector('form')!;
    form.addEventListener('submit', (event) => event.preventDefault());
    form.requestSubmit();
    expect(beacons.events()).to.deep.equal([
      { name: 'exposure', arm: 'holdout', experiment: 'holdout:0.5', productId: 'everyday-tee' },
      { name: 'add_to_cart', arm: 'holdout', experiment: 'holdout:0.5', productId: 'everyday-tee' },
    ]);
    await element.open();
    expect(element.shadowRoot).to.equal(null, 'no try-on for the holdout, even when asked');
  });

  it('counts the theme add-to-cart in the treatment arm too', async () => {
    container = mount(`<form class="cart" method="post"><button>Add to cart</button></form>
      <fitting-room endpoint="/fitting-room" garment="/demo/.generated/tee-navy.png" product-id="everyday-tee" holdout="0.1" experiment="spring"></fitting-room>`);
    const form = container.querySelector('form')!;
    form.addEventListener('submit', (event) => event.preventDefault());
    form.requestSubmit();
    expect(localStorage.getItem('fitting-room:arm')).to.match(/^(holdout|treatment):spring:0\.1$/);
    const arm = localStorage.getItem('fitting-room:arm')!.split(':')[0] as Arm;
    expect(beacons.events().filter((event) => event.name !== 'impression')).to.deep.equal([
      { name: 'exposure', arm, experiment: 'spring:0.1', productId: 'everyday-tee' },
      { name: 'add_to_cart', arm, experiment: 'spring:0.1', productId: 'everyday-tee' },
    ] satisfies AnalyticsEvent[]);
    for (const { batch } of beacons.batches) expectNoPersonalData(batch, '');
  });
});
