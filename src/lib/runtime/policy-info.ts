/** Works out how to run a module: the execution mode and policy type from its metadata, or from its imports/exports. */
import { isRegoExports, readMetadata, type Metadata } from '../kubewarden';
import { decodeExports, decodeImports, parseWasm } from '../wasm';
import { RUNTIME_MODES, type RuntimeMode } from './types';

export interface PolicyRunInfo {
  /** The mode to run in by default. */
  mode: RuntimeMode;
  policyType: 'kubernetes' | 'raw';
  mutating: boolean;
  /** Whether the mode came from the metadata (else it was guessed from the module's shape). */
  fromMetadata: boolean;
  /** Any `opa_` export: the module is Rego (opa or gatekeeper, which exports cannot tell apart). */
  isRego: boolean;
  /** Why the mode was chosen, for the panel. */
  reason: string;
}

/** The mode, policy type and mutating flag from the metadata (kubewarden's reader); without it, from the module's shape. */
export function policyRunInfo(bytes: Uint8Array): PolicyRunInfo {
  const info = parseWasm(bytes);
  const exports = decodeExports(bytes, info).map((e) => e.name);
  const imports = decodeImports(bytes, info);
  const isRego = isRegoExports(exports);
  let metadata: Metadata | undefined;
  try {
    metadata = readMetadata(bytes, info)?.metadata;
  } catch {
    // Unreadable metadata: the Inspect view reports it; here we fall back to the module's shape.
  }
  const mode = RUNTIME_MODES.find((m) => m === metadata?.executionMode);
  if (metadata && mode)
    return {
      mode,
      policyType: metadata.policyType === 'raw' ? 'raw' : 'kubernetes',
      mutating: metadata.mutating === true,
      fromMetadata: true,
      isRego,
      reason: `executionMode ${mode} from the policy's metadata`,
    };
  const guess = (mode: RuntimeMode, reason: string): PolicyRunInfo => ({
    mode,
    policyType: 'kubernetes',
    mutating: false,
    fromMetadata: false,
    isRego,
    reason,
  });
  if (isRego)
    return guess('opa', 'no metadata; the module has opa_ exports, so it is Rego (opa or gatekeeper)');
  if (exports.includes('__guest_call') || imports.some((i) => i.module === 'wapc'))
    return guess('kubewarden-wapc', 'no metadata; the module is a waPC guest');
  if (exports.includes('_start')) return guess('wasi', 'no metadata; the module is a WASI program');
  return guess('kubewarden-wapc', 'no metadata; assuming waPC (the default execution mode)');
}
