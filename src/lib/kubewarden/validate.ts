/** kwctl's metadata validation (§4): backend detection, protocol version, rules, context-aware resources. */
import type { WasmInfo } from '../wasm';
import { KEY_KWCTL } from './constants';
import { isRegoExports, type ExportLike } from './backend';
import { LENGTH_MESSAGE, orderHint, validateRule } from './rules';
import { isSemver, semverError } from './semver';
import type { Issue, Metadata } from './types';

export { isSemver };

export interface ValidateOptions {
  /** Export names (or decoded exports) of the module, for Rego detection; skipped when absent. */
  exports?: readonly ExportLike[];
  /** The `io.kubewarden.kwctl` value the file already carries, which Wasmlens keeps. */
  existingKwctl?: string;
}

export const REGO_IN_WAPC =
  "Wrong value inside of policy's metadata for 'executionMode'. This policy has been created using Rego";
export const NOT_REGO =
  "Wrong value inside of policy's metadata for 'executionMode'. The policy has not been created using Rego";
export const INVALID_PROTOCOL = 'Must specify a valid protocol version';
export const COMPONENT_MESSAGE =
  'This is a WebAssembly component. kwctl cannot annotate components (walrus rejects them), and neither can Wasmlens.';

/**
 * Every problem kwctl would report for this metadata and module, each tied to its field, plus Wasmlens
 * warnings (reserved kwctl annotation, order-dependent resource lists). Never throws.
 */
export function validateMetadata(
  metadata: Metadata,
  wasmInfo: Pick<WasmInfo, 'kind'> | null,
  options: ValidateOptions = {},
): Issue[] {
  const issues: Issue[] = [];
  const error = (field: string, message: string) => issues.push({ severity: 'error', field, message });
  const warn = (field: string, message: string) => issues.push({ severity: 'warning', field, message });
  try {
    if (wasmInfo && wasmInfo.kind !== 'module') error('module', COMPONENT_MESSAGE);
    const mode = metadata.executionMode;
    if (options.exports && mode !== 'wasi') {
      const rego = isRegoExports(options.exports);
      if (mode === 'kubewarden-wapc' && rego) error('executionMode', REGO_IN_WAPC);
      if ((mode === 'opa' || mode === 'gatekeeper') && !rego) error('executionMode', NOT_REGO);
    }
    if (mode === 'kubewarden-wapc' && metadata.protocolVersion !== 'v1')
      error('protocolVersion', INVALID_PROTOCOL);
    if (mode !== 'kubewarden-wapc' && metadata.protocolVersion !== 'Unknown')
      warn(
        'protocolVersion',
        `kwctl sets the protocol version of ${mode} policies to Unknown; it is written as Unknown.`,
      );
    metadata.rules.forEach((rule, i) => {
      issues.push(...validateRule(rule, i));
      const hint = orderHint(rule.resources);
      if (hint && !issues.some((x) => x.field === `rules.${i}.resources`)) warn(`rules.${i}.resources`, hint);
    });
    metadata.contextAwareResources.forEach((r, i) => {
      if (r.apiVersion.length < 1) error(`contextAwareResources.${i}.apiVersion`, LENGTH_MESSAGE);
      if (r.kind.length < 1) error(`contextAwareResources.${i}.kind`, LENGTH_MESSAGE);
    });
    const minimum = metadata.minimumKubewardenVersion;
    if (minimum !== undefined && !isSemver(minimum))
      error(
        'minimumKubewardenVersion',
        `Invalid minimumKubewardenVersion '${minimum}': ${semverError(minimum)}`,
      );
    kwctlWarning(metadata, options.existingKwctl, warn);
  } catch (e) {
    // Validation must never throw, even on a malformed object from the UI.
    error('', `Cannot validate this metadata: ${(e as Error).message}`);
  }
  return issues;
}

function kwctlWarning(
  metadata: Metadata,
  existing: string | undefined,
  warn: (field: string, message: string) => void,
): void {
  if (!Object.prototype.hasOwnProperty.call(metadata.annotations, KEY_KWCTL)) return;
  const value = metadata.annotations[KEY_KWCTL];
  if (existing !== undefined && value === existing) return;
  const kept = existing === undefined ? 'it is not written' : `the file's value ${existing} is kept`;
  warn(
    `annotations.${KEY_KWCTL}`,
    `${KEY_KWCTL} is reserved for the kwctl version that annotated the file; Wasmlens never sets it, so ${kept}.`,
  );
}
