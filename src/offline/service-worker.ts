// The offline copy of the site. Installing it stores every file of the build (precache.ts lists them
// into PRECACHE and names the version); after that the page and the sample load with no network.
//
// Updates: a new version installs beside the old one and waits, so a session open in any tab keeps
// the files it started with. It takes over when no page uses the old one any more, or when a page that
// has just loaded, and is the only one open, asks it to (register.ts): then nothing is lost. Activating
// deletes the caches of older versions.
//
// Only the site's own files are answered here. Anything else, the capture of a ?url= link above all,
// goes to the network untouched and is never stored.

export {}; // a module for the type checker; precache.ts ships it as a plain script

declare const self: ServiceWorkerGlobalScope;
/** Paths of the built files, relative to this script. */
declare const PRECACHE: string[];
/** A hash of the files: a new build is a new version. */
declare const VERSION: string;

const PREFIX = 'seqack-';
const CACHE = PREFIX + VERSION;
const scope = new URL(self.registration.scope);
const INDEX = new URL('index.html', scope).href;
const FILES = new Set(PRECACHE.map((p) => new URL(p, scope).href));

self.addEventListener('install', (event) => {
  // 'reload': the files themselves, not what an HTTP cache kept of an older build
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll([...FILES].map((url) => new Request(url, { cache: 'reload' })))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    // Take the pages first: deleting a cache can wait until the old worker lets go of it.
    await self.clients.claim();
    for (const key of await caches.keys()) if (key.startsWith(PREFIX) && key !== CACHE) await caches.delete(key);
  })());
});

self.addEventListener('message', (event) => {
  if (event.data !== 'take-over-if-alone') return;
  event.waitUntil((async () => {
    const alone = (await self.clients.matchAll({ type: 'window', includeUncontrolled: true })).length <= 1;
    event.ports[0]?.postMessage(alone ? 'taking-over' : 'waiting');
    if (alone) await self.skipWaiting();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  url.search = '';
  url.hash = '';
  const page = request.mode === 'navigate' && (url.href === scope.href || url.href === INDEX);
  if (page) event.respondWith(openPage());
  else if (FILES.has(url.href)) event.respondWith(cached(url.href, request));
});

/** The page, whatever its query (?url=, ?sample). */
function openPage(): Promise<Response> {
  return cached(INDEX, INDEX);
}

async function cached(key: string, request: Request | string): Promise<Response> {
  const hit = await (await caches.open(CACHE)).match(key);
  return hit ?? fetch(request);
}
