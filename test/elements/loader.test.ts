import { expect } from '@esm-bundle/chai';
import type { FittingRoom } from '../../src/components/fitting-room/fitting-room.component.js';
import { mount, waitFor } from './helpers.js';

// The embed snippet's one CSS rule: it reserves the button's box before the script runs.
const snippet = new CSSStyleSheet();
snippet.replaceSync(
  'fitting-room:not(:defined){display:inline-block;vertical-align:middle;inline-size:var(--fitting-room-width,200px);block-size:var(--fitting-room-height,44px)}',
);
document.adoptedStyleSheets = [snippet];

describe('<fitting-room> loader', () => {
  let container: HTMLElement;
  let element: FittingRoom;

  before(async () => {
    container = mount(`
      <p>Before the button</p>
      <fitting-room endpoint="/fitting-room" garment="/demo/.generated/tee-navy.png" product-id="tee" variant-id="tee-navy"></fitting-room>
      <p id="after">After the button</p>`);
    element = container.querySelector('fitting-room') as FittingRoom;
  });

  after(() => container.remove());

  it('is defined late, after the page loaded, without shifting the layout', async () => {
    expect(customElements.get('fitting-room')).to.equal(undefined);
    const before = element.getBoundingClientRect();
    const followingBefore = document.getElementById('after')!.getBoundingClientRect().top;
    let shift = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & { value: number })[]) shift += entry.value;
    }).observe({ type: 'layout-shift', buffered: true });

    await import('../../src/fitting-room.js');
    await customElements.whenDefined('fitting-room');
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));

    const after = element.getBoundingClientRect();
    expect([after.width, after.height]).to.deep.equal([before.width, before.height]);
    expect(document.getElementById('after')!.getBoundingClientRect().top).to.equal(followingBefore);
    expect(shift).to.equal(0);
    expect(after.height).to.be.at.least(44, 'a comfortable touch target');
  });

  it('draws a labelled button and does not load the dialog before intent', () => {
    const button = element.shadowRoot!.querySelector('button')!;
    expect(button.textContent!.trim()).to.equal('Try it on');
    expect(button.getAttribute('aria-haspopup')).to.equal('dialog');
    expect(customElements.get('fitting-room-dialog')).to.equal(undefined);
    const scripts = performance.getEntriesByType('resource').map((entry) => entry.name);
    expect(scripts.some((name) => name.includes('fitting-room-dialog'))).to.equal(false);
  });

  it('reflects attributes as properties and updates the label live', () => {
    expect(element.productId).to.equal('tee');
    element.variantId = 'tee-red';
    expect(element.getAttribute('variant-id')).to.equal('tee-red');
    element.label = 'See it on you';
    expect(element.shadowRoot!.querySelector('button')!.textContent!.trim()).to.equal('See it on you');
    element.label = null;
    expect(element.hasAttribute('label')).to.equal(false);
    expect(element.shadowRoot!.querySelector('button')!.textContent!.trim()).to.equal('Try it on');
  });

  it('survives its definition script running twice', async () => {
    await import('../../src/components/fitting-room/fitting-room.js?second-copy' as string);
    expect(customElements.get('fitting-room')).to.equal(element.constructor);
  });

  it('ignores the page’s global CSS', () => {
    const hostile = new CSSStyleSheet();
    hostile.replaceSync('button { display: none !important; } * { font-size: 4px !important; }');
    document.adoptedStyleSheets = [snippet, hostile];
    const button = element.shadowRoot!.querySelector('button')!;
    expect(getComputedStyle(button).display).to.equal('flex');
    expect(getComputedStyle(button).fontSize).to.equal('15px');
    document.adoptedStyleSheets = [snippet];
  });

  it('keeps a theme’s text styles out of the button and the hint bubble', async () => {
    // What a theme's `* { letter-spacing: .3em; text-transform: uppercase; ... }` gives the element, inherited by its shadow root.
    const themed = mount(
      '<fitting-room hint style="letter-spacing: .3em; word-spacing: 1em; text-transform: uppercase; text-indent: 2em; text-shadow: 1px 1px red"></fitting-room>',
    );
    const shadow = themed.querySelector('fitting-room')!.shadowRoot!;
    const hint = await waitFor(() => shadow.querySelector<HTMLElement>('.hint'), 'the hint bubble');
    for (const part of [shadow.querySelector('button')!, hint]) {
      const style = getComputedStyle(part);
      expect([style.letterSpacing, style.wordSpacing, style.textTransform, style.textIndent, style.textShadow], part.className || part.localName).to.deep.equal([
        'normal',
        '0px',
        'none',
        '0px',
        'none',
      ]);
    }
    themed.remove();
  });

  it('loads the dialog on intent (pointer over the button)', async () => {
    element.shadowRoot!.querySelector('button')!.dispatchEvent(new PointerEvent('pointerenter'));
    await waitFor(() => customElements.get('fitting-room-dialog'), 'the dialog to be defined');
    expect(element.shadowRoot!.querySelector('fitting-room-dialog'), 'loaded, not yet opened').to.equal(null);
  });
});
