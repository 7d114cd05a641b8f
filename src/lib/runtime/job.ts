/** The jobs a policy worker runs, and the function that runs one on the current thread. */
import { RuntimeError, serializeError, type SerializedError } from './errors';
import type { HostFixtures } from './host-capabilities';
import { evaluateRego } from './rego';
import type { EvaluateInput, EvaluationResult } from './types';
import { detectProtocolVersionInline, evaluateWapc, type DetectedProtocolVersion } from './wapc-policy';
import { evaluateWasi } from './wasi-policy';

export type RuntimeJob =
  | ({ kind: 'evaluate' } & EvaluateInput)
  | { kind: 'protocol-version'; bytes: Uint8Array; fixtures?: HostFixtures };

export type JobReply =
  | { ok: true; kind: 'evaluate'; result: EvaluationResult }
  | { ok: true; kind: 'protocol-version'; version: DetectedProtocolVersion }
  | { ok: false; error: SerializedError };

/** Evaluates a policy in the mode given, on this thread (no time limit: use a worker for untrusted code). */
export async function evaluatePolicy(input: EvaluateInput): Promise<EvaluationResult> {
  switch (input.mode) {
    case 'kubewarden-wapc':
      return evaluateWapc(input);
    case 'opa':
    case 'gatekeeper':
      return evaluateRego(input);
    case 'wasi':
      return evaluateWasi(input);
    default:
      throw new RuntimeError(
        'bad-input',
        `Unknown execution mode ${String((input as { mode: unknown }).mode)}.`,
      );
  }
}

/** Runs one job and never throws: failures become `{ok: false}` replies that can cross a worker boundary. */
export async function runJob(job: RuntimeJob): Promise<JobReply> {
  try {
    if (job.kind === 'protocol-version')
      return { ok: true, kind: job.kind, version: await detectProtocolVersionInline(job.bytes, job) };
    if (job.kind === 'evaluate') return { ok: true, kind: job.kind, result: await evaluatePolicy(job) };
    throw new RuntimeError('bad-input', 'Unknown job kind.');
  } catch (e) {
    return { ok: false, error: serializeError(e) };
  }
}
