import { expect } from '@esm-bundle/chai';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import '../../src/fitting-room.js';
import type { FittingRoom } from '../../src/components/fitting-room/fitting-room.component.js';
import {
  activeElementDeep,
  buttonByText,
  dialogRoot,
  drawPhoto,
  expectNoAxeViolations,
  fetchFile,
  filtered,
  firstVisit,
  mount,
  nativeDialog,
  pickFile,
  recordRequests,
  recordUploads,
  waitFor,
} from './helpers.js';

const VARIANTS = [
  { id: 'tee-navy', name: 'Navy', garment: '/demo/.generated/tee-navy.png' },
  { id: 'tee-terracotta', name: 'Terracotta', garment: '/demo/.generated/tee-terracotta.png' },
];

function setup(attributes = '') {
  const container = mount(
    `<fitting-room endpoint="/fitting-room" garment="/demo/.generated/tee-navy.png" product-id="tee" variant-id="tee-navy" privacy-url="/privacy" ${attributes}></fitting-room>`,
  );
  return { container, element: container.querySelector('fitting-room') as FittingRoom };
}

const root = (element: FittingRoom) => dialogRoot(element)!;
const resultOf = (element: FittingRoom) => dialogRoot(element)?.querySelector<HTMLImageElement>('img.after');
const focused = () => activeElementDeep();
const press = (key: string) => sendKeys({ press: key });

/** Tabs until `match` has focus (at most 20 presses), as a keyboard user would. */
async function tabTo(match: (element: Element | null) => boolean, what: string) {
  for (let i = 0; i < 20; i++) {
    if (match(focused())) return focused()!;
    await press('Tab');
  }
  throw new Error(`Tab never reached ${what}; focus is on ${focused()?.outerHTML.slice(0, 80)}`);
}
const text = (label: string) => (element: Element | null) => element?.textContent?.trim() === label;

