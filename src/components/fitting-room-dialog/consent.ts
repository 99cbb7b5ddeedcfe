/**
 * Consent is remembered per shop (localStorage is per origin) on this device, with the
 * version of the text agreed to: raising CONSENT_VERSION asks every shopper again.
 * Where storage is blocked it holds for this page view only.
 */
export const CONSENT_VERSION = 1;
const KEY = 'fitting-room:consent';
let thisPage = false;

export function hasConsent(): boolean {
  try {
    return (JSON.parse(localStorage.getItem(KEY) ?? 'null') as { version?: number } | null)?.version === CONSENT_VERSION;
  } catch {
    return thisPage;
  }
}

export function saveConsent() {
  try {
    localStorage.setItem(KEY, JSON.stringify({ version: CONSENT_VERSION, at: new Date().toISOString() }));
  } catch {
    // Private mode or storage blocked: this page view only.
    thisPage = true;
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
