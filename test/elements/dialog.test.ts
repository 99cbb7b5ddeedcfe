import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/fitting-room.js';
import type { FittingRoom } from '../../src/components/fitting-room/fitting-room.component.js';
import { buttonByText, dialogRoot, drawPhoto, expectNoAxeViolations, mount, nativeDialog, pickFile, recordRequests, waitFor } from './helpers.js';

const GARMENT = '/demo/.generated/tee-navy.png';

function setup(productId = 'everyday-tee') {
  const container = mount(
    `<fitting-room endpoint="/fitting-room" garment="${GARMENT}" category="top" product-id="${productId}" variant-id="${productId}-navy" privacy-url="/privacy"></fitting-room>`,
  );
  return { container, element: container.querySelector('fitting-room') as FittingRoom };
}

const activeElementDeep = () => {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
};

/** Opens the dialog and gives consent if asked (consent holds for the rest of the page view). */
async function openAndConsent(element: FittingRoom) {
  element.shadowRoot!.querySelector('button')!.click();
  await waitFor(() => nativeDialog(element)?.open, 'the dialog to open');
  const step = await waitFor(() => dialogRoot(element)!.querySelector<HTMLInputElement>('input[type=checkbox], input[type=file]'), 'the consent or photo step');
  if (step.type === 'checkbox') {
    step.click();
    await waitFor(() => !buttonByText(element, 'Continue')?.disabled, 'Continue to be enabled');
    buttonByText(element, 'Continue')!.click();
  }
  return waitFor(() => dialogRoot(element)!.querySelector<HTMLInputElement>('input[type=file]'), 'the photo step');
}

const resultOf = (element: FittingRoom) => dialogRoot(element)?.querySelector<HTMLImageElement>('.compare img.after');

