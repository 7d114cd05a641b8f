/**
 * Where fetched signatures are verified: in one Web Worker for the page, since Chromium runs WebCrypto's verify on
 * the main thread (tests/bench/signatures.bench.spec.ts measured tasks of hundreds of ms for 40 signatures), or in
 * the page where there are no workers (Node state tests). A worker that fails to start falls back to the page.
 */
import {
  verifyFetched,
  type Assessment,
  type VerifyJob,
  type VerifyRequest,
  type VerifyResponse,
} from '../lib/signatures';

/** Verifies one job; rejects when `signal` aborts (the answer, if it comes, is dropped). */
export type Verifier = (job: VerifyJob, signal: AbortSignal) => Promise<Assessment>;

/** Verifies on the calling thread. */
export const inPage: Verifier = (job) => verifyFetched(job);

const aborted = () => new DOMException('Stopped.', 'AbortError');

/** A verifier backed by one lazily made worker; every job waits for its own answer by id. */
export function workerVerifier(): Verifier {
  let worker: Worker | null = null;
  let broken = false;
  let nextId = 1;
  const pending = new Map<number, { resolve: (a: Assessment) => void; reject: (e: Error) => void }>();

  const start = (): Worker => {
    const w = new Worker(new URL('../workers/signature-worker.ts', import.meta.url), {
      type: 'module',
      name: 'signatures',
    });
    w.onmessage = (e: MessageEvent<VerifyResponse>) => {
      const p = pending.get(e.data.id);
      pending.delete(e.data.id);
      if (!p) return;
      if ('assessment' in e.data) p.resolve(e.data.assessment);
      else p.reject(new Error(e.data.error));
    };
    w.onerror = (e) => {
      // The script did not load (a CSP, an old browser): verify in the page from now on.
      e.preventDefault();
      broken = true;
      w.terminate();
      worker = null;
      const all = [...pending.values()];
      pending.clear();
      for (const p of all) p.reject(new Error('the signature worker failed to start'));
    };
    return w;
  };

  return async (job, signal) => {
    if (broken) return inPage(job, signal);
    if (signal.aborted) throw aborted();
    worker ??= start();
    const id = nextId++;
    const request: VerifyRequest = { id, job };
    try {
      return await new Promise<Assessment>((resolve, reject) => {
        const stop = () => {
          pending.delete(id);
          reject(aborted());
        };
        signal.addEventListener('abort', stop, { once: true });
        pending.set(id, {
          resolve: (a) => {
            signal.removeEventListener('abort', stop);
            resolve(a);
          },
          reject: (e) => {
            signal.removeEventListener('abort', stop);
            reject(e);
          },
        });
        worker!.postMessage(request);
      });
    } catch (e) {
      if (broken && !signal.aborted) return inPage(job, signal);
      throw e;
    }
  };
}

/** The page's verifier: a worker where the platform has workers. */
export const defaultVerifier = (): Verifier => (typeof Worker === 'undefined' ? inPage : workerVerifier());
