/** Web Worker entry: runs one policy job per message, so a runaway guest can be terminated without freezing the page. */
import { runJob, type JobReply, type RuntimeJob } from '../lib/runtime';
import { workerCspRefusal } from './csp-guard';

const scope = self as unknown as DedicatedWorkerGlobalScope;
// Untrusted modules run here: nothing runs before the worker knows its CSP forbids eval and other origins.
const refusal = workerCspRefusal('policy worker');

scope.onmessage = async (event: MessageEvent<RuntimeJob>) => {
  const refused = await refusal;
  const reply: JobReply = refused
    ? { ok: false, error: { code: 'worker', message: refused } }
    : await runJob(event.data);
  scope.postMessage(reply);
};
