/** Web Worker entry: runs one policy job per message, so a runaway guest can be terminated without freezing the page. */
import { runJob, type RuntimeJob } from '../lib/runtime';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = async (event: MessageEvent<RuntimeJob>) => {
  scope.postMessage(await runJob(event.data));
};
