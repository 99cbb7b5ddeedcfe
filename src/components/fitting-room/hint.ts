/**
 * The "See it on you" hint: a small bubble anchored to the button with @floating-ui/dom,
 * switched on by the `hint` attribute (its value, if any, is the text). A chunk of its own,
 * imported by the loader only when the attribute is there, so floating-ui never weighs on
 * the loader. Shown in the top layer (popover) so no `overflow: hidden` ancestor clips it;
 * once dismissed, it stays dismissed on this device; it also goes when the dialog opens.
 */
import { arrow, autoUpdate, computePosition, flip, offset, shift } from '@floating-ui/dom';

const TEXT: Record<string, string> = {
  en: 'New: see it on you',
  de: 'Neu: an dir ansehen',
  fr: 'Nouveau : voyez-le sur vous',
  es: 'Novedad: mira cómo te queda',
  ja: '新機能:着た姿をチェック',
  ar: 'جديد: شاهده عليك',
};
const CLOSE: Record<string, string> = { en: 'Dismiss', de: 'Ausblenden', fr: 'Masquer', es: 'Ocultar', ja: '閉じる', ar: 'إخفاء' };
const DISMISSED = 'fitting-room:hint-dismissed';

const css = `
.hint{position:fixed;inset:auto;margin:0;box-sizing:border-box;letter-spacing:normal;word-spacing:normal;text-transform:none;text-indent:0;text-align:start;text-shadow:none;white-space:normal;cursor:auto;max-inline-size:min(280px,calc(100vw - 16px));display:flex;align-items:center;gap:4px;padding:4px 4px 4px 14px;border:0;border-radius:12px;background:var(--fitting-room-hint-background,#1d1d1f);color:var(--fitting-room-hint-color,#fff);font:500 14px/1.3 var(--fitting-room-font,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif);box-shadow:0 6px 24px rgb(0 0 0/.25);overflow:visible}
.hint[dir=rtl]{padding:4px 14px 4px 4px}
.hint button{all:unset;box-sizing:border-box;display:grid;place-items:center;inline-size:44px;block-size:44px;border-radius:10px;cursor:pointer;font-size:20px;line-height:1}
.hint button:focus-visible{outline:3px solid var(--fitting-room-focus,#7cb2ff);outline-offset:-3px}
.hint .arrow{position:absolute;inline-size:10px;block-size:10px;background:inherit;rotate:45deg}
@media (prefers-reduced-motion:no-preference){.hint{animation:fr-hint .25s ease-out}}
@keyframes fr-hint{from{opacity:0;translate:0 4px}}
`;
let sheet: CSSStyleSheet | undefined;

const dismissed = () => {
  try {
    return localStorage.getItem(DISMISSED) === '1';
  } catch {
    return false;
  }
};

/** Shows the hint next to `button` of `element`; returns a function that removes it. */
export function attachHint(element: HTMLElement, button: HTMLElement): () => void {
  if (dismissed()) return () => undefined;
  const root = element.shadowRoot!;
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
  }
  if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];

  const tag = (element.getAttribute('locale') || document.documentElement.lang || 'en').split(/[-_]/)[0].toLowerCase();
  const lang = tag in TEXT ? tag : 'en';
  const hint = document.createElement('div');
  hint.className = 'hint';
  hint.setAttribute('part', 'hint');
  hint.setAttribute('role', 'note');
  hint.lang = lang;
  hint.dir = lang === 'ar' ? 'rtl' : 'ltr';
  const text = document.createElement('span');
  text.textContent = element.getAttribute('hint') || TEXT[lang];
  const close = document.createElement('button');
  close.type = 'button';
  close.textContent = '×';
  close.setAttribute('aria-label', CLOSE[lang]);
  const tip = document.createElement('span');
  tip.className = 'arrow';
  hint.append(text, close, tip);
  const popover = 'popover' in HTMLElement.prototype;
  if (popover) hint.popover = 'manual';
  root.append(hint);
  if (popover) hint.showPopover();

  const place = () =>
    computePosition(button, hint, {
      placement: 'top',
      strategy: 'fixed',
      middleware: [offset(10), flip(), shift({ padding: 8 }), arrow({ element: tip })],
    }).then(({ x, y, placement, middlewareData }) => {
      Object.assign(hint.style, { left: `${x}px`, top: `${y}px` });
      const side = placement.startsWith('top') ? 'bottom' : 'top';
      Object.assign(tip.style, { left: `${middlewareData.arrow?.x ?? 0}px`, top: '', bottom: '', [side]: '-5px' });
    });
  const stop = autoUpdate(button, hint, () => void place());

  const remove = () => {
    stop();
    hint.remove();
    button.removeEventListener('click', remove);
  };
  close.addEventListener('click', () => {
    try {
      localStorage.setItem(DISMISSED, '1');
    } catch {
      // Dismissed for this page view only.
    }
    remove();
    button.focus();
  });
  button.addEventListener('click', remove);
  return remove;
}
