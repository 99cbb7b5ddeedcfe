/**
 * Host pages for the embedding tests: a plain page as the README's snippet has it, and the
 * hostile themes the widget must survive. Each is registered on the test host (host.ts).
 */
import type { Host } from './host.js';

/** The README's embed snippet: one rule, one script tag, one element. */
export const RESERVE_RULE =
  'fitting-room:not(:defined){display:inline-block;vertical-align:middle;inline-size:var(--fitting-room-width,200px);block-size:var(--fitting-room-height,44px)}';

/** The strict policy of src/components/README.md, "Content Security Policy", word for word. */
export const STRICT_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const ld = (product: object) => `<script type="application/ld+json">${JSON.stringify({ '@context': 'https://schema.org', '@type': 'Product', ...product })}</script>`;

function shell({ title, head = '', body, style = '' }: { title: string; head?: string; body: string; style?: string }) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${RESERVE_RULE}
body { margin: 0; font-family: Georgia, serif; }
main { padding: 24px; }
.gallery { width: 320px; height: 200px; background: #eee; }
${style}</style>
<script type="module" src="/widget/fitting-room.js"></script>
${head}
</head>
<body>
${body}
</body>
</html>`;
}

const product = (inner: string) => `<main>
  <h1>Everyday Tee</h1>
  <div class="gallery"></div>
  <form action="/cart/add" method="post"><button type="submit">Add to cart</button></form>
  ${inner}
  <p id="after">Free returns within 30 days.</p>
</main>`;

const element = '<fitting-room endpoint="/fitting-room" garment="/images/tee-navy.png" category="top" product-id="tee" variant-id="tee-navy"></fitting-room>';

/** Hostile themes: name → what the page does to the widget. */
export const HOSTILE: Record<string, { what: string; style: string; body: string }> = {
  transform: {
    what: 'an ancestor with transform',
    style: '.wrap { transform: translate(12px, 8px) scale(0.92) rotate(0.5deg); }',
    body: product(`<div class="wrap"><div>${element}</div></div>`),
  },
  filter: {
    what: 'an ancestor with filter and opacity',
    style: '.wrap { filter: grayscale(1) blur(0.3px); opacity: 0.9; will-change: transform; }',
    body: product(`<div class="wrap">${element}</div>`),
  },
  overflow: {
    what: 'an ancestor with overflow: hidden, clipped tight around the button',
    style: '.wrap { overflow: hidden; height: 50px; width: 210px; position: relative; contain: paint; }',
    body: product(`<div class="wrap">${element}</div>`),
  },
  sticky: {
    what: 'a sticky header at z-index 2147483647 covering the middle of the screen',
    style: 'header { position: sticky; top: 0; height: 52vh; z-index: 2147483647; background: rgb(200 30 30 / 0.95); color: #fff; } .spacer { height: 2000px; }',
    body: `<header>SALE — everything must go</header>${product(element)}<div class="spacer"></div>`,
  },
  css: {
    what: 'aggressive global CSS (* { all: revert }, button { display:none }, img { max-width:50% }, html { font-size:10px })',
    style: `* { all: revert; } button { display: none !important; } img { max-width: 50% !important; } html { font-size: 10px !important; }
      *, *::before, *::after { box-sizing: content-box !important; letter-spacing: 0.3em; text-transform: uppercase; line-height: 3 !important; }
      div { padding: 9px; margin: 7px; } body { color: lime; background: #111; }`,
    body: product(`<div>${element}</div>`),
  },
};

