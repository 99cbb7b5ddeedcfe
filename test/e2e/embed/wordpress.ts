/**
 * Pages built from what the WordPress plugin prints (run by php through the harness of
 * test/integrations/wordpress): a post with the shortcode, and a WooCommerce variable product
 * whose variation form talks jQuery (`found_variation`, `reset_image`) as WooCommerce does.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Host } from './host.js';

const PLUGIN = fileURLToPath(new URL('../../../src/integrations/wordpress/fitting-room/', import.meta.url));
const HARNESS = fileURLToPath(new URL('../../integrations/wordpress/harness.php', import.meta.url));

/** Enough of jQuery for WooCommerce's variation events: `.on` and a bubbling `.trigger` with extra arguments. */
const JQUERY_STUB = `(() => {
  const handlers = new Map();
  function jQuery(target) {
    return {
      on(types, handler) {
        for (const type of types.split(/\\s+/)) {
          const list = handlers.get(type) || [];
          list.push({ scope: target, handler });
          handlers.set(type, list);
        }
        return this;
      },
      trigger(type, data = []) {
        for (const { scope, handler } of handlers.get(type) || []) {
          if (scope === document || scope === target || (scope.contains && scope.contains(target))) handler({ type, target }, ...data);
        }
        return this;
      },
    };
  }
  window.jQuery = window.$ = jQuery;
})();`;

/** WooCommerce's add-to-cart-variation.js in short: choosing a colour finds the variation and says so. */
const WOO_VARIATIONS = `
const form = document.querySelector('form.variations_form');
const variations = JSON.parse(form.dataset.product_variations);
form.addEventListener('change', (event) => {
  if (event.target.name !== 'attribute_pa_color') return;
  const variation = variations.find((item) => item.attributes.attribute_pa_color === event.target.value);
  form.querySelector('input[name="variation_id"]').value = variation ? variation.variation_id : '';
  if (variation) jQuery(form).trigger('found_variation', [variation]);
  else jQuery(form).trigger('reset_data').trigger('reset_image');
});`;

export function pluginOutput(site: string): Record<string, string> {
  return JSON.parse(execFileSync('php', [HARNESS], { encoding: 'utf8', env: { ...process.env, FR_SITE: site } }));
}

export function registerWordPressPages(host: Host) {
  const out = pluginOutput(host.url);
  host.page('/wp-content/plugins/fitting-room/assets/fitting-room.css', { html: readFileSync(`${PLUGIN}assets/fitting-room.css`, 'utf8'), type: 'text/css' });
  host.page('/wp-includes/js/jquery/jquery.min.js', { html: JQUERY_STUB, type: 'text/javascript' });
  host.page('/wp-content/plugins/woocommerce/assets/js/frontend/add-to-cart-variation.min.js', { html: WOO_VARIATIONS, type: 'text/javascript' });
  host.image('/wp-content/uploads/2025/01/item-7.png', 'tee-navy.png');

  // What WordPress 6.5+ prints for wp_enqueue_script_module and wp_enqueue_style.
  const head = `<link rel="stylesheet" id="fitting-room-css" href="${host.url}/wp-content/plugins/fitting-room/assets/fitting-room.css?ver=0.1.0" media="all">
<script type="module" src="${host.url}/wp-content/plugins/fitting-room/build/fitting-room.js?ver=0.1.0" id="fitting-room-js-module"></script>`;
  const page = (title: string, body: string, scripts = '') => `<!doctype html>
<html lang="en-US">
<head><meta charset="UTF-8"><title>${title} – My WordPress shop</title>
${scripts}
${head}
</head>
<body class="wp-theme-twentytwentyfour">${body}</body>
</html>`;

  host.page('/shortcode-post/', page('A post', `<main><article class="post"><h1>Our new tee</h1><p>Try it before you buy:</p>\n${out.browser_shortcode}\n</article></main>`));

  const variations = [
    { variation_id: 43, attributes: { attribute_pa_color: 'red' }, image: { src: `${host.url}/images/tee-red.png?w=600`, full_src: `${host.url}/images/tee-red.png` } },
    { variation_id: 44, attributes: { attribute_pa_color: 'green' }, image: { src: `${host.url}/images/tee-green.png?w=600`, full_src: `${host.url}/images/tee-green.png` } },
  ];
  const escapeAttribute = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  host.page(
    '/product/everyday-tee/',
    page(
      'Everyday Tee',
      `<main><div id="product-42" class="product type-product post-42 status-publish product_cat-t-shirts has-post-thumbnail product-type-variable">
  <div class="woocommerce-product-gallery"></div>
  <div class="summary entry-summary">
    <h1 class="product_title entry-title">Everyday Tee</h1>
    <form class="variations_form cart" action="/product/everyday-tee/" method="post" data-product_id="42" data-product_variations="${escapeAttribute(JSON.stringify(variations))}">
      <table class="variations"><tr><th><label for="pa_color">Color</label></th><td>
        <select id="pa_color" name="attribute_pa_color"><option value="">Choose an option</option><option value="red">Red</option><option value="green">Green</option></select>
      </td></tr></table>
      <div class="single_variation_wrap"><button type="submit" class="single_add_to_cart_button button alt">Add to cart</button>
        <input type="hidden" name="add-to-cart" value="42"><input type="hidden" name="product_id" value="42"><input type="hidden" name="variation_id" class="variation_id" value="0"></div>
    </form>
    ${out.browser_woocommerce}
  </div>
</div></main>
<script type="application/ld+json">${JSON.stringify({
        '@context': 'https://schema.org/',
        '@graph': [
          { '@type': 'BreadcrumbList', itemListElement: [] },
          { '@type': 'Product', name: 'Everyday Tee', sku: 'tee-42', image: `${host.url}/wp-content/uploads/2025/01/item-7.png` },
        ],
      })}</script>
<script src="/wp-content/plugins/woocommerce/assets/js/frontend/add-to-cart-variation.min.js"></script>`,
      '<script src="/wp-includes/js/jquery/jquery.min.js" id="jquery-core-js"></script>',
    ),
  );
  return out;
}
