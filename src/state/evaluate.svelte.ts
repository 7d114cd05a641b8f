/** The Evaluate panel's state: editors, the run in a Web Worker with a time limit, and the last result. */
import {
  DEFAULT_TIMEOUT_MS,
  REQUEST_TEMPLATES,
  RuntimeError,
  evaluateInWorker,
  parseFixtures,
  policyRunInfo,
  readAdmissionRequest,
  readSettings,
  type EvaluationResult,
  type JobReply,
  type PolicyRunInfo,
  type RuntimeJob,
  type RuntimeMode,
  type WorkerPort,
} from '../lib/runtime';

export interface RunFailure {
  code: string;
  message: string;
}

/**
 * A WorkerPort over a fresh module Web Worker running src/workers/policy-worker.ts (Vite bundles it from this URL
 * pattern). Other state classes pass it as `spawn` to `detectProtocolVersion` to detect in a worker with a time limit.
 */
export function spawnPolicyWorker(): WorkerPort {
  // Vite only bundles a worker written as this exact `new Worker(new URL(…))` expression; nothing here is reactive.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  const worker = new Worker(new URL('../workers/policy-worker.ts', import.meta.url), { type: 'module' });
  return {
    post: (job: RuntimeJob) => worker.postMessage(job),
    listen: (onMessage, onError) => {
      worker.onmessage = (e: MessageEvent<JobReply>) => onMessage(e.data);
      worker.onerror = (e) => {
        e.preventDefault();
        onError(e.message || 'the worker script failed to load');
      };
      worker.onmessageerror = () => onError('a message could not be read');
    },
    terminate: () => worker.terminate(),
  };
}

export class EvaluateSession {
  mode = $state<RuntimeMode>('kubewarden-wapc');
  policyType = $state<'kubernetes' | 'raw'>('kubernetes');
  info = $state.raw<PolicyRunInfo | null>(null);
  infoError = $state<string | null>(null);
  requestText = $state(REQUEST_TEMPLATES[0].text);
  settingsText = $state('{}');
  fixturesText = $state('{}');
  timeoutSeconds = $state(DEFAULT_TIMEOUT_MS / 1000);
  memoryLimitMb = $state(256);
  running = $state(false);
  result = $state.raw<EvaluationResult | null>(null);
  failure = $state.raw<RunFailure | null>(null);
  private bytes: Uint8Array | null = null;
  private controller: AbortController | null = null;

  /** Points the session at a document; a new document resets the mode, settings and result. */
  attach(bytes: Uint8Array | null): void {
    if (bytes === this.bytes) return;
    this.stop();
    this.bytes = bytes;
    this.result = null;
    this.failure = null;
    this.settingsText = '{}';
    this.info = null;
    this.infoError = null;
    if (!bytes) return;
    try {
      this.info = policyRunInfo(bytes);
      this.mode = this.info.mode;
      this.policyType = this.info.policyType;
    } catch (e) {
      this.infoError = e instanceof Error ? e.message : String(e);
    }
  }

  /** Runs settings validation and validation in a fresh worker; input errors are shown, not thrown. */
  async run(): Promise<void> {
    if (!this.bytes || this.running) return;
    this.result = null;
    this.failure = null;
    let job;
    try {
      job = {
        bytes: this.bytes,
        mode: this.mode,
        policyType: this.policyType,
        request: readAdmissionRequest(this.requestText, this.policyType),
        settings: readSettings(this.settingsText),
        fixtures: readFixtures(this.fixturesText),
        memoryLimitBytes: Math.max(16, this.memoryLimitMb) * 1024 * 1024,
      };
    } catch (e) {
      this.failure = toFailure(e);
      return;
    }
    const controller = new AbortController();
    this.controller = controller;
    this.running = true;
    try {
      const timeoutMs = Math.max(0.1, Number(this.timeoutSeconds) || DEFAULT_TIMEOUT_MS / 1000) * 1000;
      const result = await evaluateInWorker(spawnPolicyWorker, job, { timeoutMs, signal: controller.signal });
      if (this.controller === controller) this.result = result;
    } catch (e) {
      if (this.controller === controller && !(e instanceof RuntimeError && e.code === 'aborted'))
        this.failure = toFailure(e);
    } finally {
      if (this.controller === controller) {
        this.running = false;
        this.controller = null;
      }
    }
  }

  /** Terminates a running evaluation (its worker is killed). */
  stop(): void {
    this.controller?.abort();
    this.controller = null;
    this.running = false;
  }
}

function readFixtures(text: string) {
  try {
    return parseFixtures(text);
  } catch (e) {
    throw new RuntimeError('bad-input', `The fixtures are not valid: ${(e as Error).message}`);
  }
}

function toFailure(e: unknown): RunFailure {
  if (e instanceof RuntimeError) return { code: e.code, message: e.message };
  return { code: 'worker', message: e instanceof Error ? e.message : String(e) };
}

/** The app-wide Evaluate session, kept while switching views. */
export const evaluateSession = new EvaluateSession();
