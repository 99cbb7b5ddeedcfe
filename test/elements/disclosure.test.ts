import { expect } from '@esm-bundle/chai';
import { setViewport } from '@web/test-runner-commands';
import '../../src/fitting-room.js';
import type { FittingRoom } from '../../src/components/fitting-room/fitting-room.component.js';
import { EN, type Strings } from '../../src/components/fitting-room-dialog/messages.js';
import ar from '../../src/components/fitting-room-dialog/locales/ar.js';
import de from '../../src/components/fitting-room-dialog/locales/de.js';
import es from '../../src/components/fitting-room-dialog/locales/es.js';
import fr from '../../src/components/fitting-room-dialog/locales/fr.js';
import ja from '../../src/components/fitting-room-dialog/locales/ja.js';
import { buttonByText, dialogRoot, drawPhoto, expectNoAxeViolations, firstVisit, mount, nativeDialog, pickFile, recordUploads, waitFor, type Upload } from './helpers.js';

/** The words that say "AI" in each language's consent text (issue 12: the shopper is told plainly). */
const LOCALES: Record<string, { strings: Strings; ai: string }> = {
  en: { strings: EN, ai: 'An AI system will create an altered image of you' },
  de: { strings: de, ai: 'Ein KI-System erstellt' },
  fr: { strings: fr, ai: 'Un système d’IA va créer une image modifiée' },
  es: { strings: es, ai: 'Un sistema de IA creará una imagen modificada' },
  ja: { strings: ja, ai: 'AIシステムがあなたの写真から、加工された' },
  ar: { strings: ar, ai: 'سيُنشئ نظام ذكاء اصطناعي صورة معدَّلة' },
};

async function hexDigest(bytes: BufferSource) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
const sha256Hex = (text: string) => hexDigest(new TextEncoder().encode(text));
const hashOf = async (blob: Blob) => hexDigest(await blob.arrayBuffer());

/** The bytes of every answer from GET …/results/…, as the proxy served them. */
function recordResults() {
  const served: Blob[] = [];
  const originalFetch = window.fetch;
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const response = await originalFetch(input, init);
    if (/\/results\//.test(response.url)) served.push(await response.clone().blob());
    return response;
  };
  return { served, stop: () => (window.fetch = originalFetch) };
}

