import { expect } from '@esm-bundle/chai';
import '../../src/fitting-room.js';
import type { FittingRoom } from '../../src/components/fitting-room/fitting-room.component.js';
import { LOOK_STRINGS } from '../../src/components/fitting-room-dialog/look/look-strings.js';
import { MODEL_STRINGS } from '../../src/components/fitting-room-dialog/models/model-strings.js';
import { activeElementDeep, buttonByText, dialogRoot, drawPhoto, expectNoAxeViolations, firstVisit, mount, nativeDialog, pickFile, waitFor } from './helpers.js';

/** Switches one of the test server's fakes of the contract (web-test-runner.config.mjs) on or off for this page's requests. */
function testFake(name: 'looks' | 'models', on: boolean) {
  // biome-ignore lint/suspicious/noDocumentCookie: the test server picks its fake by this cookie; the Cookie Store API is not in every browser we test.
  document.cookie = `fitting-room-test-${name}=${on ? '1' : ''}; path=/${on ? '' : '; max-age=0'}`;
}

const LOOK_KEY = 'fitting-room:look';
const LOCALES = ['en', 'de', 'fr', 'es', 'ja', 'ar'] as const;

/** Every POST /jobs form as sent: its fields in order, files as `[file]`. */
function recordForms() {
  const forms: [string, string][][] = [];
  const originalSend = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
    if (body instanceof FormData) forms.push([...body.entries()].map(([name, value]) => [name, typeof value === 'string' ? value : '[file]']));
    return originalSend.call(this, body);
  };
  return { forms, stop: () => (XMLHttpRequest.prototype.send = originalSend) };
}
const fields = (form: [string, string][], name: string) => form.filter(([field]) => field === name).map(([, value]) => value);

function setup(attributes: string) {
  const container = mount(`<fitting-room endpoint="/fitting-room" ${attributes}></fitting-room>`);
  return { container, element: container.querySelector('fitting-room') as FittingRoom };
}
const root = (element: FittingRoom) => dialogRoot(element)!;
const resultOf = (element: FittingRoom) => dialogRoot(element)?.querySelector<HTMLImageElement>('.compare img.after');

async function open(element: FittingRoom) {
  element.shadowRoot!.querySelector('button')!.click();
  await waitFor(() => nativeDialog(element)?.open, 'the dialog to open');
}

async function openAndConsent(element: FittingRoom) {
  await open(element);
  const step = await waitFor(() => root(element).querySelector<HTMLInputElement>('input[type=checkbox], input[type=file]'), 'the consent or photo step');
  if (step.type === 'checkbox') {
    step.click();
    await waitFor(() => !buttonByText(element, 'Continue')?.disabled, 'Continue to be enabled');
    buttonByText(element, 'Continue')!.click();
  }
  return waitFor(() => root(element).querySelector<HTMLInputElement>('input[type=file]'), 'the photo step');
}

function forgetLook() {
  localStorage.removeItem(LOOK_KEY);
  sessionStorage.removeItem(LOOK_KEY);
}

const storedLook = (storage: Storage) =>
  JSON.parse(storage.getItem(LOOK_KEY) ?? '[]') as { title: string; category: string; productId?: string; variantId?: string; price?: string }[];

