/**
 * A worker's check that it runs under a locking Content-Security-Policy. A page's <meta> CSP never reaches a worker:
 * only the header of the worker's own script does, so the worker asks for that header (same origin, allowed by any
 * policy) and refuses work when it is missing or too loose. The policy worker runs untrusted modules.
 */
import { workerCspProblem } from '../lib/common';

/** Null when the worker is locked down, else why not (a sentence for the person). Checked once per worker. */
export async function workerCspRefusal(worker: string): Promise<string | null> {
  let header: string | null;
  try {
    // GET, not HEAD: offline, the service worker answers GETs from its cache, with the headers it stored.
    const res = await fetch(self.location.href, { credentials: 'omit' });
    header = res.headers.get('content-security-policy');
    await res.body?.cancel().catch(() => undefined);
  } catch {
    header = null;
  }
  const problem = workerCspProblem(header);
  return problem
    ? `The ${worker} refused to run: ${problem}. Serve Wasmlens with the headers in docs/hosting.md (npm start does).`
    : null;
}
