import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * The WordPress plugin run by PHP (Debian's php-cli) with the WordPress functions it uses
 * stubbed as WordPress behaves (test/integrations/wordpress/harness.php). Skipped, loudly,
 * where there is no `php`; CI installs php-cli.
 */
const harness = new URL('./wordpress/harness.php', import.meta.url).pathname;
const hasPhp = spawnSync('php', ['--version']).status === 0;
if (!hasPhp) console.warn('wordpress: no `php` on PATH (apt-get install php-cli); the plugin tests are skipped');

type Output = Record<string, any>;
const run = (...args: string[]): Output => JSON.parse(execFileSync('php', [harness, ...args], { encoding: 'utf8' }));

/** The attributes of the one <fitting-room> in `html`, unescaped as a browser would. */
function attributes(html: string): Record<string, string> {
  const match = /^<fitting-room((?:\s+[a-z-]+="[^"]*")*)><\/fitting-room>$/.exec(html);
  if (!match) throw new Error(`not one well-formed <fitting-room>: ${html}`);
  const decode = (value: string) =>
    value.replace(/&(#0*39|#0*38|quot|lt|gt|amp);/g, (_, entity: string) => ({ quot: '"', lt: '<', gt: '>', amp: '&' })[entity] ?? (entity.endsWith('39') ? "'" : '&'));
  return Object.fromEntries([...match[1].matchAll(/([a-z-]+)="([^"]*)"/g)].map(([, name, value]) => [name, decode(value)]));
}

describe.skipIf(!hasPhp)('WordPress plugin (php)', () => {
  const out = run();

  it('lints as PHP', () => {
    const plugin = new URL('../../src/integrations/wordpress/fitting-room/', import.meta.url).pathname;
    for (const file of ['fitting-room.php', 'uninstall.php', 'block/editor.asset.php']) {
      expect(execFileSync('php', ['-l', `${plugin}${file}`], { encoding: 'utf8' })).toContain('No syntax errors');
    }
  });

  it('renders [fitting_room] with the settings’ endpoint when given nothing (the widget finds the product)', () => {
    expect(out.bare).toBe('<fitting-room endpoint="/fitting-room"></fitting-room>');
  });

  it('maps shortcode attributes to element attributes, underscores included', () => {
    expect(attributes(out.full)).toEqual({
      endpoint: '/fitting-room',
      garment: 'https://shop.example/wp-content/uploads/tee%20navy.png?w=1200&v=2',
      category: 'dress',
      label: 'See it on you',
      'product-id': 'tee-42',
      'variant-id': 'tee-42-navy',
      'privacy-url': '/privacy',
      locale: 'de',
    });
  });

  it('escapes every value and drops what cannot be trusted', () => {
    const html: string = out.hostile;
    expect(html).not.toMatch(/<script|javascript:|onclick|"\s*on\w+=|<b>/i);
    const attrs = attributes(html);
    expect(attrs.label).toBe('"><script>alert(1)</script>');
    expect(attrs['product-id']).toBe("a'b&c");
    expect(attrs).not.toHaveProperty('garment'); // javascript: URL refused
    expect(attrs).not.toHaveProperty('category'); // not one of the categories
    expect(attrs).not.toHaveProperty('onclick'); // not an attribute of the element
    expect(attrs.endpoint).not.toContain('"');
  });

  it('takes the endpoint and label from Settings › Fitting Room, and lets the shortcode override them', () => {
    expect(attributes(out.with_options)).toEqual({ endpoint: 'https://try-on.example.com/fitting-room', label: 'Try me', garment: '/wp-content/uploads/tee.png' });
    expect(attributes(out.override_options)).toEqual({ endpoint: '/other', label: 'Mine' });
  });

  it('registers the block from block.json and renders it on the server with the same function', () => {
    expect(out.block_path).toMatch(/wordpress\/fitting-room\/block$/);
    expect(out.block_json).toMatchObject({ apiVersion: 3, name: 'fitting-room/try-on', editorScript: 'file:./editor.js' });
    expect(Object.keys(out.block_json.attributes)).toEqual(['garment', 'category', 'label', 'productId', 'variantId', 'endpoint']);
    expect(out.block).toBe(out.block_as_shortcode);
  });

  it('inserts the button after the WooCommerce add-to-cart form, with the product’s image, id and category', () => {
    expect(out.hooks).toContain('woocommerce_after_add_to_cart_form');
    expect(attributes(out.woocommerce)).toEqual({
      endpoint: 'https://try-on.example.com/fitting-room',
      label: 'Try me',
      garment: 'https://shop.example/wp-content/uploads/2025/01/item-7.png',
      'product-id': '42',
      category: 'outerwear',
    });
    expect(out.woocommerce_off).toBe('');
  });

  it('enqueues the widget as a script module on WordPress 6.5+', () => {
    expect(out.modules).toEqual({ 'fitting-room': 'https://shop.example/wp-content/plugins/fitting-room/build/fitting-room.js' });
    expect(out.scripts).toEqual([]);
    expect(out.styles['fitting-room']).toMatch(/assets\/fitting-room\.css$/);
  });

  it('falls back to a classic handle turned into type="module" on older WordPress', () => {
    const legacy = run('legacy');
    expect(legacy.modules).toEqual([]);
    expect(legacy.scripts).toEqual({ 'fitting-room': 'https://shop.example/wp-content/plugins/fitting-room/build/fitting-room.js' });
    expect(legacy.script_tag).toMatch(/^<script type="module" src='[^']+fitting-room\.js\?ver=0\.1\.0' id='fitting-room-js'><\/script>/);
    expect(legacy.script_tag).not.toContain('text/javascript');
    expect(legacy.other_script_tag).toBe("<script src='x.js' id='other-js'></script>\n");
  });

  it('sanitizes the settings', () => {
    expect(out.sanitized).toEqual({ endpoint: '/fitting-room', auto_insert: true, label: 'Hi', script_url: 'https://cdn.example/fitting-room.js', holdout: 0, experiment: '' });
    expect(out.sanitized_holdout).toMatchObject({ holdout: 50, experiment: 'x' });
  });

  it('renders the holdout setting (a percentage) as the share, with the experiment name and the analytics attribute', () => {
    expect(attributes(out.with_holdout)).toEqual({ endpoint: '/fitting-room', holdout: '0.1', experiment: 'spring "sale"', garment: '/wp-content/uploads/tee.png', analytics: 'ga4' });
  });
});
