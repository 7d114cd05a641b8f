// The Content-Security-Policy of the app, in one place: the static server and Vite's dev and preview servers send
// these headers, index.html repeats the page policy as a <meta> for hosts that set no headers, and the shipped
// public/_headers and docs/nginx-headers.conf are checked against them by a test.

/**
 * The page: only our own scripts; 'wasm-unsafe-eval' compiles WebAssembly; connect-src is open because the user
 * chooses the registries; no plugins, no framing, no form posts.
 */
export const PAGE_CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self' http: https: blob: data:; object-src 'none'; base-uri 'self'; form-action 'none'; manifest-src 'self'; frame-ancestors 'none'";

/**
 * The workers (the policy worker runs untrusted modules): a <meta> never reaches a worker, only the header of its
 * own script does. No eval or new Function, and no connection beyond this origin (their own chunks and wasm).
 */
export const WORKER_CSP =
  "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; base-uri 'none'; form-action 'none'";

/** Built worker scripts are named `<name>-worker-<hash>.js`; in the dev server they are `src/workers/*.ts`. */
export const WORKER_SCRIPT = /(?:\/assets\/[\w-]+-worker-[\w-]+\.js|\/src\/workers\/[\w-]+\.ts)$/;

/** The CSP for a request path (and its `Sec-Fetch-Dest`, which browsers send as `worker` for worker scripts). */
export function cspFor(path, fetchDest = '') {
  return fetchDest === 'worker' || WORKER_SCRIPT.test(path) ? WORKER_CSP : PAGE_CSP;
}
