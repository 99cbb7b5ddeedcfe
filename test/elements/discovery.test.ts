import { expect } from '@esm-bundle/chai';
import type { FittingRoom } from '../../src/components/fitting-room/fitting-room.component.js';
import { discover, inferCategory } from '../../src/components/fitting-room/discover.js';
import { mount, waitFor } from './helpers.js';

/**
 * Zero configuration: product discovery (JSON-LD, og:image, Shopify product JSON) and the
 * themes' variant signals (Dawn pub/sub, Horizon `variant:update`, WooCommerce jQuery events,
 * the `[name=id]` change), in Chromium against the widget's source.
 */

// ---- the themes' globals, present before the widget's script runs, as on their pages ---------

type PubSubCallback = (payload: unknown) => void;
const dawnSubscribers: Record<string, PubSubCallback[]> = {};
/** Dawn's pubsub.js and constants.js, as Dawn 15 has them. */
Object.assign(window, {
  PUB_SUB_EVENTS: { cartUpdate: 'cart-update', quantityUpdate: 'quantity-update', variantChange: 'variant-change', cartError: 'cart-error' },
  subscribe(event: string, callback: PubSubCallback) {
    dawnSubscribers[event] = [...(dawnSubscribers[event] ?? []), callback];
    return () => (dawnSubscribers[event] = dawnSubscribers[event].filter((item) => item !== callback));
  },
  publish(event: string, data: unknown) {
    return Promise.all((dawnSubscribers[event] ?? []).map((callback) => callback(data)));
  },
});
const publish = (window as unknown as { publish(event: string, data: unknown): Promise<unknown> }).publish;

type JQueryHandler = (event: { type: string; target: Element }, ...data: unknown[]) => void;
const jqueryHandlers: Record<string, JQueryHandler[]> = {};
/** Enough of jQuery for WooCommerce's events: delegated `.on` on document, `.trigger` on a form (which bubbles). */
const jQuery = (target: Element | Document) => ({
  on(types: string, handler: JQueryHandler) {
    for (const type of types.split(/\s+/)) jqueryHandlers[type] = [...(jqueryHandlers[type] ?? []), handler];
    return this;
  },
  trigger(type: string, data: unknown[] = []) {
    for (const handler of jqueryHandlers[type] ?? []) handler({ type, target: target as Element }, ...data);
  },
});
Object.assign(window, { jQuery });

const ld = (data: unknown) => `<script type="application/ld+json">${JSON.stringify(data)}</script>`;

describe('category inference', () => {
  const cases: [string, string | undefined][] = [
    ['T-Shirts', 'top'],
    ['Organic cotton tee', 'top'],
    ['Shirt Dress', 'dress'],
    ['Dress Shirt', 'top'],
    ['Leather Jacket', 'outerwear'],
    ['Slim jeans', 'bottom'],
    ['Short sleeve top', 'top'],
    ['Running Shoes', 'shoes'],
    ['Chelsea boots', 'shoes'],
    ['Canvas tote bag', 'bag'],
    ['Sunglasses', 'accessory'],
    ['Earrings', 'accessory'],
    ['Denim jumpsuit', 'full'],
    ['Outerwear', 'outerwear'],
    ['Spring collection', undefined],
    ['Laptop sleeve', undefined],
    ['', undefined],
  ];
  for (const [text, category] of cases) {
    it(`"${text}" → ${category ?? 'nothing'}`, () => expect(inferCategory(text)).to.equal(category));
  }
});

