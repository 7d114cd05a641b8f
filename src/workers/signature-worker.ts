/** Web Worker entry: verifies fetched signatures off the page's main thread (Chromium runs WebCrypto verify on it). */
import { verifyFetched, type VerifyRequest, type VerifyResponse } from '../lib/signatures';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = async (event: MessageEvent<VerifyRequest>) => {
  const { id, job } = event.data;
  try {
    scope.postMessage({ id, assessment: await verifyFetched(job) } satisfies VerifyResponse);
  } catch (e) {
    scope.postMessage({ id, error: e instanceof Error ? e.message : String(e) } satisfies VerifyResponse);
  }
};