/** Registers every page of the embedding tests on `host`. */
export function registerPages(host: Host) {
  // The README's snippet, as a merchant pastes it.
  host.page(
    '/plain',
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Plain</title>
<style>${RESERVE_RULE}</style>
<script type="module" src="/widget/fitting-room.js"></script>
</head><body>
<fitting-room endpoint="/fitting-room" garment="/images/tee-navy.png" category="top" product-id="everyday-tee" variant-id="everyday-tee-navy"></fitting-room>
</body></html>`,
  );

  // Zero configuration: only the element; the product comes from the page's JSON-LD.
  host.page(
    '/zero-config',
    shell({
      title: 'Zero config',
      head: ld({ name: 'Linen wrap dress', sku: 'LWD-1', image: ['/images/dress-ochre.png'], offers: { '@type': 'Offer', price: '89.00', priceCurrency: 'EUR' } }),
      body: product('<fitting-room></fitting-room>'),
    }),
  );

  for (const [name, page] of Object.entries(HOSTILE)) host.page(`/hostile/${name}`, shell({ title: page.what, style: page.style, body: page.body }));

  // Strict CSP: no inline script or style at all; the page's own CSS and JS are files.
  host.page('/csp/shop.css', { html: `${RESERVE_RULE}\nbody { margin: 0; font-family: Georgia, serif; } main { padding: 24px; }`, type: 'text/css' });
  host.page('/csp/shop.js', {
    html: `document.addEventListener('fitting-room:add-to-cart', (event) => { document.getElementById('cart').textContent = 'Added ' + event.detail.variantId; });`,
    type: 'text/javascript',
  });
  host.page('/csp', {
    html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Strict CSP</title>
<link rel="stylesheet" href="/csp/shop.css">
<script type="module" src="/widget/fitting-room.js"></script>
<script type="module" src="/csp/shop.js"></script>
</head><body>${product(element)}<p id="cart" role="status"></p></body></html>`,
    headers: { 'content-security-policy': STRICT_CSP },
  });

  // Two products, two buttons, nothing but JSON-LD to tell them apart.
  host.page(
    '/two',
    shell({
      title: 'Two products',
      style: 'article { border: 1px solid #ccc; margin: 12px; padding: 12px; }',
      body: `<main>
        <article>${ld({ name: 'Crew tee (red)', sku: 'TEE-RED', image: '/images/tee-red.png' })}<h2>Crew tee</h2><fitting-room endpoint="/fitting-room"></fitting-room></article>
        <article>${ld({ name: 'Crew tee (green)', sku: 'TEE-GREEN', image: '/images/tee-green.png' })}<h2>Crew tee</h2><fitting-room endpoint="/fitting-room"></fitting-room></article>
      </main>`,
    }),
  );

  // The widget's script arrives after the page has loaded (a tag manager, a consent tool).
  host.page('/late/loader.js', {
    html: `addEventListener('load', () => setTimeout(() => import('/widget/fitting-room.js'), 300));`,
    type: 'text/javascript',
  });
  host.page(
    '/late',
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Late</title>
<style>${RESERVE_RULE} body { margin: 0; } main { padding: 24px; }</style>
<script src="/late/loader.js"></script>
</head><body>${product(element)}</body></html>`,
  );

  // A single-page shop: "navigation" swaps the product in place and pushes a new URL.
  host.page('/spa/app.js', {
    html: `
      const products = {
        'tee-red': { name: 'Crew tee (red)', sku: 'TEE-RED', image: '/images/tee-red.png' },
        'wrap-dress': { name: 'Linen wrap dress', sku: 'LWD-1', image: '/images/dress-ochre.png' },
      };
      window.navigateTo = (handle, { replaceWidget = false } = {}) => {
        history.pushState({}, '', '/spa/products/' + handle);
        document.querySelector('script[type="application/ld+json"]').textContent = JSON.stringify({ '@context': 'https://schema.org', '@type': 'Product', ...products[handle] });
        document.querySelector('h1').textContent = products[handle].name;
        if (replaceWidget) document.querySelector('.buy').innerHTML = '<fitting-room endpoint="/fitting-room"></fitting-room>';
      };`,
    type: 'text/javascript',
  });
  host.page(
    '/spa/products/tee-red',
    shell({
      title: 'SPA',
      head: `${ld({ name: 'Crew tee (red)', sku: 'TEE-RED', image: '/images/tee-red.png' })}<script type="module" src="/spa/app.js"></script>`,
      body: `<main><h1>Crew tee (red)</h1><div class="buy"><fitting-room endpoint="/fitting-room"></fitting-room></div></main>`,
    }),
  );
}
