/**
 * The block's editor UI, without a build step: the settings in the sidebar, a placeholder
 * button on the canvas. The page itself is rendered on the server (fitting_room_render).
 */
((wp) => {
  const { registerBlockType } = wp.blocks;
  const { createElement: el, Fragment } = wp.element;
  const { InspectorControls, useBlockProps } = wp.blockEditor;
  const { PanelBody, TextControl, SelectControl } = wp.components;
  const { __ } = wp.i18n;
  const categories = ['', 'top', 'bottom', 'dress', 'outerwear', 'full', 'shoes', 'bag', 'accessory'];

  registerBlockType('fitting-room/try-on', {
    edit({ attributes, setAttributes }) {
      const text = (key, label, help) => el(TextControl, { label, help, value: attributes[key], onChange: (value) => setAttributes({ [key]: value }) });
      return el(
        Fragment,
        null,
        el(
          InspectorControls,
          null,
          el(
            PanelBody,
            { title: __('Try-on', 'fitting-room') },
            text('garment', __('Garment image URL', 'fitting-room'), __('Empty: found on the page (product image).', 'fitting-room')),
            el(SelectControl, {
              label: __('Category', 'fitting-room'),
              value: attributes.category,
              options: categories.map((value) => ({ value, label: value || __('Automatic', 'fitting-room') })),
              onChange: (value) => setAttributes({ category: value }),
            }),
            text('label', __('Button text', 'fitting-room')),
            text('productId', __('Product id', 'fitting-room')),
            text('variantId', __('Variant id', 'fitting-room'), __('The variant to try on and to add to the cart.', 'fitting-room')),
            text('privacyUrl', __('Privacy notice URL', 'fitting-room'), __('Linked next to the consent.', 'fitting-room')),
            text('locale', __('Language', 'fitting-room'), __('e.g. de, fr, es, ja, ar. Empty: the page’s language.', 'fitting-room')),
            text('endpoint', __('Proxy endpoint', 'fitting-room'), __('Empty or invalid: the one in Settings › Fitting Room.', 'fitting-room')),
          ),
        ),
        el('div', useBlockProps(), el('button', { type: 'button', className: 'fitting-room-editor-button', disabled: true }, attributes.label || __('Try it on', 'fitting-room'))),
      );
    },
    save: () => null,
  });
})(window.wp);
