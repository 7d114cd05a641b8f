/** Shared types of the policy runtime: execution modes, an evaluation job and its result. */
import type { AdmissionResponse } from './admission-response';
import type { HostCallLog, HostConfig } from './capability-host';
import type { ConsoleLine } from './console-log';
import type { SerializedError } from './errors';
import type { JsonObject } from './request';
import type { SessionExchange } from './session';
import type { SettingsVerdict, Verdict } from './verdict';

/** Kubewarden's execution modes (metadata `executionMode`). */
export type RuntimeMode = 'kubewarden-wapc' | 'opa' | 'gatekeeper' | 'wasi';
export const RUNTIME_MODES: readonly RuntimeMode[] = ['kubewarden-wapc', 'opa', 'gatekeeper', 'wasi'];

/** One evaluation: the policy, what it is asked, and what answers its host calls ({@link HostConfig}). */
export interface EvaluateInput extends HostConfig {
  bytes: Uint8Array;
  mode: RuntimeMode;
  policyType?: 'kubernetes' | 'raw';
  /** The AdmissionRequest (the `request` of an AdmissionReview), or the raw document for raw policies. */
  request: JsonObject;
  settings: JsonObject;
  /** Memory cap in bytes for the guest (default 256 MiB). */
  memoryLimitBytes?: number;
}

/** What one evaluation produced. `error` is set when the run failed; console output is kept either way. */
export interface EvaluationResult {
  mode: RuntimeMode;
  settings: SettingsVerdict | null;
  /** The friendly view of {@link response}. */
  verdict: Verdict | null;
  /** The AdmissionResponse kwctl would print (null when settings were rejected or the policy did not run). */
  response: AdmissionResponse | null;
  console: ConsoleLine[];
  error?: SerializedError;
  timings: { instantiateMs: number; validateSettingsMs: number; validateMs: number };
  /** Every host call, in order, and how it was answered. */
  hostCalls: HostCallLog[];
  /** The run's exchanges, ready to save as a kwctl session. */
  exchanges: SessionExchange[];
  /** Things kwctl would warn about (exchanges of a replayed session left over, …). */
  warnings: string[];
}
