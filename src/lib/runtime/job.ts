/** The jobs a policy worker runs, and the function that runs one on the current thread. */
import { RuntimeError, serializeError, type SerializedError } from './errors';
import { benchPrepared, runPrepared, type BenchResult, type Prepare } from './evaluation';
import type { FixtureMap } from './host-capabilities';
import { prepareRego } from './rego';
import type { EvaluateInput, EvaluationResult, RuntimeMode } from './types';
import { assertCoreModule } from './wapc';
import { detectProtocolVersionInline, prepareWapc, type DetectedProtocolVersion } from './wapc-policy';
import { prepareWasi } from './wasi-policy';

export type RuntimeJob =
  | ({ kind: 'evaluate' } & EvaluateInput)
  | ({ kind: 'bench'; runs: number } & EvaluateInput)
  | { kind: 'protocol-version'; bytes: Uint8Array; fixtures?: FixtureMap };

export type JobReply =
  | { ok: true; kind: 'evaluate'; result: EvaluationResult }
  | { ok: true; kind: 'bench'; result: BenchResult }
  | { ok: true; kind: 'protocol-version'; version: DetectedProtocolVersion }
  | { ok: false; error: SerializedError };

const PREPARE: Record<RuntimeMode, Prepare> = {
  'kubewarden-wapc': prepareWapc,
  opa: prepareRego,
  gatekeeper: prepareRego,
  wasi: prepareWasi,
};

function prepareFor(input: EvaluateInput): Prepare {
  const prepare = Object.hasOwn(PREPARE, input.mode) ? PREPARE[input.mode] : undefined;
  if (!prepare) throw new RuntimeError('bad-input', `Unknown execution mode ${String(input.mode)}.`);
  // A component fails here, before any runtime, with one plain message.
  assertCoreModule(input.bytes);
  return prepare;
}

/** Evaluates a policy in the mode given, on this thread (no time limit: use a worker for untrusted code). */
export async function evaluatePolicy(input: EvaluateInput): Promise<EvaluationResult> {
  return runPrepared(input, prepareFor(input));
}

/** `kwctl bench` on this thread: `runs` timed calls of validate_settings and of validate. */
export async function benchPolicy(input: EvaluateInput, runs: number): Promise<BenchResult> {
  return benchPrepared(input, prepareFor(input), runs);
}

/** Runs one job and never throws: failures become `{ok: false}` replies that can cross a worker boundary. */
export async function runJob(job: RuntimeJob): Promise<JobReply> {
  try {
    if (job.kind === 'protocol-version')
      return { ok: true, kind: job.kind, version: await detectProtocolVersionInline(job.bytes, job) };
    if (job.kind === 'evaluate') return { ok: true, kind: job.kind, result: await evaluatePolicy(job) };
    if (job.kind === 'bench') return { ok: true, kind: job.kind, result: await benchPolicy(job, job.runs) };
    throw new RuntimeError('bad-input', 'Unknown job kind.');
  } catch (e) {
    return { ok: false, error: serializeError(e) };
  }
}
