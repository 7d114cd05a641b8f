/** Small model helpers: an empty metadata object, the protocol version a mode implies, kwctl's canonical order. */
import type { ContextAwareResource, ExecutionMode, Metadata, ProtocolVersion } from './types';

/** The protocol version Wasmlens uses for a mode; `assumed` is true while nobody asked the waPC module. */
export interface ProtocolGuess {
  version: ProtocolVersion;
  assumed: boolean;
}

/**
 * kwctl asks a waPC module for its protocol version and sets `Unknown` for the other modes (§4.1, §6).
 * Without running the module, waPC is taken as `v1` and flagged as assumed so the UI can say so.
 */
export function protocolVersionFor(mode: ExecutionMode): ProtocolGuess {
  return mode === 'kubewarden-wapc'
    ? { version: 'v1', assumed: true }
    : { version: 'Unknown', assumed: false };
}

/** A fresh metadata object with kwctl's defaults and no rules or annotations. */
export function emptyMetadata(executionMode: ExecutionMode = 'kubewarden-wapc'): Metadata {
  return {
    protocolVersion: protocolVersionFor(executionMode).version,
    rules: [],
    annotations: {},
    mutating: false,
    backgroundAudit: true,
    executionMode,
    policyType: 'kubernetes',
    contextAwareResources: [],
  };
}

/** Orders strings by their UTF-8 bytes (= code points), unlike `<` on UTF-16 units; Rust's BTreeMap order. */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return utf8Rank(x) - utf8Rank(y);
  }
  return a.length - b.length;
}

// Surrogates encode code points above U+FFFF, so they must sort after U+E000..U+FFFF.
function utf8Rank(unit: number): number {
  if (unit < 0xd800) return unit;
  if (unit <= 0xdfff) return unit + 0x2000;
  return unit - 0x800;
}

/** Sorted by UTF-8 bytes and deduplicated, as a Rust BTreeSet<String> iterates. */
export function sortedSet(items: readonly string[]): string[] {
  return [...new Set(items)].sort(compareUtf8);
}

/** Sorted by apiVersion then kind and deduplicated (BTreeSet of the derived-Ord struct). */
export function sortedResources(items: readonly ContextAwareResource[]): ContextAwareResource[] {
  const sorted = items
    .map((r) => ({ apiVersion: r.apiVersion, kind: r.kind }))
    .sort((a, b) => compareUtf8(a.apiVersion, b.apiVersion) || compareUtf8(a.kind, b.kind));
  return sorted.filter(
    (r, i) => i === 0 || r.apiVersion !== sorted[i - 1].apiVersion || r.kind !== sorted[i - 1].kind,
  );
}

/** Annotations as a new object whose keys iterate in UTF-8 byte order. */
export function sortedAnnotations(annotations: Record<string, string>): Record<string, string> {
  // fromEntries defines own properties, so a key named `__proto__` stays data, not a prototype.
  return Object.fromEntries(
    Object.keys(annotations)
      .sort(compareUtf8)
      .map((k) => [k, annotations[k]]),
  );
}

/** A deep copy in kwctl's canonical form: every key in §2.2 order, sets sorted, optional keys only when set. */
export function canonicalMetadata(m: Metadata): Metadata {
  const out: Metadata = {
    protocolVersion: m.protocolVersion,
    rules: m.rules.map((r) => ({
      apiGroups: [...r.apiGroups],
      apiVersions: [...r.apiVersions],
      resources: [...r.resources],
      operations: [...r.operations],
    })),
    annotations: sortedAnnotations(m.annotations),
    mutating: m.mutating,
    backgroundAudit: m.backgroundAudit,
    executionMode: m.executionMode,
    policyType: m.policyType,
    contextAwareResources: sortedResources(m.contextAwareResources),
  };
  if (m.hostCapabilities !== undefined) out.hostCapabilities = sortedSet(m.hostCapabilities);
  if (m.minimumKubewardenVersion !== undefined) out.minimumKubewardenVersion = m.minimumKubewardenVersion;
  return out;
}
