// A capture named by the page's address (?url=...): fetched without credentials or referrer and read
// as it arrives. The page may talk to that one site and its own, nothing else: a second policy narrows
// the Content-Security-Policy of index.html to them before anything is fetched.

import { t } from '../../i18n/i18n.svelte.js';

/** The capture address in the page's query, resolved against the page; null when there is none. */
export function captureUrl(location: Location = globalThis.location): URL | null {
  const raw = new URLSearchParams(location.search).get('url');
  if (!raw) return null;
  try {
    return new URL(raw, location.href);
  } catch {
    return null;
  }
}

/**
 * Adds a policy that lets the page connect only to itself and to the capture's origin. Policies only
 * ever add up, so this holds for the life of the page, whatever runs later.
 */
export function narrowConnections(capture: URL | null): void {
  const sources = ["'self'"];
  if (capture && (capture.protocol === 'https:' || capture.protocol === 'http:') && capture.origin !== location.origin) {
    sources.push(capture.origin);
  }
  const meta = document.createElement('meta');
  meta.httpEquiv = 'Content-Security-Policy';
  meta.content = `connect-src ${sources.join(' ')}`;
  document.head.append(meta);
}

export class FetchFailure extends Error {}

export interface FetchedCapture {
  body: ReadableStream<Uint8Array<ArrayBuffer>>;
  /** Content-Length, or 0 when the server does not say. */
  size: number;
}

/** Starts fetching the capture; fails with a FetchFailure that says, in words, what went wrong. */
export async function fetchCapture(url: URL, signal?: AbortSignal): Promise<FetchedCapture> {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new FetchFailure(t('url.scheme', { url: url.href }));
  let blocked = '';
  const onViolation = (e: SecurityPolicyViolationEvent) => { if (e.effectiveDirective === 'connect-src') blocked = e.blockedURI; };
  document.addEventListener('securitypolicyviolation', onViolation);
  let res: Response;
  try {
    res = await fetch(url, { credentials: 'omit', referrerPolicy: 'no-referrer', cache: 'no-store', signal });
  } catch (e) {
    if (signal?.aborted) throw e;
    // The event is queued as a task; let it arrive before deciding what the failure was.
    await new Promise((r) => setTimeout(r, 0));
    if (blocked) throw new FetchFailure(t('url.redirected', { url: url.href }));
    throw new FetchFailure(t(navigator.onLine ? 'url.network' : 'url.offline', { url: url.href }));
  } finally {
    document.removeEventListener('securitypolicyviolation', onViolation);
  }
  if (!res.ok) {
    void res.body?.cancel();
    throw new FetchFailure(t('url.status', { url: url.href, status: `${res.status} ${res.statusText}`.trim() }));
  }
  if (!res.body) throw new FetchFailure(t('url.empty', { url: url.href }));
  // With Content-Encoding the length counts compressed bytes; the progress bar is then only a guide.
  return { body: res.body as ReadableStream<Uint8Array<ArrayBuffer>>, size: Number(res.headers.get('content-length')) || 0 };
}
