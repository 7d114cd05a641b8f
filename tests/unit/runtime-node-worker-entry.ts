// worker_threads entry used by the runtime tests: the Node twin of src/workers/policy-worker.ts.
import { parentPort } from 'node:worker_threads';
import { runJob, type RuntimeJob } from '../../src/lib/runtime';

parentPort?.on('message', async (job: RuntimeJob) => parentPort?.postMessage(await runJob(job)));
