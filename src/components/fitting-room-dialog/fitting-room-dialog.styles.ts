import { css } from 'lit';

export const dialogStyles = css`
  :host {
    --accent: var(--fitting-room-accent, #1d1d1f);
    --on-accent: var(--fitting-room-on-accent, #fff);
    --surface: var(--fitting-room-surface, #fff);
    --text: var(--fitting-room-text, #1d1d1f);
    --muted: var(--fitting-room-muted, #5c5c66);
    --line: var(--fitting-room-line, #d9d9de);
    --danger: var(--fitting-room-danger, #b3261e);
    --focus: var(--fitting-room-focus, #0a66ff);
    --radius: var(--fitting-room-dialog-radius, 16px);
    display: contents;
  }
  dialog {
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
  }
  dialog::backdrop {
    background: rgb(15 15 20 / 0.6);
  }
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
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 12px;
    padding: 12px 12px 0 20px;
  }
  h2 {
    margin: 0;
    font-size: 20px;
    font-weight: 650;
  }
  .body {
    display: grid;
    gap: 16px;
    padding: 12px 20px 20px;
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
    border-radius: 999px;
    background: var(--surface);
    color: var(--text);
    font: inherit;
    font-weight: 600;
    text-decoration: none;
    cursor: pointer;
  }
  button.primary {
    border-color: var(--accent);
    background: var(--accent);
    color: var(--on-accent);
  }
  button:disabled {
    opacity: 0.45;
    cursor: not-allowed;
  }
  button:focus-visible,
  .button:focus-visible,
  a:focus-visible,
  input:focus-visible + .track,
  .drop:focus-within {
    outline: 3px solid var(--focus);
    outline-offset: 2px;
  }
  .close {
    inline-size: 48px;
    padding: 0;
    border: 0;
    font-size: 28px;
    font-weight: 400;
    line-height: 1;
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
    position: relative;
    display: grid;
    place-items: center;
    gap: 8px;
    padding: 32px 16px;
    border: 2px dashed var(--line);
    border-radius: 12px;
    text-align: center;
  }
  .drop .button {
    border-color: var(--accent);
    background: var(--accent);
    color: var(--on-accent);
  }
  .drop.over {
    border-color: var(--accent);
    background: color-mix(in srgb, var(--accent) 8%, transparent);
  }
  .drop input {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    opacity: 0;
  }
  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .progress {
    display: grid;
    gap: 12px;
    justify-items: center;
    text-align: center;
  }
  .progress img {
    max-block-size: 40dvh;
    max-inline-size: 100%;
    border-radius: 12px;
    opacity: 0.75;
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
  .compare {
    position: relative;
    display: grid;
    border-radius: 12px;
    overflow: hidden;
    touch-action: pan-y;
    user-select: none;
    background: #f2f2f4;
  }
  .compare img {
    grid-area: 1 / 1;
    display: block;
    inline-size: 100%;
    max-block-size: 62dvh;
    object-fit: contain;
  }
  .compare .after {
    clip-path: inset(0 0 0 var(--split, 50%));
  }
  .compare input {
    position: absolute;
    inset: 0;
    inline-size: 100%;
    block-size: 100%;
    margin: 0;
    opacity: 0;
    cursor: ew-resize;
  }
  .compare .track {
    position: absolute;
    inset-block: 0;
    inset-inline-start: var(--split, 50%);
    inline-size: 3px;
    translate: -50% 0;
    background: #fff;
    box-shadow: 0 0 0 1px rgb(0 0 0 / 0.25);
    pointer-events: none;
  }
  .compare .track::after {
    content: '';
    position: absolute;
    inset-block-start: 50%;
    inset-inline-start: 50%;
    inline-size: 36px;
    block-size: 36px;
    translate: -50% -50%;
    border-radius: 50%;
    background: #fff;
    box-shadow: 0 2px 8px rgb(0 0 0 / 0.3);
  }
  .label {
    position: absolute;
    inset-block-end: 8px;
    padding: 2px 8px;
    border-radius: 999px;
    background: rgb(0 0 0 / 0.7);
    color: #fff;
    font-size: 13px;
    pointer-events: none;
  }
  .label.before {
    inset-inline-start: 8px;
  }
  .label.after {
    inset-inline-end: 8px;
  }
  .badge {
    justify-self: start;
    padding: 2px 10px;
    border-radius: 999px;
    background: #fff4ce;
    color: #5c4400;
    font-size: 13px;
  }
  .error {
    display: grid;
    gap: 8px;
    padding: 16px;
    border-inline-start: 4px solid var(--danger);
    border-radius: 8px;
    background: color-mix(in srgb, var(--danger) 7%, var(--surface));
  }
  .error h3 {
    margin: 0;
    font-size: 17px;
  }
  @media (prefers-reduced-motion: reduce) {
    progress::-webkit-progress-value {
      transition: none;
    }
  }
`;
