/** Turns an untrusted parsed value (from JSON or YAML) into a typed Metadata, like serde does for kwctl's struct. */
import { EXECUTION_MODES, METADATA_KEYS, OPERATIONS, POLICY_TYPES, PROTOCOL_VERSIONS } from './constants';
import type { ContextAwareResource, Metadata, Operation, Rule } from './types';

/** A type or shape error at a dotted path (`rules.0.operations.1`); callers add the format's prefix and line. */
export class CoerceError extends Error {
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(path ? `${path}: ${detail}` : detail);
  }
}

export interface Coerced {
  metadata: Metadata;
  /** Top-level keys that are not part of the metadata, dropped like kwctl does. */
  unknownKeys: string[];
  /** True when the input had no protocolVersion (kwctl inspect refuses that). */
  missingProtocol: boolean;
}

const KNOWN = new Set<string>(METADATA_KEYS);

/** serde's wording for what a value is, used in "invalid type" messages. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return `boolean \`${value}\``;
  if (typeof value === 'number')
    return Number.isInteger(value) ? `integer \`${value}\`` : `floating point \`${value}\``;
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  if (Array.isArray(value)) return 'sequence';
  return 'map';
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(path: string, value: unknown, expected: string): CoerceError {
  return new CoerceError(path, `invalid type: ${describe(value)}, expected ${expected}`);
}

function has(obj: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

function str(value: unknown, path: string): string {
  if (typeof value !== 'string') throw invalid(path, value, 'a string');
  return value;
}

function strList(value: unknown, path: string): string[] {
  if (!Array.isArray(value)) throw invalid(path, value, 'a sequence');
  return value.map((v, i) => str(v, `${path}.${i}`));
}

function enumValue<T extends string>(value: unknown, allowed: readonly T[], path: string): T {
  const s = str(value, path);
  if (!(allowed as readonly string[]).includes(s)) {
    const list = allowed.map((a) => `\`${a}\``).join(', ');
    throw new CoerceError(path, `unknown variant \`${s}\`, expected one of ${list}`);
  }
  return s as T;
}

function bool(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw invalid(path, value, 'a boolean');
  return value;
}

function required(obj: Record<string, unknown>, key: string, path: string): unknown {
  if (!has(obj, key)) throw new CoerceError(path, `missing field \`${key}\``);
  return obj[key];
}

function rule(value: unknown, path: string): Rule {
  if (!isMap(value)) throw invalid(path, value, 'struct Rule');
  const list = (key: string) => strList(required(value, key, path), path ? `${path}.${key}` : key);
  return {
    apiGroups: list('apiGroups'),
    apiVersions: list('apiVersions'),
    resources: list('resources'),
    operations: (() => {
      const raw = required(value, 'operations', path);
      if (!Array.isArray(raw)) throw invalid(`${path}.operations`, raw, 'a sequence');
      return raw.map((op, i) => enumValue<Operation>(op, OPERATIONS, `${path}.operations.${i}`));
    })(),
  };
}

function resource(value: unknown, path: string): ContextAwareResource {
  if (!isMap(value)) throw invalid(path, value, 'struct ContextAwareResource');
  return {
    apiVersion: str(required(value, 'apiVersion', path), `${path}.apiVersion`),
    kind: str(required(value, 'kind', path), `${path}.kind`),
  };
}

function annotations(value: unknown, path: string): Record<string, string> {
  if (!isMap(value)) throw invalid(path, value, 'a map');
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, str(v, `${path}.${k}`)]));
}

/**
 * Checks types, enums and required keys of a parsed metadata object, fills the defaults of §2.2 and drops
 * unknown keys. `null` for an optional key means "not set", as serde reads `Option` fields.
 */
export function coerceMetadata(value: unknown): Coerced {
  if (!isMap(value)) throw invalid('', value, 'struct Metadata');
  const present = (key: string) => has(value, key) && value[key] !== null && value[key] !== undefined;
  const rawRules = required(value, 'rules', '');
  if (!Array.isArray(rawRules)) throw invalid('rules', rawRules, 'a sequence');
  const metadata: Metadata = {
    protocolVersion: present('protocolVersion')
      ? enumValue(value.protocolVersion, PROTOCOL_VERSIONS, 'protocolVersion')
      : 'Unknown',
    rules: rawRules.map((r, i) => rule(r, `rules.${i}`)),
    annotations: present('annotations') ? annotations(value.annotations, 'annotations') : {},
    mutating: bool(required(value, 'mutating', ''), 'mutating'),
    backgroundAudit: present('backgroundAudit') ? bool(value.backgroundAudit, 'backgroundAudit') : true,
    executionMode: present('executionMode')
      ? enumValue(value.executionMode, EXECUTION_MODES, 'executionMode')
      : 'kubewarden-wapc',
    policyType: present('policyType')
      ? enumValue(value.policyType, POLICY_TYPES, 'policyType')
      : 'kubernetes',
    contextAwareResources: [],
  };
  if (present('contextAwareResources')) {
    const raw = value.contextAwareResources;
    if (!Array.isArray(raw)) throw invalid('contextAwareResources', raw, 'a sequence');
    metadata.contextAwareResources = raw.map((r, i) => resource(r, `contextAwareResources.${i}`));
  }
  if (present('hostCapabilities'))
    metadata.hostCapabilities = strList(value.hostCapabilities, 'hostCapabilities');
  if (present('minimumKubewardenVersion'))
    metadata.minimumKubewardenVersion = str(value.minimumKubewardenVersion, 'minimumKubewardenVersion');
  return {
    metadata,
    unknownKeys: Object.keys(value).filter((k) => !KNOWN.has(k)),
    missingProtocol: !present('protocolVersion'),
  };
}
