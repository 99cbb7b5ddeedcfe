/**
 * "Remember my photo on this device": the prepared photo (upright, 1024 px, no metadata —
 * never the original) in IndexedDB of the shop's origin. Only ever written after the
 * shopper opted in; read to offer a one-tap try-on; removed by "Delete my photo" or
 * after SAVED_DAYS. A lazy chunk: page views without a saved photo never load it.
 */
import { SAVED_PHOTO_FLAG } from '../components/fitting-room-dialog/consent.js';

export interface SavedPhoto {
  blob: Blob;
  width: number;
  height: number;
  savedAt: number;
}

export const SAVED_DAYS = 30;
const DB = 'fitting-room';
const STORE = 'photos';
const KEY = 'me';

function request<T>(run: (store: IDBObjectStore) => IDBRequest<T>, mode: IDBTransactionMode): Promise<T> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction(STORE, mode);
      const req = run(tx.objectStore(STORE));
      tx.oncomplete = () => {
        db.close();
        resolve(req.result);
      };
      tx.onerror = tx.onabort = () => {
        db.close();
        reject(tx.error);
      };
    };
  });
}

const flag = (on: boolean) => {
  try {
    if (on) localStorage.setItem(SAVED_PHOTO_FLAG, '1');
    else localStorage.removeItem(SAVED_PHOTO_FLAG);
  } catch {
    // The flag only saves a look-up; IndexedDB stays the truth.
  }
};

export async function loadSavedPhoto(): Promise<SavedPhoto | undefined> {
  const saved = await request<SavedPhoto | undefined>((store) => store.get(KEY), 'readonly');
  if (saved && Date.now() - saved.savedAt < SAVED_DAYS * 86_400_000) return saved;
  if (saved) await deleteSavedPhoto();
  else flag(false);
  return undefined;
}

export async function savePhoto(photo: Omit<SavedPhoto, 'savedAt'>): Promise<void> {
  await request((store) => store.put({ ...photo, savedAt: Date.now() }, KEY), 'readwrite');
  flag(true);
}

export async function deleteSavedPhoto(): Promise<void> {
  flag(false);
  await request((store) => store.delete(KEY), 'readwrite');
}
