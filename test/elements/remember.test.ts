import { expect } from '@esm-bundle/chai';
import type { FittingRoom } from '../../src/components/fitting-room/fitting-room.component.js';
import { drawPhoto, firstVisit, waitFor } from './helpers.js';

/**
 * "Remember my photo on this device" across two page loads: each product page is a fresh
 * iframe of remember-page.html on this origin, so it shares localStorage and IndexedDB
 * with the other, as two pages of one shop do.
 */
async function loadPage(): Promise<{ frame: HTMLIFrameElement; win: Window & typeof globalThis; element: FittingRoom }> {
  const frame = document.createElement('iframe');
  frame.style.cssText = 'width:1024px;height:800px;border:0';
  frame.src = '/test/elements/remember-page.html';
  document.body.append(frame);
  await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  const win = frame.contentWindow as Window & typeof globalThis;
  await win.customElements.whenDefined('fitting-room');
  return { frame, win, element: win.document.querySelector('fitting-room') as FittingRoom };
}

const root = (element: FittingRoom) => element.shadowRoot!.querySelector('fitting-room-dialog')?.shadowRoot;
const button = (element: FittingRoom, label: string) =>
  [...(root(element)?.querySelectorAll('button') ?? [])].find((b) => b.textContent?.trim() === label) as HTMLButtonElement | undefined;

/** Every request the page makes, by method and path, including the XHR upload. */
function spy(win: Window & typeof globalThis) {
  const requests: string[] = [];
  const fetch = win.fetch;
  win.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    requests.push(`${init?.method ?? 'GET'} ${new URL(String(input instanceof Request ? input.url : input), win.location.href).pathname}`);
    return fetch(input, init);
  };
  const open = win.XMLHttpRequest.prototype.open;
  const send = win.XMLHttpRequest.prototype.send;
  let current = '';
  win.XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, method: string, url: string | URL, ...rest: unknown[]) {
    current = `${method} ${new URL(String(url), win.location.href).pathname}`;
    return (open as (...args: unknown[]) => void).call(this, method, url, ...rest);
  } as typeof open;
  win.XMLHttpRequest.prototype.send = function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
    requests.push(`${current}${body instanceof win.FormData && body.get('person') instanceof win.Blob ? ' +person' : ''}`);
    return send.call(this, body);
  };
  return requests;
}

async function axeIn(win: Window, element: Element) {
  const { violations } = await (win as unknown as Window).axe.run(element, { resultTypes: ['violations'] });
  expect(violations.map((violation) => `${violation.id}: ${violation.help}`)).to.deep.equal([]);
}

describe('remember my photo on this device', () => {
  before(async () => {
    firstVisit();
    localStorage.setItem('fitting-room:consent', JSON.stringify({ version: 2 }));
    await new Promise((resolve) => (indexedDB.deleteDatabase('fitting-room').onsuccess = resolve));
  });

  it('keeps the prepared photo on opt-in, offers it on the next page, uploads only on tap, and deletes it everywhere', async () => {
    // Page 1: opt in, try on.
    const first = await loadPage();
    await first.element.open();
    const remember = await waitFor(
      () => [...(root(first.element)?.querySelectorAll<HTMLInputElement>('input[type=checkbox]') ?? [])].find((input) => input.closest('label')!.textContent!.includes('Remember')),
      'the remember checkbox',
    );
    expect(remember.checked, 'opt-in: off by default').to.equal(false);
    remember.click();
    const input = root(first.element)!.querySelector<HTMLInputElement>('input[type=file]')!;
    const transfer = new first.win.DataTransfer();
    transfer.items.add(new first.win.File([await drawPhoto()], 'me.jpg', { type: 'image/jpeg' }));
    input.files = transfer.files;
    input.dispatchEvent(new first.win.Event('change', { bubbles: true }));
    await waitFor(() => root(first.element)!.querySelector('img.after'), 'the first result');
    await waitFor(() => localStorage.getItem('fitting-room:photo') === '1', 'the photo to be remembered');
    first.element.close();
    first.frame.remove();

    // Page 2: a fresh page load offers the saved photo; nothing is uploaded before the tap.
    const second = await loadPage();
    const requests = spy(second.win);
    await second.element.open();
    const use = await waitFor(() => button(second.element, 'Try on with this photo'), 'the one-tap try-on');
    const thumb = root(second.element)!.querySelector<HTMLImageElement>('.saved img')!;
    await waitFor(() => thumb.naturalWidth > 0, 'the saved photo to show');
    expect(requests.filter((request) => request.startsWith('POST /fitting-room/jobs'))).to.deep.equal([]);
    await axeIn(second.win, second.element);
    use.click();
    await waitFor(() => root(second.element)!.querySelector('img.after'), 'the result from the saved photo');
    expect(requests.filter((request) => request.startsWith('POST /fitting-room/jobs'))).to.deep.equal(['POST /fitting-room/jobs +person']);

    // Delete: local copy and the server copies, confirmed.
    button(second.element, 'Delete my photo')!.click();
    const notice = await waitFor(() => root(second.element)!.querySelector('.notice'), 'the confirmation');
    expect(notice.textContent).to.contain('deleted from this device and from the try-on service');
    expect(requests.filter((request) => request.startsWith('DELETE /fitting-room/jobs/'))).to.have.length(1);
    expect(localStorage.getItem('fitting-room:photo')).to.equal(null);
    expect(button(second.element, 'Try on with this photo')).to.equal(undefined);
    await axeIn(second.win, second.element);
    second.element.close();
    second.frame.remove();

    // Page 3: nothing left to offer.
    const third = await loadPage();
    await third.element.open();
    await waitFor(() => root(third.element)?.querySelector('input[type=file]'), 'the photo step');
    expect(button(third.element, 'Try on with this photo')).to.equal(undefined);
    const stored = await new Promise<unknown>((resolve) => {
      const open = indexedDB.open('fitting-room', 1);
      open.onsuccess = () => {
        const get = open.result.transaction('photos').objectStore('photos').get('me');
        get.onsuccess = () => (open.result.close(), resolve(get.result));
      };
    });
    expect(stored).to.equal(undefined);
    third.frame.remove();
  });
});
