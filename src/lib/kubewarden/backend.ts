/** Backend detection as kwctl does it: a module is Rego when any export name starts with `opa_` (§4.1). */
import { decodeExports, parseWasm, type WasmInfo } from '../wasm';
import { protocolVersionFor, type ProtocolGuess } from './model';
import type { ExecutionMode } from './types';

/** An export name, or a decoded export carrying one. */
export type ExportLike = string | { name: string };

/** True when any export name starts with `opa_` (crates/kwctl/src/backend.rs `rego_policy_detector`). */
export function isRegoExports(exports: readonly ExportLike[]): boolean {
  return exports.some((e) => (typeof e === 'string' ? e : e.name).startsWith('opa_'));
}

/** Rego detection from the module bytes or from its exports. Components and unreadable modules are not Rego. */
export function isRego(input: Uint8Array | readonly ExportLike[], info?: WasmInfo): boolean {
  if (!(input instanceof Uint8Array)) return isRegoExports(input);
  try {
    return isRegoExports(decodeExports(input, info ?? parseWasm(input)));
  } catch {
    return false;
  }
}

export interface BackendGuess {
  /** True when the module has an `opa_` export. */
  rego: boolean;
  /** Modes kwctl accepts for this module: `opa`/`gatekeeper`/`wasi` for Rego, else `kubewarden-wapc`/`wasi`. */
  allowedModes: ExecutionMode[];
  /** The mode to preselect for an unannotated module. Exports cannot tell opa from gatekeeper. */
  suggestedMode: ExecutionMode;
  /** The protocol version that mode implies; waPC's `v1` is assumed until the runtime asks the module. */
  protocol: ProtocolGuess;
}

/**
 * What kwctl's backend detection allows for a module. Non-Rego modules may still be WASI policies, which
 * exports cannot tell either: a module that exports `__guest_call` is suggested as waPC, anything else as wasi.
 */
export function detectExecutionMode(bytes: Uint8Array, info: WasmInfo = parseWasm(bytes)): BackendGuess {
  let names: string[] = [];
  try {
    names = decodeExports(bytes, info).map((e) => e.name);
  } catch {
    // An unreadable export section leaves no hint; fall back to the default mode.
  }
  const rego = isRegoExports(names);
  const suggestedMode: ExecutionMode = rego
    ? 'opa'
    : names.includes('__guest_call') || names.length === 0
      ? 'kubewarden-wapc'
      : 'wasi';
  return {
    rego,
    allowedModes: rego ? ['opa', 'gatekeeper', 'wasi'] : ['kubewarden-wapc', 'wasi'],
    suggestedMode,
    protocol: protocolVersionFor(suggestedMode),
  };
}