describe('a look built across products', () => {
  let container: HTMLElement;
  let element: FittingRoom;
  let title: HTMLElement | undefined;

  beforeEach(() => {
    firstVisit();
    forgetLook();
    // Whole-look jobs go to the test server's fake of the contract (web-test-runner.config.mjs) until the sandbox takes several garments.
    testFake('looks', true);
  });
  afterEach(() => {
    element?.close();
    container?.remove();
    title?.remove();
    forgetLook();
    testFake('looks', false);
  });

  it('keeps each result in the look, tries the whole look in one job in slot order, and adds it to the cart in one event', async () => {
    // Product 1: a tee whose page states its title and price in JSON-LD.
    title = Object.assign(document.createElement('script'), {
      type: 'application/ld+json',
      textContent: JSON.stringify({ '@type': 'Product', name: 'Everyday Tee', offers: { price: '29.00', priceCurrency: 'EUR' } }),
    });
    document.head.append(title);
    ({ container, element } = setup('garment="/demo/.generated/tee-navy.png" category="top" product-id="tee" variant-id="tee-navy"'));
    pickFile(await openAndConsent(element), await drawPhoto());
    await waitFor(() => resultOf(element), 'the first result');
    buttonByText(element, 'Add to my look')!.click();
    const heading = await waitFor(() => root(element).querySelector<HTMLElement>('#look-heading'), 'the look');
    await waitFor(() => activeElementDeep() === heading, 'focus on the look');
    expect(heading.textContent).to.contain('1 of 4 items');
    expect(root(element).querySelector('.look-items')!.textContent).to.contain('Everyday Tee').and.contain('€29.00');
    // Not kept beyond this tab unless the shopper opts in.
    expect(storedLook(sessionStorage).map((item) => item.title)).to.deep.equal(['Everyday Tee']);
    expect(localStorage.getItem(LOOK_KEY)).to.equal(null);
    element.close();
    container.remove();
    title.remove();

    // Product 2, another page: trousers. The look is shown as soon as the dialog opens.
    title = Object.assign(document.createElement('meta'), { content: 'Linen Trousers' });
    title.setAttribute('property', 'og:title');
    document.head.append(title);
    ({ container, element } = setup('garment="/demo/.generated/tee-terracotta.png" category="bottom" product-id="trousers" variant-id="trousers-sand"'));
    pickFile(await openAndConsent(element), await drawPhoto());
    await waitFor(() => resultOf(element), 'the second result');
    buttonByText(element, 'Add to my look')!.click();
    await waitFor(() => root(element).querySelectorAll('.look-items li').length === 2, 'two items in the look');
    await expectNoAxeViolations(element);

    const recorder = recordForms();
    buttonByText(element, 'Try on the whole look')!.click();
    await waitFor(() => recorder.forms.length, 'the whole look’s job');
    recorder.stop();
    const [form] = recorder.forms;
    // The bottom goes on first, then the top: garment 1 with category 1, and so on.
    expect(fields(form, 'garment')).to.deep.equal([
      new URL('/demo/.generated/tee-terracotta.png', location.href).href,
      new URL('/demo/.generated/tee-navy.png', location.href).href,
    ]);
    expect(fields(form, 'category')).to.deep.equal(['bottom', 'top']);
    expect(fields(form, 'productId')).to.deep.equal(['trousers'], 'the first item’s ids');
    expect(fields(form, 'person').length + fields(form, 'personRef').length).to.equal(1, 'the same photo');
    // Progress names the garment being put on, from the job's `step`.
    await waitFor(() => root(element).querySelector('.look-step')?.textContent === 'Putting on item 2 of 2: Everyday Tee', 'step 2 of 2');
    await waitFor(() => resultOf(element), 'the look’s result');

    // The shopper removes nothing and adds the look to the cart: one event with every item (no platform here).
    let detail: { items?: { productId?: string; title: string; price?: string }[] } | undefined;
    element.addEventListener('fitting-room:add-to-cart', (event) => {
      detail = event.detail;
      event.preventDefault();
    });
    buttonByText(element, 'Add the look to the cart')!.click();
    expect(detail?.items?.map((item) => [item.productId, item.title, item.price])).to.deep.equal([
      ['trousers', 'Linen Trousers', undefined],
      ['tee', 'Everyday Tee', '29.00'],
    ]);
    expect(nativeDialog(element)!.open, 'canceled: the dialog stays').to.equal(true);

    // Removing an item keeps focus in the look and updates what is stored.
    root(element).querySelector<HTMLButtonElement>('.look-items button[aria-label="Remove Linen Trousers from your look"]')!.click();
    await waitFor(() => root(element).querySelectorAll('.look-items li').length === 1, 'one item left');
    expect(storedLook(sessionStorage).map((item) => item.title)).to.deep.equal(['Everyday Tee']);
    expect(root(element).contains(activeElementDeep())).to.equal(true);
  });

  it('is kept on this device only on opt-in, and "Delete my photo" offers to clear it too', async () => {
    sessionStorage.setItem(LOOK_KEY, JSON.stringify([{ garment: new URL('/demo/.generated/tee-navy.png', location.href).href, category: 'top', title: 'Everyday Tee' }]));
    ({ container, element } = setup('garment="/demo/.generated/tee-terracotta.png" category="bottom" product-id="trousers"'));
    pickFile(await openAndConsent(element), await drawPhoto());
    await waitFor(() => resultOf(element), 'the result');
    const keep = await waitFor(() => root(element).querySelector<HTMLInputElement>('.look input[type=checkbox]'), 'the keep opt-in');
    expect(keep.checked).to.equal(false);
    keep.click();
    await waitFor(() => localStorage.getItem(LOOK_KEY), 'the look kept on this device');
    expect(sessionStorage.getItem(LOOK_KEY)).to.equal(null);

    buttonByText(element, 'Delete my photo')!.click();
    const offer = await waitFor(() => root(element).querySelector('.look-offer'), 'the offer to clear the look');
    expect(offer.textContent).to.contain('Also clear your look from this device?');
    expect(storedLook(localStorage)).to.have.length(1, 'nothing cleared before the shopper asks');
    await expectNoAxeViolations(element);
    buttonByText(element, 'Clear my look')!.click();
    await waitFor(() => !root(element).querySelector('.look'), 'the look gone');
    expect(localStorage.getItem(LOOK_KEY)).to.equal(null);
    expect(sessionStorage.getItem(LOOK_KEY)).to.equal(null);
  });

  it('asks for a photo when the whole look is tried before one, then runs the look with it', async () => {
    const garment = (name: string) => new URL(`/demo/.generated/${name}.png`, location.href).href;
    sessionStorage.setItem(
      LOOK_KEY,
      JSON.stringify([
        { garment: garment('tee-terracotta'), category: 'bottom', title: 'Linen Trousers' },
        { garment: garment('tee-navy'), category: 'top', title: 'Everyday Tee' },
      ]),
    );
    ({ container, element } = setup('garment="/demo/.generated/tee-navy.png" category="top"'));
    const input = await openAndConsent(element);
    (await waitFor(() => buttonByText(element, 'Try on the whole look'), 'the look on the photo step')).click();
    const notice = await waitFor(
      () => [...root(element).querySelectorAll('.notice')].find((note) => note.textContent === LOOK_STRINGS.en.lookPhotoFirst),
      'the request for a photo',
    );
    expect(notice).to.not.equal(undefined);
    await waitFor(() => activeElementDeep() === input, 'focus on the photo picker');
    await expectNoAxeViolations(element);
    const recorder = recordForms();
    pickFile(input, await drawPhoto());
    await waitFor(() => recorder.forms.length, 'the job');
    recorder.stop();
    expect(fields(recorder.forms[0], 'category')).to.deep.equal(['bottom', 'top']);
    await waitFor(() => resultOf(element), 'the look’s result');
  });

  it('names the item that failed', async () => {
    const garment = (name: string) => new URL(`/demo/.generated/${name}.png`, location.href).href;
    sessionStorage.setItem(
      LOOK_KEY,
      JSON.stringify([
        { garment: garment('tee-terracotta'), category: 'bottom', title: 'Linen Trousers' },
        { garment: `${garment('tee-navy')}#fail`, category: 'top', title: 'Broken Tee' },
      ]),
    );
    ({ container, element } = setup('garment="/demo/.generated/tee-navy.png" category="top"'));
    pickFile(await openAndConsent(element), await drawPhoto());
    await waitFor(() => resultOf(element), 'the result');
    buttonByText(element, 'Try on the whole look')!.click();
    const failed = await waitFor(() => root(element).querySelector('.look-failed'), 'the failure');
    expect(failed.textContent).to.equal('This item couldn’t be tried on: Broken Tee. You can remove it from your look and try again.');
    expect(root(element).querySelector('[role=alert]')!.textContent).to.contain('didn’t work');
    await expectNoAxeViolations(element);
  });

  for (const locale of LOCALES) {
    it(`shows the look in ${locale}${locale === 'ar' ? ', right to left' : ''}, passing axe`, async () => {
      sessionStorage.setItem(
        LOOK_KEY,
        JSON.stringify([
          { garment: new URL('/demo/.generated/tee-terracotta.png', location.href).href, category: 'bottom', title: 'Linen Trousers', price: '59', currency: 'EUR' },
          { garment: new URL('/demo/.generated/tee-navy.png', location.href).href, category: 'top', title: 'Everyday Tee' },
        ]),
      );
      localStorage.setItem('fitting-room:consent', JSON.stringify({ version: 2, at: new Date().toISOString() }));
      ({ container, element } = setup(`garment="/demo/.generated/tee-navy.png" locale="${locale}"`));
      await open(element);
      const heading = await waitFor(() => root(element).querySelector('#look-heading'), 'the look on the photo step');
      expect(heading.textContent).to.contain(LOOK_STRINGS[locale].lookHeading);
      expect(root(element).querySelector('.look-try')!.textContent!.trim()).to.equal(LOOK_STRINGS[locale].lookTry);
      expect(nativeDialog(element)!.dir).to.equal(locale === 'ar' ? 'rtl' : 'ltr');
      await expectNoAxeViolations(element);
    });
  }
});

