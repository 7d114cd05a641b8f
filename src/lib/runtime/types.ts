/** Shared types of the policy runtime: execution modes, an evaluation job and its result. */
import type { ConsoleLine } from './console-log';
import type { SerializedError } from './errors';
import type { HostFixtures } from './host-capabilities';
import type { JsonObject } from './request';
import type { SettingsVerdict, Verdict } from './verdict';

/** Kubewarden's execution modes (metadata `executionMode`). */
export type RuntimeMode = 'kubewarden-wapc' | 'opa' | 'gatekeeper' | 'wasi';
export const RUNTIME_MODES: readonly RuntimeMode[] = ['kubewarden-wapc', 'opa', 'gatekeeper', 'wasi'];

export interface EvaluateInput {
  bytes: Uint8Array;
  mode: RuntimeMode;
  policyType?: 'kubernetes' | 'raw';
  /** The AdmissionRequest (the `request` of an AdmissionReview), or the raw document for raw policies. */
  request: JsonObject;
  settings: JsonObject;
  fixtures?: HostFixtures;
  /** Memory cap in bytes for the guest (default 256 MiB). */
  memoryLimitBytes?: number;
}

/** What one evaluation produced. `error` is set when the run failed; console output is kept either way. */
export interface EvaluationResult {
  mode: RuntimeMode;
  settings: SettingsVerdict | null;
  verdict: Verdict | null;
  console: ConsoleLine[];
  error?: SerializedError;
  timings: { instantiateMs: number; validateSettingsMs: number; validateMs: number };
}
