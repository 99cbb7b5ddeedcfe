/**
 * The loader's only CSS. Sizes are in px on purpose: host themes that set
 * `html { font-size: 10px }` must not shrink the button. The box matches the
 * `fitting-room:not(:defined)` rule of the embed snippet, so upgrading shifts nothing.
 *
 * The host's box is `!important`: for important declarations a shadow root's `:host` rule
 * wins over the page's, so theme resets such as `* { all: revert }` or `* { display: block }`
 * cannot resize or hide the button. Merchants size and hide it through the custom
 * properties (which `all` does not touch) or the `hidden` attribute. The button takes no
 * inherited text property (`all: initial`); the dialog and the hint reset those they would
 * inherit from a theme's `* { letter-spacing: .3em; text-transform: uppercase }` themselves,
 * in their chunks (`direction` and `lang` still flow in).
 */
export const loaderStyles = /* css */ `
:host {
  display: var(--fitting-room-display, inline-block) !important;
  box-sizing: border-box !important;
  inline-size: var(--fitting-room-width, 200px) !important;
  block-size: var(--fitting-room-height, 44px) !important;
  min-inline-size: 0 !important;
  min-block-size: 0 !important;
  max-inline-size: none !important;
  max-block-size: none !important;
  padding: 0 !important;
  vertical-align: middle;
  contain: layout style;
}
:host([hidden]) { display: none !important; }
button {
  all: initial;
  box-sizing: border-box;
  display: flex;
  align-items: center;
  justify-content: center;
  gap: 8px;
  inline-size: 100%;
  block-size: 100%;
  padding: 0 16px;
  border-radius: var(--fitting-room-radius, 999px);
  background: var(--fitting-room-accent, #1d1d1f);
  color: var(--fitting-room-on-accent, #fff);
  font: 600 15px/1 var(--fitting-room-font, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
  cursor: pointer;
  white-space: nowrap;
  overflow: hidden;
}
button:hover { filter: brightness(1.15); }
button:focus-visible { outline: 3px solid var(--fitting-room-focus, #0a66ff); outline-offset: 2px; }
svg { flex: none; inline-size: 20px; block-size: 20px; fill: none; stroke: currentColor; stroke-width: 1.8; stroke-linecap: round; stroke-linejoin: round; }
`;
