/**
 * The loader's only CSS. Sizes are in px on purpose: host themes that set
 * `html { font-size: 10px }` must not shrink the button. The box matches the
 * `fitting-room:not(:defined)` rule of the embed snippet, so upgrading shifts nothing.
 */
export const loaderStyles = `
:host {
  display: inline-block;
  box-sizing: border-box;
  inline-size: var(--fitting-room-width, 200px);
  block-size: var(--fitting-room-height, 44px);
  vertical-align: middle;
  contain: layout style;
}
:host([hidden]) { display: none; }
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
  text-overflow: ellipsis;
}
button:hover { filter: brightness(1.15); }
button:focus-visible { outline: 3px solid var(--fitting-room-focus, #0a66ff); outline-offset: 2px; }
svg { flex: none; inline-size: 20px; block-size: 20px; fill: none; stroke: currentColor; stroke-width: 1.8; stroke-linecap: round; stroke-linejoin: round; }
`;