describe('discover()', () => {
  let container: HTMLElement;
  afterEach(() => {
    container?.remove();
    for (const node of document.head.querySelectorAll('[data-test]')) node.remove();
  });

  it('reads JSON-LD Product: image (as ImageObject list), sku, category', async () => {
    container = mount(`
      ${ld({ '@context': 'https://schema.org', '@graph': [{ '@type': 'BreadcrumbList' }, { '@type': 'Product', name: 'Linen shirt', sku: 'LS-1', category: 'Apparel > Shirts', image: [{ '@type': 'ImageObject', url: 'https://shop.example/linen.png' }], offers: { '@type': 'Offer', sku: 'LS-1-M' } }] })}
      <fitting-room></fitting-room>`);
    const found = await discover(container.querySelector('fitting-room')!);
    expect(found).to.include({ garment: 'https://shop.example/linen.png', productId: 'LS-1', category: 'top', endpoint: '/fitting-room' });
  });

  it('picks the selected variant of a JSON-LD ProductGroup', async () => {
    container = mount(`
      ${ld({
        '@context': 'https://schema.org/',
        '@type': 'ProductGroup',
        name: 'Wrap dress',
        productGroupID: '7001',
        image: 'https://shop.example/dress.png',
        hasVariant: [
          { '@type': 'Product', '@id': '/products/wrap-dress?variant=11#variant', sku: 'WD-RED', image: 'https://shop.example/dress-red.png' },
          { '@type': 'Product', '@id': '/products/wrap-dress?variant=12#variant', sku: 'WD-BLUE', image: 'https://shop.example/dress-blue.png' },
        ],
      })}
      <fitting-room variant-id="12"></fitting-room>`);
    const element = container.querySelector('fitting-room')!;
    expect(await discover(element, '12')).to.include({
      garment: 'https://shop.example/dress-blue.png',
      category: 'dress',
      productId: '7001',
      variantImage: 'https://shop.example/dress-blue.png',
    });
    expect((await discover(element, 'WD-RED')).garment).to.equal('https://shop.example/dress-red.png');
    expect((await discover(element, 'nope')).garment).to.equal('https://shop.example/dress.png');
  });

  it('falls back to og:image, then the Shopify product JSON', async () => {
    const og = Object.assign(document.createElement('meta'), { content: 'https://shop.example/og.png' });
    og.setAttribute('property', 'og:image');
    og.dataset.test = '';
    document.head.append(og);
    container = mount(`<fitting-room></fitting-room>`);
    expect((await discover(container.querySelector('fitting-room')!)).garment).to.equal('https://shop.example/og.png');
    og.remove();
    container.innerHTML = `
      <script type="application/json" data-product-json>${JSON.stringify({ id: 99, title: 'Rain Parka', type: '', featured_image: '//cdn.shop.example/parka.png', variants: [{ id: 1 }, { id: 2, featured_image: { src: '//cdn.shop.example/parka-olive.png' } }] })}</script>
      <fitting-room></fitting-room>`;
    const element = container.querySelector('fitting-room')!;
    expect(await discover(element)).to.include({ garment: '//cdn.shop.example/parka.png', productId: '99', category: 'outerwear' });
    expect(await discover(element, '2')).to.include({ garment: '//cdn.shop.example/parka-olive.png', variantImage: '//cdn.shop.example/parka-olive.png' });
  });

  it('gives each of two products on one page its own data (nearest first)', async () => {
    container = mount(`
      <article>${ld({ '@type': 'Product', name: 'Beanie', image: 'https://shop.example/beanie.png' })}<fitting-room></fitting-room></article>
      <article>${ld({ '@type': 'Product', name: 'Trail sneakers', image: 'https://shop.example/sneakers.png' })}<fitting-room></fitting-room></article>`);
    const [first, second] = container.querySelectorAll('fitting-room');
    expect(await discover(first)).to.include({ garment: 'https://shop.example/beanie.png', category: 'accessory' });
    expect(await discover(second)).to.include({ garment: 'https://shop.example/sneakers.png', category: 'shoes' });
  });

  it('asks Shopify for /products/<handle>.js when the page embeds no variant images', async () => {
    const start = location.href;
    const realFetch = window.fetch;
    const asked: string[] = [];
    const globals = window as unknown as Record<string, unknown>;
    window.fetch = async (input: RequestInfo | URL) => {
      asked.push(String(input));
      const product = {
        id: 321,
        title: 'Silk slip',
        type: 'Dresses',
        featured_image: '//cdn.shop.example/slip.png',
        variants: [{ id: 7, featured_image: { src: '//cdn.shop.example/slip-7.png' } }],
      };
      return new Response(JSON.stringify(product), { headers: { 'content-type': 'application/json' } });
    };
    globals.Shopify = { routes: { root: '/' } };
    globals.ShopifyAnalytics = { meta: { product: { id: 321, type: 'Dresses' }, selectedVariantId: '7' } };
    try {
      history.pushState(null, '', '/products/silk-slip?variant=7');
      container = mount('<fitting-room></fitting-room>');
      const found = await discover(container.querySelector('fitting-room')!);
      expect(asked).to.deep.equal(['/products/silk-slip.js']);
      expect(found).to.include({ garment: '//cdn.shop.example/slip-7.png', productId: '321', variantId: '7', category: 'dress', endpoint: '/apps/fitting-room' });
      await discover(container.querySelector('fitting-room')!);
      expect(asked, 'asked once per page').to.have.length(1);
    } finally {
      window.fetch = realFetch;
      delete globals.Shopify;
      delete globals.ShopifyAnalytics;
      history.replaceState(null, '', start);
    }
  });

  it('Dawn combined listing: after the section swap, product id, category, garment and variant follow the new product, not the page globals', async () => {
    const start = location.href;
    const globals = window as unknown as Record<string, unknown>;
    // The page was loaded for the navy dress; ShopifyAnalytics and og: tags name it for the whole page.
    globals.ShopifyAnalytics = { meta: { product: { id: 111, type: 'Dresses' }, selectedVariantId: '1101' } };
    const og = Object.assign(document.createElement('meta'), { content: 'https://shop.example/dress-navy.png' });
    og.setAttribute('property', 'og:image');
    og.dataset.test = '';
    document.head.append(og);
    const section = (id: number, name: string, variant: number, image: string) => `
      <product-info data-section="main" data-product-id="${id}" data-url="/products/${name}">
        ${ld({ '@context': 'https://schema.org', '@type': 'ProductGroup', name: name.replace(/-/g, ' '), productGroupID: String(id) })}
        <variant-selects data-section="main"><script type="application/json">${JSON.stringify([{ id: variant, featured_media: { preview_image: { src: image } } }])}</script></variant-selects>
        <form action="/cart/add" method="post"><input type="hidden" name="id" value="${variant}"><input type="hidden" name="product-id" value="${id}"></form>
        <fitting-room></fitting-room>
      </product-info>`;
    try {
      container = mount(`<div id="shopify-section-main">${section(111, 'wrap-dress-navy', 1101, 'https://shop.example/dress-navy-v.png')}</div>`);
      expect(await discover(container.querySelector('fitting-room')!)).to.include({
        productId: '111',
        category: 'dress',
        variantId: '1101',
        garment: 'https://shop.example/dress-navy-v.png',
      });
      // The shopper picks the green one, another product: Dawn fetches its section, swaps it in and replaces the address.
      history.replaceState(null, '', '/products/wrap-top-green');
      container.querySelector('#shopify-section-main')!.innerHTML = section(222, 'wrap-top-green', 2201, 'https://shop.example/top-green-v.png');
      expect(await discover(container.querySelector('fitting-room')!)).to.include({
        productId: '222',
        category: 'top',
        variantId: '2201',
        garment: 'https://shop.example/top-green-v.png',
      });
    } finally {
      delete globals.ShopifyAnalytics;
      history.replaceState(null, '', start);
    }
  });

  it('uses the page globals only when nothing nearer names a product, and only at the address the page was loaded from', async () => {
    const start = location.href;
    const globals = window as unknown as Record<string, unknown>;
    globals.ShopifyAnalytics = { meta: { product: { id: 333, type: 'Jackets' } } };
    try {
      container = mount('<fitting-room></fitting-room>');
      expect(await discover(container.querySelector('fitting-room')!)).to.include({ productId: '333', category: 'outerwear' });
      history.replaceState(null, '', '/products/somewhere-else');
      const found = await discover(container.querySelector('fitting-room')!);
      expect([found.productId, found.category]).to.deep.equal([undefined, undefined]);
    } finally {
      delete globals.ShopifyAnalytics;
      history.replaceState(null, '', start);
    }
  });

  it('reads WooCommerce’s product category classes', async () => {
    container = mount(`
      <div class="product type-product product_cat-skirts has-post-thumbnail">
        ${ld({ '@type': 'Product', name: 'Pleated midi', image: 'https://shop.example/midi.png' })}
        <fitting-room></fitting-room>
      </div>`);
    expect(await discover(container.querySelector('fitting-room')!)).to.include({ category: 'bottom', garment: 'https://shop.example/midi.png' });
  });
});

