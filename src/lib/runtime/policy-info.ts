/** How to run a module: the policy model's execution mode, policy type and mutating flag, as the runtime needs them. */
import { readPolicyModel, type PolicyModel } from '../kubewarden';
import { parseWasm } from '../wasm';
import { RUNTIME_MODES, type RuntimeMode } from './types';

export interface PolicyRunInfo {
  /** The mode to run in by default. */
  mode: RuntimeMode;
  policyType: 'kubernetes' | 'raw';
  mutating: boolean;
  /** Whether the mode came from the metadata (else it was decided from the module's shape). */
  fromMetadata: boolean;
  /** Any `opa_` export: the module is Rego (opa or gatekeeper, which exports cannot tell apart). */
  isRego: boolean;
  /** Why the mode was chosen, for the panel. */
  reason: string;
}

/** The run settings of a policy model (the app's one reading of the module). */
export function runInfoFromModel(model: PolicyModel): PolicyRunInfo {
  const mode = RUNTIME_MODES.find((m) => m === model.execution.mode) ?? 'kubewarden-wapc';
  return {
    mode,
    policyType: model.metadata?.policyType === 'raw' ? 'raw' : 'kubernetes',
    mutating: model.metadata?.mutating === true,
    fromMetadata: model.execution.fromMetadata,
    isRego: model.rego,
    reason: model.execution.reason,
  };
}

/** {@link runInfoFromModel} for bytes alone (tests, workers). */
export function policyRunInfo(bytes: Uint8Array): PolicyRunInfo {
  return runInfoFromModel(readPolicyModel(bytes, parseWasm(bytes)));
}
