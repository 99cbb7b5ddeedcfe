import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';

/**
 * The WordPress plugin run by PHP (Debian's php-cli) with the WordPress functions it uses
 * stubbed as WordPress behaves (test/integrations/wordpress/harness.php). Skipped, loudly,
 * where there is no `php`; CI installs php-cli.
 */
const harness = new URL('./wordpress/harness.php', import.meta.url).pathname;
const hasPhp = spawnSync('php', ['--version']).status === 0;
if (!hasPhp) console.warn('wordpress: no `php` on PATH (apt-get install php-cli); the plugin tests are skipped');

/** What the PHP harness prints: each case's rendered HTML by name, and the few values it reports as PHP holds them. */
type Output = Record<string, string> & {
  block_json: { attributes: Record<string, unknown> };
  block_bad_endpoints: string[];
  modules: Record<string, string>;
  scripts: string[];
  styles: Record<string, string>;
  sanitized: Record<string, unknown>;
};
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
    expect(Object.keys(out.block_json.attributes)).toEqual(['garment', 'category', 'label', 'productId', 'variantId', 'privacyUrl', 'locale', 'endpoint']);
    expect(out.block).toBe(out.block_as_shortcode);
  });

  it('renders the block’s variant id, privacy URL and language, the settings the shortcode has', () => {
    expect(attributes(out.block_full)).toEqual({
      endpoint: 'https://try-on.example.com/fitting-room',
      label: 'Try me',
      garment: '/wp-content/uploads/tee.png',
      'product-id': '42',
      'variant-id': '43',
      'privacy-url': '/privacy-policy/',
      locale: 'fr',
    });
  });

  it('falls back to the site’s endpoint when a block’s endpoint is invalid, and takes a valid one', () => {
    const endpoints = (out.block_bad_endpoints as string[]).map((html) => attributes(html).endpoint);
    const site = 'https://try-on.example.com/fitting-room';
    // javascript:, a bare host (a relative path by accident), protocol-relative to elsewhere, a scheme without a host.
    expect(endpoints).toEqual([site, site, site, site, 'https://staging.example.com/fitting-room']);
  });

  it('offers the WooCommerce setting only when WooCommerce is active, keeping its value when it is not', () => {
    expect(out.settings_page).toContain('WooCommerce');
    expect(out.settings_page).toMatch(/type="checkbox" name="fitting_room_options\[auto_insert\]"/);
    const without = run('no-woocommerce');
    expect(without.settings_page).not.toContain('WooCommerce');
    expect(without.settings_page).not.toContain('type="checkbox"');
    expect(without.settings_page).toContain('<input type="hidden" name="fitting_room_options[auto_insert]" value="1">');
    expect(without.browser_woocommerce).toBe('');
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
    expect(attributes(out.with_holdout)).toEqual({
      endpoint: '/fitting-room',
      holdout: '0.1',
      experiment: 'spring "sale"',
      garment: '/wp-content/uploads/tee.png',
      analytics: 'ga4',
    });
  });
});

describe('WordPress block editor (editor.js, run against the wp.* globals it uses)', () => {
  interface Node {
    type: unknown;
    props: Record<string, unknown> | null;
    children: Node[];
  }
  /** Registers the block as WordPress would, and renders its `edit` with `attributes`. */
  function sidebar(attributes: Record<string, string>) {
    let edit: ((props: object) => Node) | undefined;
    const component = (name: string) => Object.assign(() => null, { displayName: name });
    const wp = {
      blocks: { registerBlockType: (_name: string, settings: { edit: typeof edit }) => (edit = settings.edit) },
      element: { createElement: (type: unknown, props: Node['props'], ...children: Node[]) => ({ type, props, children }), Fragment: component('Fragment') },
      blockEditor: { InspectorControls: component('InspectorControls'), useBlockProps: () => ({}) },
      components: { PanelBody: component('PanelBody'), TextControl: component('TextControl'), SelectControl: component('SelectControl') },
      i18n: { __: (text: string) => text },
    };
    runInNewContext(readFileSync(new URL('../../src/integrations/wordpress/fitting-room/block/editor.js', import.meta.url), 'utf8'), { window: { wp } });
    const changes: Record<string, string>[] = [];
    const controls: { label: string; value: string; onChange(value: string): void }[] = [];
    const walk = (node: Node | null | string) => {
      if (!node || typeof node !== 'object') return;
      if (node.type === wp.components.TextControl || node.type === wp.components.SelectControl) controls.push(node.props as (typeof controls)[number]);
      node.children.forEach(walk);
    };
    walk(edit!({ attributes, setAttributes: (change: Record<string, string>) => changes.push(change) }));
    return { controls, changes };
  }

  it('offers variant id, privacy URL and language in the sidebar, next to the other settings, each setting its attribute', () => {
    const blockJson = JSON.parse(readFileSync(new URL('../../src/integrations/wordpress/fitting-room/block/block.json', import.meta.url), 'utf8'));
    const attributes = Object.fromEntries(Object.keys(blockJson.attributes).map((key) => [key, `value of ${key}`]));
    const { controls, changes } = sidebar(attributes);
    expect(controls.map((control) => control.label)).toEqual([
      'Garment image URL',
      'Category',
      'Button text',
      'Product id',
      'Variant id',
      'Privacy notice URL',
      'Language',
      'Proxy endpoint',
    ]);
    for (const control of controls) control.onChange('new');
    // Every block attribute has its control, bound to it.
    expect(changes.flatMap((change) => Object.keys(change)).sort()).toEqual(Object.keys(blockJson.attributes).sort());
    // …and shows its attribute's current value.
    controls.forEach((control, index) => {
      expect(control.value, control.label).toBe(attributes[Object.keys(changes[index])[0]]);
    });
  });
});
