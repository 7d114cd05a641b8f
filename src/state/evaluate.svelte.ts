/** The Evaluate panel's state: editors, host-capability inputs, the run or bench in a Web Worker, and the last result. */
import type { Metadata } from '../lib/kubewarden';
import type { OpenDocument } from './document.svelte';
import { policyOf } from './policy';
import {
  COMPONENT_NOT_EVALUABLE,
  DEFAULT_TIMEOUT_MS,
  REQUEST_TEMPLATES,
  RuntimeError,
  benchInWorker,
  evaluateInWorker,
  parseFixtures,
  parseResources,
  runInfoFromModel,
  readAdmissionRequest,
  readSettings,
  rulesMismatch,
  serializeSession,
  type BenchResult,
  type ContextAwareResource,
  type EvaluateInput,
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
  /** The open file's name, shown so the user knows what runs. */
  fileName = $state('');
  /** True for a WebAssembly component, which no runtime here evaluates. */
  component = $state(false);
  /** The policy's metadata (rules, context-aware resources), when it has one. */
  metadata = $state.raw<Metadata | null>(null);
  requestText = $state(REQUEST_TEMPLATES[0].text);
  settingsText = $state('{}');
  /** JSON fixtures, or a kwctl session file's text. */
  fixturesText = $state('{}');
  /** The name of the session file loaded into the fixtures box, until the text is edited by hand. */
  sessionFile = $state<string | null>(null);
  /** Kubernetes objects (YAML or JSON) standing in for the cluster. */
  resourcesText = $state('');
  /** kwctl's `--allow-context-aware`: grant the policy its declared contextAwareResources. */
  allowContextAware = $state(true);
  timeoutSeconds = $state(DEFAULT_TIMEOUT_MS / 1000);
  memoryLimitMb = $state(256);
  benchRuns = $state(100);
  running = $state(false);
  benching = $state(false);
  result = $state.raw<EvaluationResult | null>(null);
  bench = $state.raw<BenchResult | null>(null);
  failure = $state.raw<RunFailure | null>(null);
  /** Guard-rail warnings for the last run (rules mismatch, denied context access, ignored resources). */
  warnings = $state.raw<string[]>([]);
  /** The file the last result is about. */
  resultFile = $state('');
  private bytes: Uint8Array | null = null;
  private controller: AbortController | null = null;

  /**
   * Points the session at a document; a new document resets the mode, settings and results. The mode, policy
   * type and rules come from the document's one policy model, not from reading the module again.
   */
  attach(doc: Pick<OpenDocument, 'bytes' | 'info' | 'name'>): void {
    const bytes = doc.bytes;
    if (bytes === this.bytes) {
      this.fileName = doc.name;
      return;
    }
    this.stop();
    this.bytes = bytes;
    this.fileName = doc.name;
    this.result = null;
    this.bench = null;
    this.failure = null;
    this.warnings = [];
    this.settingsText = '{}';
    this.info = null;
    this.infoError = null;
    this.metadata = null;
    this.component = false;
    const model = policyOf(doc);
    if (!bytes || !model) return;
    if (model.kind === 'component') {
      this.component = true;
      this.infoError = COMPONENT_NOT_EVALUABLE;
      return;
    }
    this.info = runInfoFromModel(model);
    this.mode = this.info.mode;
    this.policyType = this.info.policyType;
    // Unreadable metadata is explained by Inspect; without it there are no rules to compare.
    this.metadata = model.metadata;
  }

  /** The resource types the policy declares it reads (metadata `contextAwareResources`). */
  get contextAwareResources(): ContextAwareResource[] {
    return this.metadata?.contextAwareResources ?? [];
  }

  /** Puts a dropped or picked session (or fixtures) file into the fixtures box. */
  async loadHostFile(file: File): Promise<void> {
    this.fixturesText = await file.text();
    this.sessionFile = file.name;
  }

  /** Puts a dropped or picked Kubernetes resources file into the resources box. */
  async loadResourcesFile(file: File): Promise<void> {
    this.resourcesText = await file.text();
  }

  /** The job for the current editors; input errors throw {@link RuntimeError} `bad-input`. */
  private buildJob(): EvaluateInput {
    if (!this.bytes) throw new RuntimeError('bad-input', 'No policy is open.');
    if (this.component) throw new RuntimeError('component', COMPONENT_NOT_EVALUABLE);
    const request = readAdmissionRequest(this.requestText, this.policyType);
    const host = parseFixtures(this.fixturesText);
    const resources = parseResources(this.resourcesText);
    const declared = this.contextAwareResources;
    const granted = this.allowContextAware ? declared : [];
    this.warnings = this.guardRails(request, resources, declared, granted);
    return {
      bytes: this.bytes,
      mode: this.mode,
      policyType: this.policyType,
      request,
      settings: readSettings(this.settingsText),
      ...host,
      resources,
      contextAwareResources: granted,
      memoryLimitBytes: Math.max(16, this.memoryLimitMb) * 1024 * 1024,
    };
  }

  private guardRails(
    request: Record<string, unknown>,
    resources: Record<string, unknown>[],
    declared: ContextAwareResource[],
    granted: ContextAwareResource[],
  ): string[] {
    const out: string[] = [];
    const rules = this.metadata?.rules ?? [];
    if (this.policyType === 'kubernetes') {
      const mismatch = rulesMismatch(request, rules);
      if (mismatch) out.push(mismatch);
    }
    if (declared.length && !this.allowContextAware)
      out.push(
        'The policy requires access to Kubernetes resources at evaluation time; during this run that access is denied ' +
          '(kwctl without --allow-context-aware), which can make it behave differently.',
      );
    const ignored = resources.filter(
      (o) => !granted.some((r) => r.apiVersion === o.apiVersion && r.kind === o.kind),
    );
    if (ignored.length) {
      const types = ignored
        .map((o) => `${String(o.apiVersion)}/${String(o.kind)}`)
        .filter((t, i, all) => all.indexOf(t) === i)
        .join(', ');
      out.push(
        `${ignored.length} of the Kubernetes resources (${types}) are of types the policy may not read, so it cannot see them.`,
      );
    }
    return out;
  }

  private timeoutMs(): number {
    return Math.max(0.1, Number(this.timeoutSeconds) || DEFAULT_TIMEOUT_MS / 1000) * 1000;
  }

  /** Runs settings validation and validation in a fresh worker; input errors are shown, not thrown. */
  async run(): Promise<void> {
    this.result = null;
    await this.inWorker('running', (job, signal) =>
      evaluateInWorker(spawnPolicyWorker, job, { timeoutMs: this.timeoutMs(), signal }).then((r) => {
        this.result = r;
      }),
    );
  }

  /** `kwctl bench`: times validate_settings and validate `benchRuns` times each, in a fresh worker. */
  async runBench(): Promise<void> {
    this.bench = null;
    const runs = Math.max(1, Math.floor(Number(this.benchRuns) || 1));
    // The time limit covers the whole bench: every run of both calls.
    await this.inWorker('benching', (job, signal) =>
      benchInWorker(spawnPolicyWorker, { ...job, runs }, { timeoutMs: this.timeoutMs() * 10, signal }).then(
        (b) => {
          this.bench = b;
        },
      ),
    );
  }

  /**
   * One worker job for the current editors: input errors and failures become `failure`; a newer action or
   * `stop()` aborts it, and its late result is dropped (`work` only stores while this job is the current one).
   */
  private async inWorker(
    flag: 'running' | 'benching',
    work: (job: EvaluateInput, signal: AbortSignal) => Promise<void>,
  ): Promise<void> {
    if (!this.bytes || this.running || this.benching) return;
    this.failure = null;
    let job: EvaluateInput;
    try {
      job = this.buildJob();
    } catch (e) {
      this.failure = toFailure(e);
      return;
    }
    const controller = new AbortController();
    this.controller = controller;
    this[flag] = true;
    try {
      await work(job, controller.signal);
      if (this.controller === controller) this.resultFile = this.fileName;
    } catch (e) {
      if (this.controller === controller && !(e instanceof RuntimeError && e.code === 'aborted'))
        this.failure = toFailure(e);
    } finally {
      if (this.controller === controller) {
        this.running = false;
        this.benching = false;
        this.controller = null;
      }
    }
  }

  /** The last run's host calls as a session file kwctl can replay, or null when nothing was asked. */
  recordedSession(): { name: string; text: string } | null {
    if (!this.result || this.result.exchanges.length === 0) return null;
    const base = (this.resultFile || 'policy').replace(/\.wasm$/i, '');
    return { name: `${base}-session.yml`, text: serializeSession(this.result.exchanges) };
  }

  /** Terminates a running evaluation or bench (its worker is killed). */
  stop(): void {
    this.controller?.abort();
    this.controller = null;
    this.running = false;
    this.benching = false;
  }
}

function toFailure(e: unknown): RunFailure {
  if (e instanceof RuntimeError) return { code: e.code, message: e.message };
  return { code: 'worker', message: e instanceof Error ? e.message : String(e) };
}

/** The app-wide Evaluate session, kept while switching views. */
export const evaluateSession = new EvaluateSession();