describe('try on a model', () => {
  let container: HTMLElement;
  let element: FittingRoom;

  beforeEach(() => {
    firstVisit();
    forgetLook();
    testFake('models', true);
    testFake('looks', true);
  });
  afterEach(() => {
    element?.close();
    container?.remove();
    testFake('models', false);
    testFake('looks', false);
  });

  it('opens the gallery from the consent step, by keyboard focus, and runs with modelId, no photo and no consent', async () => {
    ({ container, element } = setup('garment="/demo/.generated/tee-navy.png" category="top" product-id="tee"'));
    await open(element);
    const opener = await waitFor(() => buttonByText(element, 'Try on a model'), 'the model choice');
    opener.click();
    const first = await waitFor(() => root(element).querySelector<HTMLButtonElement>('.models button.model'), 'the gallery');
    await waitFor(() => activeElementDeep() === first, 'focus on the first model');
    const models = [...root(element).querySelectorAll<HTMLElement>('.models button.model')].map((button) => button.innerText.replace(/\s+/g, ' ').trim());
    expect(models).to.deep.equal(['Amara Height: 172 cm Wears size M', 'Kenji Height: 5 ft 10 in Wears size L']);
    expect(root(element).querySelector('.models img')!.getAttribute('loading')).to.equal('lazy');
    await waitFor(() => root(element).querySelector<HTMLImageElement>('.models img')!.complete, 'the model images');
    await expectNoAxeViolations(element);
    // Back returns focus to the choice that opened it.
    buttonByText(element, 'Back')!.click();
    await waitFor(() => activeElementDeep()?.textContent?.trim() === 'Try on a model', 'focus back on "Try on a model"');
    buttonByText(element, 'Try on a model')!.click();
    await waitFor(() => root(element).querySelector('.models'), 'the gallery again');

    const recorder = recordForms();
    [...root(element).querySelectorAll<HTMLButtonElement>('.models button.model')][1].click();
    await waitFor(() => recorder.forms.length, 'the model’s job');
    recorder.stop();
    const [form] = recorder.forms;
    expect(fields(form, 'modelId')).to.deep.equal(['model-b']);
    expect(fields(form, 'person')).to.deep.equal([], 'no photo leaves the device');
    expect(fields(form, 'personRef')).to.deep.equal([]);
    expect(fields(form, 'consentVersion')).to.deep.equal([], 'no photo consent was asked');
    expect(localStorage.getItem('fitting-room:consent')).to.equal(null);
    // The result is still disclosed as AI-made: its label, and a line saying it is not the shopper.
    const result = await waitFor(() => resultOf(element), 'the model’s result');
    expect(result.alt).to.match(/^AI-generated: /);
    expect(root(element).querySelector<HTMLImageElement>('img.before')!.alt).to.equal('Kenji', 'the model, not "Your photo"');
    expect(root(element).querySelector('.model-disclosure')!.textContent).to.equal(MODEL_STRINGS.en.modelDisclosure);
    await expectNoAxeViolations(element);
  });

  for (const locale of LOCALES) {
    it(`shows the gallery in ${locale}${locale === 'ar' ? ', right to left' : ''}, passing axe`, async () => {
      localStorage.setItem('fitting-room:consent', JSON.stringify({ version: 2, at: new Date().toISOString() }));
      ({ container, element } = setup(`garment="/demo/.generated/tee-navy.png" locale="${locale}"`));
      await open(element);
      (await waitFor(() => root(element).querySelector<HTMLButtonElement>('[data-models]'), 'the model choice')).click();
      const heading = await waitFor(() => root(element).querySelector('#models-heading'), 'the gallery');
      expect(heading.textContent).to.equal(MODEL_STRINGS[locale].modelsHeading);
      expect(nativeDialog(element)!.dir).to.equal(locale === 'ar' ? 'rtl' : 'ltr');
      await expectNoAxeViolations(element);
    });
  }
});

describe('without a model gallery', () => {
  it('offers no model choice', async () => {
    firstVisit();
    const { container, element } = setup('garment="/demo/.generated/tee-navy.png"');
    await openAndConsent(element);
    expect(buttonByText(element, 'Try on a model')).to.equal(undefined);
    element.close();
    container.remove();
  });
});
