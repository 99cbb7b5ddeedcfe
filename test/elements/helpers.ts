import type { FittingRoom } from '../../src/components/fitting-room/fitting-room.component.js';

declare global {
  interface Window {
    axe: { run(context: unknown, options?: unknown): Promise<{ violations: { id: string; help: string; nodes: { target: unknown }[] }[] }> };
  }
}

/** Waits until `check` returns a truthy value (checked every animation frame), or fails after `timeout`. */
export async function waitFor<T>(check: () => T | undefined | null | false, what: string, timeout = 15_000): Promise<T> {
  const start = performance.now();
  for (;;) {
    const value = check();
    if (value) return value;
    if (performance.now() - start > timeout) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
}

export function mount(markup: string): HTMLElement {
  const container = document.createElement('div');
  container.innerHTML = markup;
  document.body.append(container);
  return container;
}

export function dialogRoot(element: FittingRoom): ShadowRoot | undefined {
  return element.shadowRoot?.querySelector('fitting-room-dialog')?.shadowRoot ?? undefined;
}

export function nativeDialog(element: FittingRoom): HTMLDialogElement | undefined {
  return dialogRoot(element)?.querySelector('dialog') ?? undefined;
}

/** Finds a button of the open dialog by its visible text. */
export function buttonByText(element: FittingRoom, text: string): HTMLButtonElement | undefined {
  const buttons = [...(dialogRoot(element)?.querySelectorAll('button') ?? [])];
  return buttons.find((button) => button.textContent?.trim() === text);
}

export async function expectNoAxeViolations(element: Element) {
  const results = await window.axe.run(element, { resultTypes: ['violations'] });
  const summary = results.violations.map((violation) => `${violation.id}: ${violation.help} (${JSON.stringify(violation.nodes.map((node) => node.target))})`);
  if (summary.length) throw new Error(`axe found violations:\n${summary.join('\n')}`);
}

/** A portrait photo-like JPEG drawn in the browser: a figure on a plain background. */
export async function drawPhoto(width = 900, height = 1200): Promise<File> {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d')!;
  const gradient = context.createLinearGradient(0, 0, 0, height);
  gradient.addColorStop(0, '#e9e4dc');
  gradient.addColorStop(1, '#cfc6b8');
  context.fillStyle = gradient;
  context.fillRect(0, 0, width, height);
  context.fillStyle = '#8a5a3c';
  context.beginPath();
  context.arc(width / 2, height * 0.16, width * 0.09, 0, Math.PI * 2);
  context.fill();
  context.fillStyle = '#e8e8e8';
  context.fillRect(width * 0.32, height * 0.25, width * 0.36, height * 0.33);
  context.fillStyle = '#34495e';
  context.fillRect(width * 0.34, height * 0.58, width * 0.32, height * 0.38);
  const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
  return new File([blob], 'me.jpg', { type: 'image/jpeg' });
}

/** Hands files to a file input the way a picker does. */
export function pickFile(input: HTMLInputElement, file: File) {
  const transfer = new DataTransfer();
  transfer.items.add(file);
  input.files = transfer.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

/** Records the requests the page makes (method and path), without changing them. */
export function recordRequests(): { requests: { method: string; path: string }[]; stop(): void } {
  const requests: { method: string; path: string }[] = [];
  const originalFetch = window.fetch;
  const originalOpen = XMLHttpRequest.prototype.open;
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    requests.push({ method: (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase(), path: url.pathname });
    return originalFetch(input, init);
  };
  XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, method: string, url: string | URL, ...rest: unknown[]) {
    requests.push({ method: method.toUpperCase(), path: new URL(String(url), location.href).pathname });
    return (originalOpen as (...args: unknown[]) => void).call(this, method, url, ...rest);
  } as typeof XMLHttpRequest.prototype.open;
  return {
    requests,
    stop() {
      window.fetch = originalFetch;
      XMLHttpRequest.prototype.open = originalOpen;
    },
  };
}

/** Loads one of the demo's generated images (or a checked-in fixture) as a File. */
export async function fetchFile(path: string, name = path.split('/').pop()!, type = 'image/jpeg'): Promise<File> {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return new File([await response.blob()], name, { type });
}

/** Redraws an image through a canvas 2D filter (e.g. `blur(6px)`, `brightness(0.2)`), as a JPEG File. */
export async function filtered(file: Blob, filter: string, width?: number, height?: number): Promise<File> {
  const bitmap = await createImageBitmap(file);
  const canvas = new OffscreenCanvas(width ?? bitmap.width, height ?? bitmap.height);
  const context = canvas.getContext('2d')!;
  context.filter = filter;
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
  return new File([blob], 'filtered.jpg', { type: 'image/jpeg' });
}

export interface Upload {
  person: boolean;
  /** The `person` part itself: the photo as it left the device. */
  photo: Blob | null;
  personRef: string | null;
  garment: string | null;
  variantId: string | null;
  /** The consent receipt sent with the job. */
  consentVersion: string | null;
  consentTextHash: string | null;
  consentLocale: string | null;
}

/** Records every POST /jobs multipart body: whether it carried a `person` file or a `personRef`. */
export function recordUploads(): { uploads: Upload[]; stop(): void } {
  const uploads: Upload[] = [];
  const originalSend = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
    if (body instanceof FormData) {
      const person = body.get('person');
      uploads.push({
        person: person instanceof Blob,
        photo: person instanceof Blob ? person : null,
        personRef: body.get('personRef') as string | null,
        garment: body.get('garment') as string | null,
        variantId: body.get('variantId') as string | null,
        consentVersion: body.get('consentVersion') as string | null,
        consentTextHash: body.get('consentTextHash') as string | null,
        consentLocale: body.get('consentLocale') as string | null,
      });
    }
    return originalSend.call(this, body);
  };
  return { uploads, stop: () => (XMLHttpRequest.prototype.send = originalSend) };
}

/** The element deepest in shadow roots that has focus. */
export const activeElementDeep = (root: Document | ShadowRoot = document) => {
  let active = root.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
};

/** Forgets consent and a remembered photo, as on a first visit. */
export function firstVisit() {
  localStorage.removeItem('fitting-room:consent');
  localStorage.removeItem('fitting-room:photo');
}
