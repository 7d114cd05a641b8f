// Test helper: a worker_threads WorkerPort running the real runtime, bundled once with rolldown (Node cannot load .ts).
import { Worker } from 'node:worker_threads';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'rolldown';
import type { JobReply, RuntimeJob, WorkerPort } from '../../src/lib/runtime';
import { ROOT } from './helpers';

let bundle: Promise<string> | null = null;

/** Bundles src/lib/runtime with a worker_threads entry into a temporary file; returns its path. */
function bundleWorker(): Promise<string> {
  bundle ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wl-rt-worker-'));
    const file = join(dir, 'worker.mjs');
    await build({
      input: join(ROOT, 'tests/unit/runtime-node-worker-entry.ts'),
      platform: 'node',
      logLevel: 'silent',
      // opa-wasm is imported lazily, so the bundle has chunks: write a folder with a fixed entry name.
      output: { dir, entryFileNames: 'worker.mjs', format: 'esm' },
    });
    return file;
  })();
  return bundle;
}

/** A spawn function for `runInWorker`; call `await prepareNodeWorker()` first. */
export async function prepareNodeWorker(): Promise<() => WorkerPort> {
  const file = await bundleWorker();
  return () => {
    const w = new Worker(file);
    return {
      post: (job: RuntimeJob) => w.postMessage(job),
      listen: (onMessage, onError) => {
        w.on('message', (m: JobReply) => onMessage(m));
        w.on('error', (e) => onError(e.message));
      },
      terminate: () => void w.terminate(),
    };
  };
}
