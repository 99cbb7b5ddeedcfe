/** Dialogs open on the page now, however many elements they belong to, and the page's own overflow before the first. */
let locks = 0;
let savedOverflow = '';

/**
 * Stops the page behind a modal from scrolling until every lock is released; the page's own
 * `overflow` comes back after the last. Returns the release, which does nothing a second time.
 */
export function lockScroll(): () => void {
  const root = document.documentElement.style;
  if (locks++ === 0) {
    savedOverflow = root.overflow;
    root.overflow = 'hidden';
  }
  let locked = true;
  return () => {
    if (!locked) return;
    locked = false;
    if (--locks === 0) root.overflow = savedOverflow;
  };
}
