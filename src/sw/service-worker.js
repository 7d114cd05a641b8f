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

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.endsWith('/wasmlens-config.json')) return;
  if (request.mode === 'navigate') {
    event.respondWith(networkFirst(request, './index.html'));
    return;
  }
  event.respondWith(cacheFirst(request));
});

/** Pages: the freshest version when online, the cached shell when not. */
async function networkFirst(request, fallback) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) cache.put(fallback, response.clone());
    return response;
  } catch {
    return (await cache.match(fallback)) ?? Response.error();
  }
}

/** Assets have content hashes in their names, so a cached copy is always right. */
async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request, { ignoreSearch: true });
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') cache.put(request, response.clone());
  return response;
}