describe('<fitting-room> dialog', () => {
  let container: HTMLElement;
  let element: FittingRoom;

  beforeEach(() => ({ container, element } = setup()));
  afterEach(() => {
    element.close();
    container.remove();
  });

  it('asks for consent first, and sends no photo before it is given', async () => {
    const recorder = recordRequests();
    element.shadowRoot!.querySelector('button')!.click();
    await waitFor(() => nativeDialog(element)?.open, 'the dialog to open');
    const checkbox = dialogRoot(element)!.querySelector<HTMLInputElement>('input[type=checkbox]')!;
    expect(checkbox.checked).to.equal(false);
    expect(activeElementDeep()).to.equal(checkbox, 'focus moves into the dialog');
    expect(buttonByText(element, 'Continue')!.disabled).to.equal(true);
    expect(dialogRoot(element)!.querySelector('a[href="/privacy"]')).to.not.equal(null);
    await expectNoAxeViolations(element);
    recorder.stop();
    expect(recorder.requests.filter((request) => request.path.endsWith('/jobs'))).to.deep.equal([]);
  });

  it('closes on Escape and gives focus back to the button', async () => {
    let closed = 0;
    element.addEventListener('fitting-room:close', () => closed++);
    element.shadowRoot!.querySelector('button')!.click();
    await waitFor(() => nativeDialog(element)?.open, 'the dialog to open');
    await sendKeys({ press: 'Escape' });
    await waitFor(() => !nativeDialog(element)!.open, 'the dialog to close');
    expect(closed).to.equal(1);
    expect(activeElementDeep()).to.equal(element.shadowRoot!.querySelector('button'));
  });

  it('locks page scrolling while open and restores it after', async () => {
    document.documentElement.style.overflow = 'clip';
    element.shadowRoot!.querySelector('button')!.click();
    await waitFor(() => nativeDialog(element)?.open, 'the dialog to open');
    expect(document.documentElement.style.overflow).to.equal('hidden');
    dialogRoot(element)!.querySelector<HTMLButtonElement>('button.close')!.click();
    await waitFor(() => !nativeDialog(element)!.open, 'the dialog to close');
    await waitFor(() => document.documentElement.style.overflow === 'clip', 'page scrolling to be restored');
    document.documentElement.style.overflow = '';
  });

  it('keeps the page locked while another dialog is open, whatever happens to the first element', async () => {
    const other = setup('other-tee');
    try {
      element.shadowRoot!.querySelector('button')!.click();
      await waitFor(() => nativeDialog(element)?.open, 'the first dialog to open');
      element.close();
      await waitFor(() => document.documentElement.style.overflow === '', 'the first dialog to release the page');
      other.element.shadowRoot!.querySelector('button')!.click();
      await waitFor(() => nativeDialog(other.element)?.open, 'the second dialog to open');
      container.remove();
      expect(document.documentElement.style.overflow).to.equal('hidden', 'the first element leaving does not unlock the second dialog');
      other.element.close();
      await waitFor(() => document.documentElement.style.overflow === '', 'the page released after the second dialog');
    } finally {
      other.element.close();
      other.container.remove();
    }
  });

  it('tries a garment on: upload with progress, live status, result with a keyboard compare slider', async () => {
    const events: string[] = [];
    for (const type of ['open', 'photo', 'submit', 'result']) element.addEventListener(`fitting-room:${type}`, () => events.push(type));
    const progress: { stage: string; percent?: number }[] = [];
    element.addEventListener('fitting-room:progress', (event) => progress.push(event.detail));
    const input = await openAndConsent(element);
    await expectNoAxeViolations(element);

    const seen = new Set<string>();
    const observer = new MutationObserver(() => {
      const label = dialogRoot(element)?.querySelector('#progress-label')?.textContent;
      if (label) seen.add(label.replace(/\d+%/, 'N%').trim());
    });
    observer.observe(dialogRoot(element)!, { subtree: true, childList: true, characterData: true });
    pickFile(input, await drawPhoto());

    const after = await waitFor(() => resultOf(element), 'the result');
    observer.disconnect();
    await waitFor(() => after.complete && after.naturalWidth > 0, 'the result image to load');
    expect(after.naturalHeight).to.be.greaterThan(after.naturalWidth, 'a portrait result');
    expect([...seen].some((label) => label.startsWith('Creating your try-on'))).to.equal(true, [...seen].join(' | '));
    expect(events).to.deep.equal(['open', 'photo', 'submit', 'result']);
    const STAGES = ['preparing', 'uploading', 'queued', 'generating'];
    const stages = progress.map((report) => report.stage).filter((stage, i, all) => stage !== all[i - 1]);
    expect(stages.slice(0, 3)).to.deep.equal(['preparing', 'uploading', 'queued'], JSON.stringify(progress));
    expect(
      stages.every((stage, i) => !i || STAGES.indexOf(stage) > STAGES.indexOf(stages[i - 1])),
      'stages only move forward',
    ).to.equal(true);
    expect(
      progress.filter((report) => report.stage === 'uploading' && report.percent === 0),
      'the upload starts once',
    ).to.have.length(1);
    expect(dialogRoot(element)!.querySelector('[role=status]')!.textContent).to.equal('Your try-on is ready. AI-generated');
    await expectNoAxeViolations(element);

    const slider = dialogRoot(element)!.querySelector<HTMLInputElement>('.compare input[type=range]')!;
    expect(activeElementDeep()).to.equal(slider, 'focus lands on the comparison');
    const compare = dialogRoot(element)!.querySelector<HTMLElement>('.compare')!;
    const clipBefore = getComputedStyle(compare.querySelector('.after')!).clipPath;
    await sendKeys({ press: 'ArrowRight' });
    await sendKeys({ press: 'ArrowRight' });
    await waitFor(() => slider.value === '52', 'the slider to move');
    expect(compare.style.getPropertyValue('--split')).to.equal('52%');
    expect(getComputedStyle(compare.querySelector('.after')!).clipPath).to.not.equal(clipBefore);
    expect(slider.getAttribute('aria-valuetext')).to.equal('48% of the try-on shown');
    await sendKeys({ press: 'Home' });
    await waitFor(() => slider.value === '0', 'the slider to jump to the start');

    const download = [...dialogRoot(element)!.querySelectorAll('a')].find((link) => link.textContent!.trim() === 'Download')!;
    expect(download.getAttribute('download')).to.equal('try-on-everyday-tee-navy.jpg');
    expect(download.href.startsWith('blob:')).to.equal(true);
  });

  it('accepts a dropped photo and sends add-to-cart with the product and variant', async () => {
    await openAndConsent(element);
    const drop = dialogRoot(element)!.querySelector('.drop')!;
    const transfer = new DataTransfer();
    transfer.items.add(await drawPhoto());
    drop.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: transfer }));
    drop.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: transfer }));
    await waitFor(() => resultOf(element), 'the result');

    const received: CustomEvent[] = [];
    const listener = (event: Event) => received.push(event as CustomEvent);
    document.addEventListener('fitting-room:add-to-cart', listener);
    buttonByText(element, 'Add to cart')!.click();
    document.removeEventListener('fitting-room:add-to-cart', listener);
    expect(received).to.have.length(1);
    expect(received[0].detail).to.deep.equal({ productId: 'everyday-tee', variantId: 'everyday-tee-navy' });
    expect([received[0].bubbles, received[0].composed, received[0].cancelable]).to.deep.equal([true, true, true]);
    await waitFor(() => !nativeDialog(element)!.open, 'the dialog to close after adding to cart');
  });

  it('keeps the dialog open when the add-to-cart event is canceled', async () => {
    element.addEventListener('fitting-room:add-to-cart', (event) => event.preventDefault());
    pickFile(await openAndConsent(element), await drawPhoto());
    await waitFor(() => resultOf(element), 'the result');
    buttonByText(element, 'Add to cart')!.click();
    expect(nativeDialog(element)!.open).to.equal(true);
  });

  it('explains a file that is not a photo and uploads nothing', async () => {
    const input = await openAndConsent(element);
    const recorder = recordRequests();
    pickFile(input, new File(['%PDF-1.7\n%âãÏÓ\n1 0 obj'], 'holiday.jpg', { type: 'image/jpeg' }));
    const alert = await waitFor(() => dialogRoot(element)!.querySelector('[role=alert]'), 'the error');
    recorder.stop();
    expect(alert.textContent).to.contain('isn’t a photo we can use');
    expect(recorder.requests).to.deep.equal([]);
    await expectNoAxeViolations(element);
    buttonByText(element, 'Try another photo')!.click();
    await waitFor(() => dialogRoot(element)!.querySelector('input[type=file]'), 'the photo step again');
  });

  it('explains an empty file', async () => {
    pickFile(await openAndConsent(element), new File([], 'empty.jpg', { type: 'image/jpeg' }));
    const alert = await waitFor(() => dialogRoot(element)!.querySelector('[role=alert]'), 'the error');
    expect(alert.textContent).to.contain('That file is empty');
  });

  it('cancels the job on the server when the shopper closes the dialog mid-job', async () => {
    const input = await openAndConsent(element);
    const recorder = recordRequests();
    let jobId = '';
    element.addEventListener('fitting-room:submit', (event) => (jobId = (event as CustomEvent).detail.jobId));
    pickFile(input, await drawPhoto());
    await waitFor(() => jobId, 'the job to be created');
    element.close();
    await waitFor(() => recorder.requests.some((request) => request.method === 'DELETE'), 'the DELETE request');
    recorder.stop();
    expect(recorder.requests.find((request) => request.method === 'DELETE')!.path).to.equal(`/fitting-room/jobs/${jobId}`);
    element.shadowRoot!.querySelector('button')!.click();
    await waitFor(() => dialogRoot(element)!.querySelector('input[type=file]'), 'the photo step on reopening');
  });
});

describe('<fitting-room> dialog, failed try-on', () => {
  it('shows the failure message and retries with the same photo', async () => {
    const { container, element } = setup('sandbox-fail-tee');
    const input = await openAndConsent(element);
    let errors = 0;
    element.addEventListener('fitting-room:error', () => errors++);
    pickFile(input, await drawPhoto());
    const alert = await waitFor(() => dialogRoot(element)!.querySelector('[role=alert]'), 'the error');
    expect(alert.textContent).to.contain('The try-on didn’t work this time');
    expect(errors).to.equal(1);
    await expectNoAxeViolations(element);
    const recorder = recordRequests();
    buttonByText(element, 'Try again')!.click();
    await waitFor(() => dialogRoot(element)!.querySelector('[role=alert]') && errors === 2, 'the second failure');
    recorder.stop();
    expect(recorder.requests.filter((request) => request.path === '/fitting-room/jobs')).to.have.length(1, 'one new job, no new session');
    element.close();
    container.remove();
  });
});
