import type { ConsentReceiptFields } from '../../contract.js';
import { sha256Hex } from '../../shared/sha256.js';

/**
 * Consent is remembered per shop (localStorage is per origin) on this device, with the
 * version of the text agreed to: raising CONSENT_VERSION asks every shopper again.
 * Where storage is blocked it holds for this page view only.
 *
 * Version 2: the text says that an AI system creates an altered image of the shopper (issue 12).
 */
export const CONSENT_VERSION = 2;
const KEY = 'fitting-room:consent';

interface Stored {
  version: number;
  at: string;
  hash?: string;
  locale?: string;
}
let thisPage: Stored | undefined;

function stored(): Stored | undefined {
  try {
    return JSON.parse(localStorage.getItem(KEY)!) ?? thisPage;
  } catch {
    return thisPage;
  }
}

export const hasConsent = () => stored()?.version === CONSENT_VERSION;

/** The receipt of the consent given on this device, for the job form; empty when there is none. */
export function consentReceipt(): ConsentReceiptFields {
  const consent = stored();
  return consent?.version === CONSENT_VERSION ? { consentVersion: String(consent.version), consentTextHash: consent.hash, consentLocale: consent.locale } : {};
}

/** Remembers the consent with the hash of the text shown (none where WebCrypto is missing: a page on plain http). */
export async function saveConsent(text: string, locale: string) {
  const hash = await sha256Hex(new TextEncoder().encode(text)).catch(() => undefined);
  const consent: Stored = { version: CONSENT_VERSION, at: new Date().toISOString(), hash, locale };
  try {
    localStorage.setItem(KEY, JSON.stringify(consent));
  } catch {
    // Private mode or storage blocked: this page view only.
    thisPage = consent;
  }
}

/** Set while a remembered photo is in IndexedDB, so a page view without one never loads the storage chunk. */
export const SAVED_PHOTO_FLAG = 'fitting-room:photo';

export function mayHaveSavedPhoto(): boolean {
  try {
    return localStorage.getItem(SAVED_PHOTO_FLAG) === '1';
  } catch {
    return false;
  }
}

/** Where the shopper's look is kept (look/look-store.ts), so a page view without a look never loads the look chunk. */
export const LOOK_KEY = 'fitting-room:look';

export function mayHaveLook(): boolean {
  try {
    return [localStorage, sessionStorage].some((storage) => storage.getItem(LOOK_KEY));
  } catch {
    return false;
  }
}
