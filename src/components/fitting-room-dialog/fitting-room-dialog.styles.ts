import { css } from 'lit';

/** The dark colours: for `theme="dark"`, and for `theme="auto"` when the device is dark. */
const darkPalette = css`
  --accent: var(--fitting-room-accent, #f2f2f5);
  --on-accent: var(--fitting-room-on-accent, #1d1d1f);
  --surface: var(--fitting-room-surface, #1c1c1f);
  --text: var(--fitting-room-text, #f2f2f5);
  --muted: var(--fitting-room-muted, #b0b0ba);
  --line: var(--fitting-room-line, #4a4a52);
  --well: var(--fitting-room-well, #2a2a2f);
  --danger: var(--fitting-room-danger, #ff8a80);
  --focus: var(--fitting-room-focus, #7cb2ff);
  color-scheme: dark;
`;

/**
 * The dialog's own styles (the camera and result views bring theirs with their chunks).
 * Theming: the `--fitting-room-*` custom properties below, `::part()`s, and `theme`
 * (light, dark, auto = prefers-color-scheme). Logical properties throughout, so the
 * right-to-left languages mirror by `dir` alone.
 */
export const dialogStyles = css`
  /* The text properties a theme may set on <fitting-room> (e.g. * { letter-spacing: .3em }) stop here. */
  :host {
    display: contents;
    letter-spacing: normal;
    word-spacing: normal;
    text-transform: none;
    text-indent: 0;
    text-align: start;
    text-shadow: none;
    white-space: normal;
    line-height: normal;
    cursor: auto;
  }
  dialog {
    --accent: var(--fitting-room-accent, #1d1d1f);
    --on-accent: var(--fitting-room-on-accent, #fff);
    --surface: var(--fitting-room-surface, #fff);
    --text: var(--fitting-room-text, #1d1d1f);
    --muted: var(--fitting-room-muted, #5c5c66);
    --line: var(--fitting-room-line, #c9c9d0);
    --well: var(--fitting-room-well, #f2f2f4);
    --danger: var(--fitting-room-danger, #b3261e);
    --focus: var(--fitting-room-focus, #0a66ff);
    --radius: var(--fitting-room-dialog-radius, 20px);
    --control-radius: var(--fitting-room-radius, 999px);
    box-sizing: border-box;
    inline-size: min(560px, calc(100vw - 32px));
    max-block-size: calc(100dvh - 32px);
    margin: auto;
    padding: 0;
    border: 0;
    border-radius: var(--radius);
    background: var(--surface);
    color: var(--text);
    font: 400 16px/1.5 var(--fitting-room-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    box-shadow: 0 24px 64px rgb(0 0 0 / 0.3);
    overflow: auto;
    overscroll-behavior: contain;
    color-scheme: light;
  }
  dialog.theme-dark {
    ${darkPalette}
  }
  @media (prefers-color-scheme: dark) {
    dialog.theme-auto {
      ${darkPalette}
    }
  }
  dialog::backdrop {
    background: rgb(15 15 20 / 0.6);
  }
  /* A phone: a full-screen sheet that keeps clear of the notch and the home indicator. */
  @media (max-width: 599px) {
    dialog {
      inline-size: 100vw;
      max-inline-size: 100vw;
      block-size: 100dvh;
      max-block-size: 100dvh;
      border-radius: 0;
      padding: env(safe-area-inset-top) env(safe-area-inset-right) env(safe-area-inset-bottom) env(safe-area-inset-left);
    }
  }
  header {
    position: sticky;
    inset-block-start: 0;
    z-index: 1;
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 12px;
    padding-block: 8px 0;
    padding-inline: 20px 8px;
    background: var(--surface);
  }
  h2 {
    margin: 0;
    font-size: 20px;
    font-weight: 650;
  }
  h3 {
    margin: 0;
    font-size: 17px;
  }
  .body {
    display: grid;
    gap: 16px;
    padding: 8px 20px 20px;
  }
  p {
    margin: 0;
  }
  .muted {
    color: var(--muted);
    font-size: 14px;
  }
  a {
    color: inherit;
  }
  button,
  .button {
    box-sizing: border-box;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 8px;
    min-block-size: 48px;
    padding: 0 20px;
    border: 1px solid var(--line);
    border-radius: var(--control-radius);
    background: var(--surface);
    color: var(--text);
    font: inherit;
    font-weight: 600;
    text-align: center;
    text-decoration: none;
    cursor: pointer;
    -webkit-tap-highlight-color: transparent;
  }
  button:hover,
  .button:hover {
    background: color-mix(in srgb, var(--text) 6%, var(--surface));
  }
  .primary,
  button.primary:hover,
  .button.primary:hover {
    border-color: var(--accent);
    background: var(--accent);
    color: var(--on-accent);
  }
  .primary:hover {
    filter: brightness(1.15);
  }
  button:disabled {
    opacity: 0.45;
    cursor: not-allowed;
  }
  button.link {
    min-block-size: 44px;
    padding: 0 4px;
    border: 0;
    background: none;
    color: var(--text);
    font-weight: 500;
    text-decoration: underline;
    text-underline-offset: 3px;
  }
  button svg,
  .button svg {
    flex: none;
    inline-size: 22px;
    block-size: 22px;
    fill: none;
    stroke: currentColor;
    stroke-width: 1.8;
    stroke-linecap: round;
    stroke-linejoin: round;
  }
  button:focus-visible,
  .button:focus-visible,
  .button:focus-within,
  a:focus-visible,
  input:focus-visible {
    outline: 3px solid var(--focus);
    outline-offset: 2px;
  }
  .close {
    inline-size: 48px;
    padding: 0;
    border: 0;
    background: none;
  }
  .close svg {
    inline-size: 24px;
    block-size: 24px;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
  }
  .actions > * {
    flex: 1 1 auto;
  }
  .check {
    display: flex;
    gap: 12px;
    align-items: flex-start;
    cursor: pointer;
  }
  .check input {
    flex: none;
    inline-size: 22px;
    block-size: 22px;
    margin: 1px 0 0;
    accent-color: var(--accent);
  }
  .drop {
    display: grid;
    gap: 12px;
    padding: 20px 16px;
    border: 2px dashed var(--line);
    border-radius: 16px;
    text-align: center;
  }
  .drop.over {
    border-color: var(--accent);
    background: color-mix(in srgb, var(--accent) 8%, transparent);
  }
  .sources {
    display: grid;
    gap: 8px;
  }
  @media (hover: none) {
    .drop-hint {
      display: none;
    }
  }
  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .notice {
    padding: 12px 16px;
    border-radius: 12px;
    background: var(--well);
    border-inline-start: 4px solid var(--accent);
  }
  .saved {
    display: flex;
    gap: 16px;
    align-items: center;
    padding: 12px;
    border-radius: 16px;
    background: var(--well);
  }
  .saved img {
    inline-size: 84px;
    aspect-ratio: 3 / 4;
    object-fit: cover;
    border-radius: 10px;
  }
  .saved div {
    display: grid;
    gap: 6px;
    justify-items: start;
  }
  .progress {
    display: grid;
    gap: 12px;
    justify-items: center;
    text-align: center;
  }
  .scan {
    position: relative;
    overflow: hidden;
    border-radius: 12px;
  }
  .scan img {
    display: block;
    max-block-size: 44dvh;
    max-inline-size: 100%;
    opacity: 0.8;
  }
  .scan::after {
    content: '';
    position: absolute;
    inset: 0;
    background: linear-gradient(180deg, transparent 0 40%, rgb(255 255 255 / 0.45) 50%, transparent 60% 100%);
    background-size: 100% 250%;
    animation: scan 2.4s ease-in-out infinite;
  }
  @keyframes scan {
    from {
      background-position: 0 100%;
    }
    to {
      background-position: 0 0;
    }
  }
  progress {
    inline-size: 100%;
    block-size: 8px;
    appearance: none;
    border: 0;
    border-radius: 999px;
    background: var(--line);
    overflow: hidden;
    accent-color: var(--accent);
  }
  progress::-webkit-progress-bar {
    background: var(--line);
  }
  progress::-webkit-progress-value {
    background: var(--accent);
    transition: inline-size 0.3s ease;
  }
  progress::-moz-progress-bar {
    background: var(--accent);
  }
  .error {
    display: grid;
    gap: 8px;
    padding: 16px;
    border-inline-start: 4px solid var(--danger);
    border-radius: 8px;
    background: color-mix(in srgb, var(--danger) 7%, var(--surface));
  }
  @media (prefers-reduced-motion: reduce) {
    progress::-webkit-progress-value {
      transition: none;
    }
    .scan::after {
      animation: none;
      display: none;
    }
  }
`;
