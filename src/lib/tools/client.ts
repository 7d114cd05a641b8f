/** Runs jco tools in a Web Worker so the page never freezes; an abort terminates the worker at once. */
import { ToolsError } from './errors';
import type { ToolOp, ToolRequest, ToolResponse } from './protocol';

/** Creates the worker; injectable so the client can be tested without a browser. */
export type WorkerFactory = () => Worker;

const defaultFactory: WorkerFactory = () =>
  new Worker(new URL('../../workers/tools-worker.ts', import.meta.url), {
    type: 'module',
    name: 'wasm-tools',
  });

/**
 * One worker at a time, created on first use and reused. Cancelling a run terminates the worker (jco calls
 * cannot be interrupted otherwise) and fails every pending run with `aborted`; the next run starts a new one.
 */
export class ToolsClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private pending = new Map<number, { resolve: (t: string) => void; reject: (e: ToolsError) => void }>();

  constructor(private readonly factory: WorkerFactory = defaultFactory) {}

  /**
   * Runs `op` on a copy of `bytes`. Rejects with {@link ToolsError}: `aborted` when `signal` fires, `timed-out`
   * (and the worker is stopped) when it runs longer than `timeoutMs`.
   */
  run(op: ToolOp, bytes: Uint8Array, signal: AbortSignal, timeoutMs = Infinity): Promise<string> {
    if (signal.aborted) return Promise.reject(new ToolsError('aborted', 'Cancelled.'));
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<string>((resolve, reject) => {
      const onAbort = () => this.terminate(new ToolsError('aborted', 'Cancelled.'));
      signal.addEventListener('abort', onAbort, { once: true });
      const timer = Number.isFinite(timeoutMs)
        ? setTimeout(
            () =>
              this.terminate(
                new ToolsError(
                  'timed-out',
                  `Stopped after ${Math.round(timeoutMs / 1000)} s without a result.`,
                ),
              ),
            timeoutMs,
          )
        : undefined;
      const settle = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
      };
      this.pending.set(id, {
        resolve: (t) => {
          settle();
          resolve(t);
        },
        reject: (e) => {
          settle();
          reject(e);
        },
      });
      // Structured clone copies the bytes: the open document's buffer stays usable in the page.
      worker.postMessage({ id, op, bytes } satisfies ToolRequest);
    });
  }

  /** Stops the worker and fails pending runs. */
  terminate(reason = new ToolsError('aborted', 'Cancelled.')): void {
    this.worker?.terminate();
    this.worker = null;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(reason);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = this.factory();
    worker.onmessage = (e: MessageEvent<ToolResponse>) => {
      const p = this.pending.get(e.data.id);
      if (!p) return;
      this.pending.delete(e.data.id);
      if (e.data.ok) p.resolve(e.data.text);
      else p.reject(new ToolsError(e.data.code, e.data.message));
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.terminate(
        new ToolsError('worker-crashed', `The tools worker stopped: ${e.message || 'unknown error'}`),
      );
    };
    this.worker = worker;
    return worker;
  }
}