describe('<fitting-room> zero configuration', () => {
  let container: HTMLElement;
  const button = (element: FittingRoom) => element.shadowRoot!.querySelector('button')!;
  /** Intent (focus) runs discovery; wait until it has filled the garment. */
  const intent = async (element: FittingRoom) => {
    button(element).dispatchEvent(new FocusEvent('focus'));
    await waitFor(() => element.garment, 'discovery');
  };

  let early: HTMLElement;
  before(async () => {
    // Already in the page, with a label, when the script defines the element (Shopify block, WordPress shortcode).
    early = mount('<fitting-room label="Probier es an" garment="/x.png"></fitting-room>');
    await import('../../src/fitting-room.js');
  });
  afterEach(() => container?.remove());

  it('upgrades an element that already has a label', () => {
    const element = early.querySelector('fitting-room')!;
    expect(element.shadowRoot!.querySelector('button')!.textContent).to.equal('Probier es an');
    early.remove();
  });

  it('fills the gaps from the page on intent; attributes win', async () => {
    container = mount(`
      ${ld({ '@type': 'Product', name: 'Merino crew sweater', sku: 'MCS', image: 'https://shop.example/sweater.png' })}
      <fitting-room></fitting-room>
      <fitting-room category="outerwear" garment="https://shop.example/given.png"></fitting-room>`);
    const [plain, given] = container.querySelectorAll('fitting-room');
    expect(plain.garment, 'nothing before intent').to.equal(null);
    await intent(plain);
    expect([plain.garment, plain.category, plain.productId, plain.endpoint]).to.deep.equal(['https://shop.example/sweater.png', 'top', 'MCS', '/fitting-room']);
    expect(plain.hasAttribute('garment'), 'found values are not written into attributes').to.equal(false);
    await intent(given);
    expect([given.garment, given.category]).to.deep.equal(['https://shop.example/given.png', 'outerwear']);
  });

  it('discover="off" finds nothing and follows no variant', async () => {
    container = mount(
      `${ld({ '@type': 'Product', name: 'Tee', image: 'https://shop.example/tee.png' })}<form action="/cart/add"><input name="id" value="1"></form><fitting-room discover="off"></fitting-room>`,
    );
    const element = container.querySelector('fitting-room')!;
    button(element).dispatchEvent(new FocusEvent('focus'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const input = container.querySelector('input')!;
    input.value = '2';
    input.dispatchEvent(new Event('change', { bubbles: true }));
    expect([element.garment, element.variantId]).to.deep.equal([null, null]);
  });

  it('follows Dawn’s variant-change pub/sub for its own section only', async () => {
    container = mount(`
      <div id="shopify-section-main"><product-info data-section="main"><fitting-room garment="https://shop.example/a.png" variant-id="1"></fitting-room></product-info></div>
      <div id="shopify-section-other"><product-info data-section="other"><fitting-room garment="https://shop.example/x.png" variant-id="9"></fitting-room></product-info></div>`);
    const [main, other] = container.querySelectorAll('fitting-room');
    const variant = {
      id: 2,
      featured_media: { id: 5, preview_image: { src: '//cdn.shop.example/b.png', width: 800, height: 1000 } },
      featured_image: { src: '//cdn.shop.example/b-old.png' },
    };
    await publish('variant-change', { data: { sectionId: 'main', html: new DOMParser().parseFromString('<div></div>', 'text/html'), variant } });
    expect([main.garment, main.variantId]).to.deep.equal(['//cdn.shop.example/b.png', '2']);
    expect([other.garment, other.variantId]).to.deep.equal(['https://shop.example/x.png', '9']);
    // An unavailable combination: Dawn publishes no variant; nothing changes.
    await publish('variant-change', { data: { sectionId: 'main', html: null, variant: undefined } });
    expect(main.garment).to.equal('//cdn.shop.example/b.png');
  });

  it('follows Horizon’s variant:update event, ignoring other products', async () => {
    container = mount(`
      <section class="shopify-section"><variant-picker data-product-id="77"></variant-picker><fitting-room product-id="77" garment="https://shop.example/a.png"></fitting-room></section>`);
    const element = container.querySelector('fitting-room')!;
    const picker = container.querySelector('variant-picker')!;
    const update = (resource: object, productId: string) => {
      const event = new Event('variant:update', { bubbles: true }) as Event & { detail: unknown };
      event.detail = { resource, sourceId: 'opt-1', data: { html: document, productId } };
      picker.dispatchEvent(event);
    };
    update({ id: 3, featured_media: { preview_image: { src: '//cdn.shop.example/green.png' } } }, '77');
    expect([element.garment, element.variantId]).to.deep.equal(['//cdn.shop.example/green.png', '3']);
    update({ id: 4, featured_media: { preview_image: { src: '//cdn.shop.example/red.png' } } }, '78');
    expect(element.garment).to.equal('//cdn.shop.example/green.png');
  });

  it('follows Shopify’s standard shopify:product:select (Horizon 4), which sets [name=id] without a change event', async () => {
    container = mount(`
      <section class="shopify-section">
        <product-form-component data-product-id="77">
          <variant-picker><script type="application/json">${JSON.stringify({ id: 77, variants: [{ id: 3, featured_media: { preview_image: { src: '//cdn.shop.example/green.png' } } }] })}</script></variant-picker>
          <form action="/cart/add" method="post"><input type="hidden" name="id" value="2"></form>
        </product-form-component>
        <fitting-room product-id="77" garment="https://shop.example/a.png" variant-id="2"></fitting-room>
      </section>`);
    const element = container.querySelector('fitting-room')!;
    const picker = container.querySelector('variant-picker')!;
    /** As the standard events library dispatches it: the payload on the event, the variant from its promise. */
    const select = (productGid: string, variant: { id: string } | null) => {
      const promise = Promise.resolve({
        variant: variant && { ...variant, title: 'Green', availableForSale: true, price: { amount: '20.00', currencyCode: 'EUR' }, selectedOptions: [] },
      });
      const event = Object.assign(new Event('shopify:product:select', { bubbles: true }), {
        product: { id: productGid, title: 'Tee', handle: 'tee' },
        selectedOptions: [{ name: 'Color', value: 'Green' }],
        promise,
      });
      picker.dispatchEvent(event);
      (container.querySelector('[name=id]') as HTMLInputElement).value = variant?.id.split('/').pop() ?? '';
      return promise.then(() => new Promise((resolve) => setTimeout(resolve)));
    };
    await select('gid://shopify/Product/77', { id: 'gid://shopify/ProductVariant/3' });
    expect(element.variantId).to.equal('3');
    button(element).dispatchEvent(new FocusEvent('focus'));
    await waitFor(() => element.garment === '//cdn.shop.example/green.png', 'the variant’s image, looked up at intent');
    await select('gid://shopify/Product/78', { id: 'gid://shopify/ProductVariant/9' });
    expect(element.variantId, 'another product’s selection').to.equal('3');
    await select('gid://shopify/Product/77', null);
    expect(element.variantId, 'a combination without a variant').to.equal('3');
  });

  it('follows a product form whose [name=id] a theme set by property, with neither a change nor a standard event', async () => {
    container = mount(`
      <product-info>
        <script type="application/json" data-product-json>${JSON.stringify({
          id: 5,
          variants: [
            { id: 51, featured_image: { src: 'https://shop.example/sand.png' } },
            { id: 52, featured_image: { src: 'https://shop.example/navy.png' } },
          ],
        })}</script>
        <form action="/cart/add" method="post"><input type="hidden" name="id" value="51"></form>
        <fitting-room garment="https://shop.example/sand.png" variant-id="51"></fitting-room>
      </product-info>`);
    const element = container.querySelector('fitting-room')!;
    (container.querySelector('[name=id]') as HTMLInputElement).value = '52';
    await intent(element);
    await waitFor(() => element.variantId === '52', 'the variant the form holds');
    expect(element.garment).to.equal('https://shop.example/navy.png');
  });

  it('follows WooCommerce’s found_variation and reset_image (jQuery), per product', async () => {
    container = mount(`
      <div class="product"><form class="variations_form cart"></form><fitting-room garment="https://shop.example/hoodie.png" product-id="10"></fitting-room></div>
      <div class="product"><form class="variations_form cart"></form><fitting-room garment="https://shop.example/cap.png" product-id="20"></fitting-room></div>`);
    const [hoodie, cap] = container.querySelectorAll('fitting-room');
    const [hoodieForm] = container.querySelectorAll('form');
    jQuery(hoodieForm).trigger('found_variation', [
      { variation_id: 11, image: { src: 'https://shop.example/hoodie-grey-600.png', full_src: 'https://shop.example/hoodie-grey.png' } },
    ]);
    expect([hoodie.garment, hoodie.variantId]).to.deep.equal(['https://shop.example/hoodie-grey.png', '11']);
    expect(cap.garment).to.equal('https://shop.example/cap.png');
    jQuery(hoodieForm).trigger('reset_image');
    expect([hoodie.garment, hoodie.variantId]).to.deep.equal(['https://shop.example/hoodie.png', null]);
  });

  it('follows the product form’s [name=id] change, finding the variant’s image at intent', async () => {
    container = mount(`
      <script type="application/json" data-product-json>${JSON.stringify({
        id: 5,
        title: 'Chino',
        variants: [
          { id: 51, featured_image: { src: 'https://shop.example/chino-sand.png' } },
          { id: 52, featured_image: { src: 'https://shop.example/chino-navy.png' } },
        ],
      })}</script>
      <form action="/cart/add" method="post"><select name="id"><option value="51">Sand</option><option value="52">Navy</option></select></form>
      <fitting-room garment="https://shop.example/chino-sand.png" variant-id="51"></fitting-room>`);
    const element = container.querySelector('fitting-room')!;
    const select = container.querySelector('select')!;
    select.value = '52';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    expect(element.variantId).to.equal('52');
    button(element).dispatchEvent(new FocusEvent('focus'));
    await waitFor(() => element.garment === 'https://shop.example/chino-navy.png', 'the variant’s image');
  });

  it('takes the garment property set from code', () => {
    container = mount(`<fitting-room></fitting-room>`);
    const element = container.querySelector('fitting-room')!;
    element.garment = 'https://shop.example/set-from-code.png';
    expect(element.getAttribute('garment')).to.equal('https://shop.example/set-from-code.png');
  });

  it('forgets what variants set when a single-page shop moves to another product', async () => {
    const start = location.href;
    container = mount(`
      ${ld({ '@type': 'Product', name: 'Field jacket', image: 'https://shop.example/jacket.png' })}
      <div class="product"><form class="variations_form cart"></form><fitting-room></fitting-room></div>`);
    const element = container.querySelector('fitting-room')!;
    jQuery(container.querySelector('form')!).trigger('found_variation', [{ variation_id: 1, image: { full_src: 'https://shop.example/jacket-khaki.png' } }]);
    expect(element.garment).to.equal('https://shop.example/jacket-khaki.png');
    try {
      history.pushState(null, '', '/products/another-thing');
      container.querySelector('script')!.textContent = JSON.stringify({ '@type': 'Product', name: 'Pleated skirt', image: 'https://shop.example/skirt.png' });
      await intent(element);
      await waitFor(() => element.garment === 'https://shop.example/skirt.png', 'the new product');
      expect([element.category, element.variantId]).to.deep.equal(['bottom', null]);
    } finally {
      history.replaceState(null, '', start);
    }
  });
});