describe('the whole flow', () => {
  let container: HTMLElement;
  let element: FittingRoom;

  beforeEach(() => firstVisit());
  afterEach(() => {
    element?.close();
    container?.remove();
  });

  it('works with the keyboard alone, passes axe in every state, and announces progress', async () => {
    ({ container, element } = setup());
    const button = element.shadowRoot!.querySelector('button')!;
    button.focus();
    await press('Enter');
    await waitFor(() => nativeDialog(element)?.open, 'the dialog to open');
    // Consent: focus is on the checkbox.
    await waitFor(() => (focused() as HTMLInputElement)?.type === 'checkbox', 'focus on the consent checkbox');
    await expectNoAxeViolations(element);
    await press('Space');
    await tabTo(text('Continue'), 'Continue');
    await press('Enter');
    // Photo step: the camera button has focus; the file picker is one Tab away.
    await waitFor(() => text('Take a photo')(focused()), 'focus on Take a photo');
    await expectNoAxeViolations(element);
    const input = (await tabTo((el) => (el as HTMLInputElement)?.type === 'file', 'the file picker')) as HTMLInputElement;
    expect(getComputedStyle(input.closest('label')!).outlineStyle).to.equal('solid', 'a visible focus ring');
    // The OS file chooser can't be driven from the page: hand the file over as it would.
    const announcements = new Set<string>();
    const live = root(element).querySelector('[role=status][aria-live]')!;
    const observer = new MutationObserver(() => announcements.add(live.textContent!.trim()));
    observer.observe(live, { childList: true, characterData: true, subtree: true });
    pickFile(input, await drawPhoto());
    await waitFor(() => text('Cancel')(focused()), 'focus on Cancel while it runs');
    await expectNoAxeViolations(element);
    await waitFor(() => resultOf(element), 'the result');
    observer.disconnect();
    expect([...announcements]).to.include.members(['Preparing your photo…', 'Your try-on is ready. AI-generated']);
    await waitFor(() => (focused() as HTMLInputElement)?.type === 'range', 'focus on the comparison');
    await expectNoAxeViolations(element);
    await press('ArrowLeft');
    await waitFor(() => (focused() as HTMLInputElement).value === '49', 'the slider to move by keyboard');
    let added = 0;
    element.addEventListener('fitting-room:add-to-cart', () => added++);
    await tabTo(text('Add to cart'), 'Add to cart');
    await press('Enter');
    await waitFor(() => !nativeDialog(element)!.open, 'the dialog to close');
    expect(added).to.equal(1);
    expect(focused()).to.equal(button, 'focus back on the button');
  });

  it('reviews a photo with advice: advisory warnings can be overridden, blocking ones cannot', async () => {
    localStorage.setItem('fitting-room:consent', JSON.stringify({ version: 2 }));
    ({ container, element } = setup());
    await element.open();
    const shopper = await fetchFile('/demo/.generated/shopper-1.jpg');
    const recorder = recordRequests();
    pickFile(root(element).querySelector('input[type=file]')!, await filtered(shopper, 'brightness(0.2)'));
    await waitFor(() => root(element).querySelector('[data-check=dark]'), 'the dark-photo advice');
    expect(recorder.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/jobs'))).to.have.length(0, 'nothing uploaded yet');
    await expectNoAxeViolations(element);
    expect(text('Choose another photo')(focused())).to.equal(true);
    buttonByText(element, 'Use this photo anyway')!.click();
    await waitFor(() => resultOf(element), 'the result after going on anyway');
    recorder.stop();

    buttonByText(element, 'Try another photo')!.click();
    pickFile(await waitFor(() => root(element).querySelector<HTMLInputElement>('input[type=file]'), 'the photo step'), await filtered(shopper, 'none', 300, 400));
    const small = await waitFor(() => root(element).querySelector('[data-check=small]'), 'the too-small advice');
    expect(small.textContent).to.contain('too small');
    expect(buttonByText(element, 'Use this photo anyway')).to.equal(undefined, 'a too-small photo cannot be used');
    await expectNoAxeViolations(element);
  });

  it('switches variant on the result with the same photo: one upload, then a job by personRef', async () => {
    localStorage.setItem('fitting-room:consent', JSON.stringify({ version: 2 }));
    ({ container, element } = setup());
    element.variants = VARIANTS;
    expect(element.getAttribute('variants')).to.equal(JSON.stringify(VARIANTS));
    await element.open();
    const recorder = recordUploads();
    const submits: CustomEvent[] = [];
    element.addEventListener('fitting-room:submit', (event) => submits.push(event));
    pickFile(root(element).querySelector('input[type=file]')!, await drawPhoto());
    await waitFor(() => resultOf(element), 'the first result');
    const pressed = () => root(element).querySelector('[part~=variant][aria-pressed=true]')?.textContent?.trim();
    expect(pressed()).to.equal('Navy');
    const firstResult = resultOf(element)!.src;
    buttonByText(element, 'Terracotta')!.click();
    await waitFor(() => resultOf(element) && resultOf(element)!.src !== firstResult, 'the second result');
    recorder.stop();
    expect(recorder.uploads.filter((upload) => upload.person)).to.have.length(1, 'the photo is uploaded once');
    expect(recorder.uploads).to.have.length(2);
    expect(recorder.uploads[1]).to.include({ person: false, variantId: 'tee-terracotta' });
    expect(recorder.uploads[1].personRef).to.be.a('string').and.not.equal('');
    expect(recorder.uploads[1].garment).to.contain('tee-terracotta.png');
    expect(submits.map((event) => [event.detail.variantId, event.detail.reusedPhoto])).to.deep.equal([
      ['tee-navy', false],
      ['tee-terracotta', true],
    ]);
    expect(pressed()).to.equal('Terracotta');
    expect(root(element).querySelector('a[download]')!.getAttribute('download')).to.equal('try-on-tee-terracotta.jpg');
    await expectNoAxeViolations(element);
  });

  it('speaks Arabic right to left, with merchant overrides', async () => {
    await setViewport({ width: 390, height: 844 });
    ({ container, element } = setup(`locale="ar" strings='{"continue":"تابع الآن"}'`));
    await element.open();
    const dialog = nativeDialog(element)!;
    expect(dialog.dir).to.equal('rtl');
    expect(dialog.lang).to.equal('ar');
    expect(root(element).querySelector('h2')!.textContent).to.equal('جرّبه');
    expect(buttonByText(element, 'تابع الآن')).to.not.equal(undefined);
    const box = dialog.getBoundingClientRect();
    expect([box.width, box.height]).to.deep.equal([390, 844], 'a full-screen sheet on a phone');
    const header = root(element).querySelector('header')!;
    const close = root(element).querySelector('.close')!.getBoundingClientRect();
    expect(close.left).to.be.below(header.getBoundingClientRect().width / 2, 'the close button on the left in RTL');
    for (const button of root(element).querySelectorAll('button')) expect(button.getBoundingClientRect().height).to.be.at.least(44);
    await expectNoAxeViolations(element);
    const scripts = performance.getEntriesByType('resource').map((entry) => entry.name);
    expect(scripts.some((name) => /locales\/ar\./.test(name))).to.equal(true, 'Arabic came as its own chunk');
    expect(scripts.some((name) => /locales\/de\./.test(name))).to.equal(false);
    await setViewport({ width: 1280, height: 800 });
  });

  it('remembers consent per version on this device', async () => {
    ({ container, element } = setup());
    const consents: CustomEvent[] = [];
    element.addEventListener('fitting-room:consent', (event) => consents.push(event));
    await element.open();
    root(element).querySelector<HTMLInputElement>('input[type=checkbox]')!.click();
    await waitFor(() => !buttonByText(element, 'Continue')!.disabled, 'Continue');
    buttonByText(element, 'Continue')!.click();
    expect(consents[0].detail.version).to.equal(2);
    await waitFor(() => JSON.parse(localStorage.getItem('fitting-room:consent') ?? '{}').version === 2, 'consent version 2 stored');
    element.close();
    container.remove();
    ({ container, element } = setup());
    await element.open();
    await waitFor(() => root(element).querySelector('input[type=file]'), 'straight to the photo step');
    element.close();
    container.remove();
    localStorage.setItem('fitting-room:consent', JSON.stringify({ version: 0 }));
    ({ container, element } = setup());
    await element.open();
    await waitFor(() => root(element).querySelector('input[type=checkbox]'), 'consent asked again for an older version');
  });

  it('follows the theme attribute and exposes parts', async () => {
    ({ container, element } = setup('theme="dark"'));
    await element.open();
    const dialog = nativeDialog(element)!;
    expect(getComputedStyle(dialog).backgroundColor).to.equal('rgb(28, 28, 31)');
    await expectNoAxeViolations(element);
    const sheet = new CSSStyleSheet();
    sheet.replaceSync('fitting-room::part(dialog) { border-radius: 3px; }');
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    expect(getComputedStyle(dialog).borderTopLeftRadius).to.equal('3px');
    document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== sheet);
  });
});
