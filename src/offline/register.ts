// The service worker that keeps the site for offline use (service-worker.ts). Only the built site has
// one: the dev server's modules change on every edit.

/** How long the waiting version may take to answer (it may have to start first), then to take over. */
const ANSWER_MS = 5000, TAKE_OVER_MS = 3000;
/** The longest wait for the page's load event. */
const LOAD_MS = 3000;

/**
 * Registers the service worker. Where a new version is waiting and this page is the only one open,
 * it takes over first and the page loads again, before anything was opened: so an update takes
 * effect on the next load, and never under an open session.
 */
export async function startOffline(): Promise<'reloading' | 'ready'> {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return 'ready';
  const sw = navigator.serviceWorker;
  // Beside index.html, so its scope is the directory the site is served from, whatever its path.
  // updateViaCache 'none': an HTTP cache never hides a new version.
  sw.register('./sw.js', { updateViaCache: 'none' }).catch((e: unknown) => console.warn('seqack: no offline copy:', e));
  if (!sw.controller) return 'ready';
  // getRegistration, not register's promise: that one waits for the update check over the network
  const waiting = (await sw.getRegistration('./').catch(() => undefined))?.waiting;
  if (!waiting) return 'ready';
  // The page's own requests first: one reaching the old version while it hands over can leave the
  // new one waiting (Chromium, 2025; hence also the inline icon in index.html).
  if (document.readyState !== 'complete') await within(LOAD_MS, new Promise((r) => addEventListener('load', r, { once: true })));
  const changed = within(ANSWER_MS + TAKE_OVER_MS, new Promise<true>((r) => sw.addEventListener('controllerchange', () => r(true), { once: true })));
  const answer = within(ANSWER_MS, new Promise<unknown>((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (e) => resolve(e.data);
    waiting.postMessage('take-over-if-alone', [channel.port2]);
  }));
  if (await answer !== 'taking-over' || !(await changed)) return 'ready';
  location.reload();
  return 'reloading';
}

/** The promise's value, or undefined once `ms` have passed. */
function within<T>(ms: number, p: Promise<T>): Promise<T | undefined> {
  return Promise.race([p, new Promise<undefined>((r) => setTimeout(r, ms))]);
}
