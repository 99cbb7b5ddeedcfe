/**
 * Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. The abort
 * listener is removed either way, so a long-lived signal collects no listeners.
 * The one wait of the widget and the proxy alike.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
