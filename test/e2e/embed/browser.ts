/**
 * What the embedding tests measure in the page: the dialog's place (top layer, inside the
 * viewport, on top at its centre), its look, the button's box, and a whole try-on.
 */
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The system Chromium (`CHROME_PATH`), headless, with the flags this closed network needs. */
export const launchChromium = (): Promise<Browser> => chromium.launch({ executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });

export interface Placement {
  modal: boolean;
  rect: { left: number; top: number; right: number; bottom: number };
  viewport: { width: number; height: number };
  /** The deepest element at the dialog's centre (through open shadow roots) is inside the dialog. */
  onTop: boolean;
  hit: string;
  /** Computed styles of a few parts of the dialog, to compare with the plain page's. */
  look: Record<string, string>;
}

/** Measures the open dialog of the `index`-th `<fitting-room>` on the page. */
export function placement(page: Page, index = 0): Promise<Placement> {
  return page.evaluate((index) => {
    const host = document.querySelectorAll('fitting-room')[index]!;
    const dialog = host.shadowRoot!.querySelector('fitting-room-dialog')!.shadowRoot!.querySelector('dialog')!;
    const rect = dialog.getBoundingClientRect();
    const x = rect.left + rect.width / 2;
    const y = rect.top + rect.height / 2;
    let hit: Element | null = document.elementFromPoint(x, y);
    while (hit?.shadowRoot) {
      const deeper = hit.shadowRoot.elementFromPoint(x, y);
      if (!deeper || deeper === hit) break;
      hit = deeper;
    }
    const look: Record<string, string> = {};
    const parts: [string, Element | null][] = [
      ['dialog', dialog],
      ['heading', dialog.querySelector('h1, h2, h3')],
      ['button', dialog.querySelector('button')],
    ];
    for (const [name, element] of parts) {
      if (!element) continue;
      const style = getComputedStyle(element);
      for (const property of [
        'font-size',
        'font-family',
        'font-weight',
        'line-height',
        'letter-spacing',
        'text-transform',
        'color',
        'background-color',
        'border-radius',
        'padding-top',
        'padding-left',
        'box-sizing',
        'width',
      ]) {
        look[`${name} ${property}`] = style.getPropertyValue(property);
      }
    }
    return {
      modal: dialog.open && dialog.matches(':modal'),
      rect: { left: rect.left, top: rect.top, right: rect.right, bottom: rect.bottom },
      viewport: { width: innerWidth, height: innerHeight },
      onTop: !!hit && dialog.contains(hit),
      hit: hit ? `${hit.localName}${hit.id ? `#${hit.id}` : ''}.${[...hit.classList].join('.')}` : 'nothing',
      look,
    };
  }, index);
}

/** The layout sizes (transforms aside) of the `index`-th element and of its button. */
export function buttonBox(page: Page, index = 0) {
  return page.evaluate((index) => {
    const host = document.querySelectorAll('fitting-room')[index] as HTMLElement;
    const button = host.shadowRoot!.querySelector('button')!;
    return { host: [host.offsetWidth, host.offsetHeight], button: [button.offsetWidth, button.offsetHeight], display: getComputedStyle(button).display };
  }, index);
}

/** Errors the page reports: uncaught exceptions, console errors, CSP violations. */
export async function watchErrors(page: Page): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  await page.exposeFunction('__reportViolation', (text: string) => errors.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      (window as unknown as { __reportViolation(text: string): void }).__reportViolation(
        `csp: ${event.violatedDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`,
      );
    });
  });
  return errors;
}

/**
 * Opens the dialog of `widget` and brings it to the photo step: gives consent when asked, and
 * asks for another photo when the dialog reopens on an earlier result.
 */
export async function openDialog(page: Page, widget: Locator): Promise<Locator> {
  await widget.locator('button').first().click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  // The consent's checkbox ("I agree …"), not any other (e.g. "Remember my photo").
  const consent = dialog.getByRole('checkbox', { name: /agree|consent/i }).first();
  const file = dialog.locator('input[type=file]').first();
  const another = dialog.getByRole('button', { name: /another photo|new photo/i }).first();
  await Promise.race([consent.waitFor({ timeout: 10_000 }), file.waitFor({ state: 'attached', timeout: 10_000 }), another.waitFor({ timeout: 10_000 })]).catch(() => {});
  if (await consent.isVisible()) {
    await consent.check();
    await dialog
      .getByRole('button', { name: /continue|agree/i })
      .first()
      .click();
  } else if (!(await file.count()) && (await another.isVisible())) {
    await another.click();
  }
  await file.waitFor({ state: 'attached' });
  return dialog;
}

/** Resolves with the next `fitting-room:result` detail (rejects on `fitting-room:error`); call before the photo is given. */
export async function armResult(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __result?: Promise<unknown> };
    w.__result = new Promise((resolve, reject) => {
      document.addEventListener('fitting-room:result', (event) => resolve((event as CustomEvent).detail), { once: true });
      document.addEventListener('fitting-room:error', (event) => reject(new Error(`fitting-room:error ${JSON.stringify((event as CustomEvent).detail)}`)), { once: true });
    });
  });
}

/** Gives the open dialog the photo and waits for the try-on's result. */
export async function upload(page: Page, dialog: Locator, photo: Buffer): Promise<{ jobId: string; productId?: string; variantId?: string }> {
  await dialog.locator('input[type=file]').first().setInputFiles({ name: 'me.jpg', mimeType: 'image/jpeg', buffer: photo });
  const detail = await page.evaluate(() => (window as unknown as { __result: Promise<{ jobId: string }> }).__result);
  await dialog.locator('img').last().waitFor();
  return detail;
}

/** A whole try-on from `widget`: open, consent, photo; resolves with the result event's detail. */
export async function tryOn(page: Page, widget: Locator, photo: Buffer) {
  await armResult(page);
  return upload(page, await openDialog(page, widget), photo);
}

/** Closes the open dialog with Escape and waits until it is gone. */
export async function closeDialog(page: Page) {
  await page.keyboard.press('Escape');
  await page
    .getByRole('dialog')
    .waitFor({ state: 'detached', timeout: 5_000 })
    .catch(async () => {
      await page.getByRole('dialog').waitFor({ state: 'hidden', timeout: 5_000 });
    });
}
