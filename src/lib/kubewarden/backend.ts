/** Backend detection as kwctl does it: a module is Rego when any export name starts with `opa_` (§4.1). */
import { decodeExports, parseWasm, type WasmInfo } from '../wasm';

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