describe('AI disclosure', () => {
  let container: HTMLElement;
  let element: FittingRoom;
  let uploads: ReturnType<typeof recordUploads>;

  beforeEach(() => {
    firstVisit();
    uploads = recordUploads();
  });
  afterEach(async () => {
    uploads.stop();
    element?.close();
    container?.remove();
    await setViewport({ width: 1280, height: 800 });
  });

  function setup(attributes: string) {
    container = mount(`<fitting-room endpoint="/fitting-room" garment="/demo/.generated/tee-navy.png" product-id="tee" ${attributes}></fitting-room>`);
    element = container.querySelector('fitting-room') as FittingRoom;
  }

  /** Consents (returning the consent text as shown, line by line) and runs a try-on to its result. */
  async function consentAndTryOn(continueLabel: string) {
    await element.open();
    const root = dialogRoot(element)!;
    // The retention line arrives with the session; the text is complete once it is there.
    await waitFor(() => root.querySelector('.body p.muted'), 'the retention line');
    const shown = [...root.querySelectorAll('.body p, .body label.check')].map((node) => node.textContent!.trim());
    root.querySelector<HTMLInputElement>('input[type=checkbox]')!.click();
    await waitFor(() => !buttonByText(element, continueLabel)?.disabled, continueLabel);
    buttonByText(element, continueLabel)!.click();
    const input = await waitFor(() => root.querySelector<HTMLInputElement>('input[type=file]'), 'the photo step');
    pickFile(input, await drawPhoto());
    const after = await waitFor(() => root.querySelector<HTMLImageElement>('img.after'), 'the result');
    await waitFor(() => after.complete && after.naturalWidth > 0, 'the result image to load');
    return { shown, after, root };
  }

  const lastUpload = (): Upload => uploads.uploads.at(-1)!;

  for (const [locale, { strings, ai }] of Object.entries(LOCALES)) {
    it(`${locale}: the consent says AI, its receipt goes with the job, and the result is labelled, visibly and by name`, async () => {
      await setViewport({ width: 390, height: 844 });
      setup(`locale="${locale}"`);
      const { shown, after, root } = await consentAndTryOn(strings.continue);
      expect(shown[0]).to.contain(ai);

      expect(lastUpload()).to.include({ consentVersion: '2', consentLocale: locale, consentTextHash: await sha256Hex(shown.join('\n')) });

      const badge = root.querySelector<HTMLElement>('.compare .label.after')!;
      expect(badge.textContent!.trim()).to.equal(strings.aiLabel);
      const box = badge.getBoundingClientRect();
      expect(box.width > 0 && box.height > 0 && getComputedStyle(badge).visibility === 'visible', 'the badge is shown').to.equal(true);
      // Text, not colour alone, and legible: white on a dark pill.
      expect(getComputedStyle(badge).color).to.equal('rgb(255, 255, 255)');
      expect(after.alt.startsWith(`${strings.aiLabel}: `), after.alt).to.equal(true);
      expect(root.querySelector('[role=status]')!.textContent).to.equal(`${strings.done} ${strings.aiLabel}`);
      expect(nativeDialog(element)!.getAttribute('dir')).to.equal(locale === 'ar' ? 'rtl' : 'ltr');
      if (locale === 'ar') {
        // The badge sits at the inline end of the image: on the left in right-to-left.
        const compare = root.querySelector('.compare')!.getBoundingClientRect();
        expect(box.left - compare.left).to.be.lessThan(compare.right - box.right);
      }
      await expectNoAxeViolations(element);
    });
  }

  it('ai-label="off" hides the label, from the eye and from the screen reader', async () => {
    setup('ai-label="off"');
    const { after, root } = await consentAndTryOn('Continue');
    const text = root.querySelector('.body')!.textContent!;
    expect(text).not.to.contain('AI-generated');
    expect(after.alt).not.to.contain('AI-generated');
    expect(root.querySelector('[role=status]')!.textContent).to.equal('Your try-on is ready.');
    await expectNoAxeViolations(element);
  });

  it('a merchant rewords the label and the consent with `strings`, and the receipt proves the reworded text', async () => {
    const strings = { aiLabel: 'Made by AI', consentIntro: 'Our AI makes a new picture of you wearing this.' };
    setup(`strings='${JSON.stringify(strings)}'`);
    const { shown, after, root } = await consentAndTryOn('Continue');
    expect(shown[0]).to.equal(strings.consentIntro);
    expect(lastUpload().consentTextHash).to.equal(await sha256Hex(shown.join('\n')));
    expect(lastUpload().consentTextHash).not.to.equal(await sha256Hex([EN.consentIntro, ...shown.slice(1)].join('\n')));
    expect(root.querySelector('.compare .label.after')!.textContent!.trim()).to.equal('Made by AI');
    expect(after.alt.startsWith('Made by AI: ')).to.equal(true);
  });

  it('downloads and shares the exact bytes the proxy served, never re-encoded', async () => {
    const results = recordResults();
    const shared: File[] = [];
    // Web Share is not in headless Chromium: a stand-in that keeps what the page hands it.
    Object.assign(navigator, { canShare: () => true, share: async (data: ShareData) => void shared.push(...(data.files ?? [])) });
    try {
      setup('');
      const { root } = await consentAndTryOn('Continue');
      expect(results.served).to.have.length(1);
      const served = await hashOf(results.served[0]!);
      const download = root.querySelector<HTMLAnchorElement>('a[download]')!;
      expect(download.download).to.equal('try-on-tee.jpg');
      const downloaded = await (await fetch(download.href)).blob();
      expect(downloaded.size).to.equal(results.served[0]!.size);
      expect(await hashOf(downloaded)).to.equal(served);
      buttonByText(element, 'Share')!.click();
      await waitFor(() => shared.length, 'the share sheet');
      expect(shared[0]!.type).to.equal('image/jpeg');
      expect(await hashOf(shared[0]!)).to.equal(served);
    } finally {
      results.stop();
      delete (navigator as { canShare?: unknown }).canShare;
      delete (navigator as { share?: unknown }).share;
    }
  });
});
