// Offline support: precaches the app shell at install and caches lazily loaded parts (jco, OPA) on first use.
// The build fills in VERSION and PRECACHE (see the `wasmlens-service-worker` plugin in vite.config.ts).
// Only same-origin GETs are handled: registry traffic and the runtime config always go to the network.
const VERSION = '__WASMLENS_VERSION__';
const PRECACHE = ['__WASMLENS_PRECACHE__'];
const CACHE = `wasmlens-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys.filter((k) => k.startsWith('wasmlens-') && k !== CACHE).map((k) => caches.delete(k)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

/** The app's own page: the scope itself or its index.html. Only this may become the offline shell. */
const SHELL_PATH = new URL('./', self.location.href).pathname;
const isShell = (url) => url.pathname === SHELL_PATH || url.pathname === `${SHELL_PATH}index.html`;
/** The shell's cache key: the same `./` the precache list stores it under. */
const SHELL_KEY = new URL('./', self.location.href).href;
// Our cache holds only same-origin static files whose names (or the shell's version) say what they are. A host's
// `Vary` (vite preview sends `Vary: Origin`) would make a cached file miss for a request that carries an Origin
// header, as Vite's CSS preloads do, and offline that miss is a failed view: match regardless of Vary.
const MATCH = { ignoreSearch: true, ignoreVary: true };

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.endsWith('/wasmlens-config.json')) return;
  if (request.mode === 'navigate') {
    event.respondWith(isShell(url) ? shell(request) : otherPage(request));
    return;
  }
  event.respondWith(cacheFirst(request));
});

/**
 * The app's page: the freshest version when online, the cached shell when not. Only an HTML answer for the app's
 * own address replaces the shell; opening an asset in the tab (`/favicon.svg`) never does.
 */
async function shell(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    const html = /^text\/html\b/i.test(response.headers.get('content-type') ?? '');
    if (response.ok && response.type === 'basic' && !response.redirected && html)
      cache.put(SHELL_KEY, response.clone()).catch(() => {});
    return response;
  } catch {
    return (await cache.match(SHELL_KEY, MATCH)) ?? Response.error();
  }
}

/** Any other address opened in the tab: the network, else a cached copy; it is never stored. */
async function otherPage(request) {
  try {
    return await fetch(request);
  } catch {
    return (await (await caches.open(CACHE)).match(request, MATCH)) ?? Response.error();
  }
}

/** Assets have content hashes in their names, so a cached copy is always right. */
async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request, MATCH);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') cache.put(request, response.clone());
  return response;
}
