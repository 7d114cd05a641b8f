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
    const res = await fetch(self.location.href, { method: 'HEAD', cache: 'no-store', credentials: 'omit' });
    header = res.headers.get('content-security-policy');
  } catch {
    header = null;
  }
  const problem = workerCspProblem(header);
  return problem
    ? `The ${worker} refused to run: ${problem}. Serve Wasmlens with the headers in docs/hosting.md (npm start does).`
    : null;
}
