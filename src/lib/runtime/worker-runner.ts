/** Runs a job in a worker with a time limit: the worker is terminated when time runs out or the caller aborts. */
import { RuntimeError, deserializeError } from './errors';
import type { JobReply, RuntimeJob } from './job';
import type { BenchResult } from './evaluation';
import type { EvaluationResult } from './types';
import { detectProtocolVersionInline, type DetectedProtocolVersion } from './wapc-policy';

/** The little a runner needs from a worker; adapters exist for Web Workers (page) and worker_threads (tests). */
export interface WorkerPort {
  post(message: RuntimeJob): void;
  listen(onMessage: (reply: JobReply) => void, onError: (message: string) => void): void;
  terminate(): void;
}

export interface RunOptions {
  /** Time limit in milliseconds (default 10 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

/** Formats a time limit the way the panel reports it: "stopped after 2 s". */
export function stoppedMessage(timeoutMs: number): string {
  const s = timeoutMs / 1000;
  return `The policy was stopped after ${Number.isInteger(s) ? s : s.toFixed(1)} s: it did not finish within the time limit.`;
}

/**
 * Starts a fresh worker for one job and resolves with its reply. A timeout or abort terminates the worker, so a
 * guest stuck in a loop cannot keep running; the page stays responsive because the guest never runs on it.
 */
export function runInWorker(
  spawn: () => WorkerPort,
  job: RuntimeJob,
  options: RunOptions = {},
): Promise<JobReply> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise<JobReply>((resolve, reject) => {
    if (options.signal?.aborted) return reject(new RuntimeError('aborted', 'The run was cancelled.'));
    let worker: WorkerPort;
    try {
      worker = spawn();
    } catch (e) {
      return reject(new RuntimeError('worker', `The policy worker could not start: ${(e as Error).message}`));
    }
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      worker.terminate();
      fn();
    };
    const onAbort = () => finish(() => reject(new RuntimeError('aborted', 'The run was cancelled.')));
    const timer = setTimeout(
      () => finish(() => reject(new RuntimeError('timeout', stoppedMessage(timeoutMs)))),
      timeoutMs,
    );
    options.signal?.addEventListener('abort', onAbort, { once: true });
    worker.listen(
      (reply) => finish(() => resolve(reply)),
      (message) => finish(() => reject(new RuntimeError('worker', `The policy worker failed: ${message}`))),
    );
    worker.post(job);
  });
}

interface ResultOf {
  evaluate: EvaluationResult;
  bench: BenchResult;
}

/** Runs a job of `kind` in a worker and returns its result; a failed job rejects with its {@link RuntimeError}. */
async function resultInWorker<K extends keyof ResultOf>(
  spawn: () => WorkerPort,
  job: RuntimeJob & { kind: K },
  options: RunOptions,
): Promise<ResultOf[K]> {
  const reply = await runInWorker(spawn, job, options);
  if (!reply.ok) throw deserializeError(reply.error);
  if (reply.kind !== job.kind || !('result' in reply))
    throw new RuntimeError('worker', 'The worker sent an unexpected reply.');
  return reply.result as ResultOf[K];
}

/** Evaluates in a worker; a failed job rejects with its {@link RuntimeError}. */
export function evaluateInWorker(
  spawn: () => WorkerPort,
  job: Omit<Extract<RuntimeJob, { kind: 'evaluate' }>, 'kind'>,
  options: RunOptions = {},
): Promise<EvaluationResult> {
  return resultInWorker(spawn, { kind: 'evaluate', ...job }, options);
}

/** Benches in a worker (`kwctl bench`); a failed job rejects with its {@link RuntimeError}. */
export function benchInWorker(
  spawn: () => WorkerPort,
  job: Omit<Extract<RuntimeJob, { kind: 'bench' }>, 'kind'>,
  options: RunOptions = {},
): Promise<BenchResult> {
  return resultInWorker(spawn, { kind: 'bench', ...job }, options);
}

/**
 * Protocol version detection as kwctl does it, in a fresh instance. With `spawn` it runs in a worker under the time
 * limit; without, on this thread (Node tools and tests with trusted inputs).
 */
export async function detectProtocolVersion(
  bytes: Uint8Array,
  options: RunOptions & { spawn?: () => WorkerPort } = {},
): Promise<DetectedProtocolVersion> {
  if (!options.spawn) {
    return detectProtocolVersionInline(bytes, options);
  }
  let reply: JobReply;
  try {
    reply = await runInWorker(options.spawn, { kind: 'protocol-version', bytes }, options);
  } catch (e) {
    if (e instanceof RuntimeError && e.code !== 'aborted')
      throw new RuntimeError(
        'protocol-version',
        `Error while detecting Kubewarden protocol version: ${e.message}`,
      );
    throw e;
  }
  if (!reply.ok) throw deserializeError(reply.error);
  if (reply.kind !== 'protocol-version')
    throw new RuntimeError('worker', 'The worker sent an unexpected reply.');
  return reply.version;
}
