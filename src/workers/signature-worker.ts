/** Web Worker entry: verifies fetched signatures off the page's main thread (Chromium runs WebCrypto verify on it). */
import { verifyFetched, type Assessment, type VerifyJob } from '../lib/signatures';

/** A job and the id its answer carries. */
export interface VerifyRequest {
  id: number;
  job: VerifyJob;
}
export type VerifyResponse = { id: number; assessment: Assessment } | { id: number; error: string };

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = async (event: MessageEvent<VerifyRequest>) => {
  const { id, job } = event.data;
  try {
    scope.postMessage({ id, assessment: await verifyFetched(job) } satisfies VerifyResponse);
  } catch (e) {
    scope.postMessage({ id, error: e instanceof Error ? e.message : String(e) } satisfies VerifyResponse);
  }
};
