/**
 * Everything the app knows about the policy in a module, read once: its metadata (or why it cannot be read), the
 * execution mode (from the metadata, or decided from the module's shape), the host-capability scan and kwctl's push
 * rules. Views read this model instead of reading the module again, so they cannot disagree.
 */
import { decodeExports, decodeImports, type WasmImport, type WasmInfo } from '../wasm';
import { isRegoExports } from './backend';
import { scanHostCapabilities, type CapabilityScan } from './capabilities';
import { pushCheckFor, type PushCheck } from './policy-artifact';
import { readMetadata, type ReadMetadata } from './read';
import { EXECUTION_MODES } from './constants';
import type { ExecutionMode, Metadata } from './types';

export interface ExecutionDecision {
  mode: ExecutionMode;
  /** True when the mode is the metadata's `executionMode`; false when decided from the module's shape. */
  fromMetadata: boolean;
  /** Why this mode, in a sentence for the UI. */
  reason: string;
}

/**
 * The execution mode of a module: the metadata's, else from its shape. Rego (an `opa_` export, kwctl's
 * `rego_policy_detector`) is `opa` (exports cannot tell it from gatekeeper); a waPC guest (`__guest_call` export
 * or `wapc` imports) is `kubewarden-wapc`; a command (`_start`) is `wasi`; anything else gets kwctl's default.
 */
export function decideExecution(
  metadata: Metadata | null,
  exports: readonly string[],
  imports: readonly Pick<WasmImport, 'module'>[],
): ExecutionDecision {
  if (metadata && EXECUTION_MODES.includes(metadata.executionMode))
    return {
      mode: metadata.executionMode,
      fromMetadata: true,
      reason: `executionMode ${metadata.executionMode} from the policy's metadata`,
    };
  const guess = (mode: ExecutionMode, reason: string) => ({ mode, fromMetadata: false, reason });
  if (isRegoExports(exports))
    return guess('opa', 'no metadata; the module has opa_ exports, so it is Rego (opa or gatekeeper)');
  if (exports.includes('__guest_call') || imports.some((i) => i.module === 'wapc'))
    return guess('kubewarden-wapc', 'no metadata; the module is a waPC guest');
  if (exports.includes('_start')) return guess('wasi', 'no metadata; the module is a WASI program');
  return guess('kubewarden-wapc', 'no metadata; assuming waPC (the default execution mode)');
}

export interface PolicyModel {
  /** Components have no policy metadata (and kwctl cannot annotate them). */
  kind: WasmInfo['kind'];
  exports: string[];
  imports: WasmImport[];
  /** Any `opa_` export: the module is Rego. */
  rego: boolean;
  /** The first metadata section, parsed; null when there is none or it cannot be read. */
  read: ReadMetadata | null;
  metadata: Metadata | null;
  /** Why the metadata cannot be read (MetadataError or WasmParseError), when a section exists but is broken. */
  metadataError: Error | null;
  execution: ExecutionDecision;
  /**
   * kwctl's host-capability scan against the declared list; null for components or unreadable data. Computed on
   * first read (it walks every data segment: tens of ms for a large policy) and kept.
   */
  readonly capabilityScan: CapabilityScan | null;
  /** kwctl's push rules for these bytes. */
  pushCheck: (force: boolean) => PushCheck;
}

/** Reads the policy model of a parsed module. Never throws: what cannot be read is reported in the model. */
export function readPolicyModel(bytes: Uint8Array, info: WasmInfo): PolicyModel {
  const core = info.kind === 'module';
  const exports = core ? attempt(() => decodeExports(bytes, info).map((e) => e.name), []) : [];
  const imports = core ? attempt(() => decodeImports(bytes, info), []) : [];
  let read: ReadMetadata | null = null;
  let metadataError: Error | null = null;
  if (core) {
    try {
      read = readMetadata(bytes, info);
    } catch (e) {
      metadataError = e instanceof Error ? e : new Error(String(e));
    }
  }
  const metadata = read?.metadata ?? null;
  const rego = isRegoExports(exports);
  let scan: CapabilityScan | null | undefined;
  return {
    kind: info.kind,
    exports,
    imports,
    rego,
    read,
    metadata,
    metadataError,
    execution: decideExecution(metadata, exports, imports),
    get capabilityScan() {
      scan ??= core
        ? attempt(() => scanHostCapabilities(bytes, metadata?.hostCapabilities ?? [], info), null)
        : null;
      return scan;
    },
    pushCheck: (force) => pushCheckFor(metadata, rego, { force, metadataError: metadataError?.message }),
  };
}

function attempt<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}
