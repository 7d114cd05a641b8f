/**
 * What changed between two versions of a policy, as an auditor asks before promoting one: the metadata that decides
 * how it runs (execution mode, mutating, rules, context-aware resources, capabilities), its annotations, the bytes
 * per section, and the imports and exports. Pure: the caller fetched and verified both modules.
 */
import { parseWasm, type WasmInfo } from '../wasm';
import { readPolicyModel, type PolicyModel } from './policy-model';
import type { Rule } from './types';

/** One compared value, as text (`—` when a side has none). */
export interface ValueChange {
  field: string;
  left: string;
  right: string;
  changed: boolean;
}

/** A multiset compared: what only the right has, what only the left has, how many both have. */
export interface ListChange {
  added: string[];
  removed: string[];
  unchanged: number;
}

/** An annotation that differs; null where a side does not have the key. */
export interface AnnotationChange {
  key: string;
  left: string | null;
  right: string | null;
}

/** The on-disk bytes (id, size field and payload) of all sections of one kind or custom name. */
export interface SectionSize {
  section: string;
  left: number;
  right: number;
  delta: number;
}

export interface PolicySide {
  size: number;
  kind: WasmInfo['kind'] | null;
  hasMetadata: boolean;
  /** Why part of this side could not be read (not Wasm, broken metadata); what could be read is still compared. */
  problems: string[];
}

export interface PolicyDiff {
  left: PolicySide;
  right: PolicySide;
  fields: ValueChange[];
  rules: ListChange;
  contextAwareResources: ListChange;
  hostCapabilities: ListChange;
  annotations: AnnotationChange[];
  /** How many annotations both sides have with the same value. */
  sameAnnotations: number;
  sections: SectionSize[];
  imports: ListChange;
  exports: ListChange;
  /** True when none of the above differs. */
  same: boolean;
}

const NONE = '—';

interface Read {
  side: PolicySide;
  info: WasmInfo | null;
  model: PolicyModel | null;
}

function read(bytes: Uint8Array): Read {
  const side: PolicySide = { size: bytes.length, kind: null, hasMetadata: false, problems: [] };
  let info: WasmInfo;
  try {
    info = parseWasm(bytes);
  } catch (e) {
    side.problems.push((e as Error).message);
    return { side, info: null, model: null };
  }
  const model = readPolicyModel(bytes, info);
  side.kind = info.kind;
  side.hasMetadata = model.metadata !== null;
  if (model.metadataError) side.problems.push(`The metadata cannot be read: ${model.metadataError.message}`);
  if (info.kind !== 'module') side.problems.push('A component: its imports and exports are not compared.');
  return { side, info, model };
}

/** Compares two multisets of texts, keeping each side's order. */
export function compareLists(left: readonly string[], right: readonly string[]): ListChange {
  const counts = new Map<string, number>();
  for (const x of left) counts.set(x, (counts.get(x) ?? 0) + 1);
  const added: string[] = [];
  let unchanged = 0;
  for (const x of right) {
    const n = counts.get(x) ?? 0;
    if (n > 0) {
      counts.set(x, n - 1);
      unchanged++;
    } else added.push(x);
  }
  const removed: string[] = [];
  for (const x of left) {
    const n = counts.get(x) ?? 0;
    if (n > 0) {
      counts.set(x, n - 1);
      removed.push(x);
    }
  }
  return { added, removed, unchanged };
}

const sorted = (xs: readonly string[]) => [...xs].sort();

/** A rule as one line, its lists sorted (their order means nothing): `CREATE,UPDATE core/v1/pods`. */
export function ruleText(rule: Rule): string {
  const groups = sorted(rule.apiGroups).map((g) => (g === '' ? 'core' : g));
  return `${sorted(rule.operations).join(',')} ${groups.join(',')}/${sorted(rule.apiVersions).join(',')}/${sorted(rule.resources).join(',')}`;
}

function sectionSizes(info: WasmInfo | null): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of info?.sections ?? []) {
    const name = s.id === 0 ? `custom "${s.name ?? ''}"` : s.kind;
    out.set(name, (out.get(name) ?? 0) + (s.payloadOffset - s.offset) + s.size);
  }
  return out;
}

function compareSections(left: WasmInfo | null, right: WasmInfo | null): SectionSize[] {
  const l = sectionSizes(left);
  const r = sectionSizes(right);
  const names = [...new Set([...l.keys(), ...r.keys()])];
  return names.map((section) => {
    const a = l.get(section) ?? 0;
    const b = r.get(section) ?? 0;
    return { section, left: a, right: b, delta: b - a };
  });
}

function compareAnnotations(
  left: Record<string, string>,
  right: Record<string, string>,
): { changes: AnnotationChange[]; same: number } {
  const has = (o: Record<string, string>, k: string) => Object.prototype.hasOwnProperty.call(o, k);
  const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
  const changes: AnnotationChange[] = [];
  let same = 0;
  for (const key of keys) {
    const a = has(left, key) ? left[key] : null;
    const b = has(right, key) ? right[key] : null;
    if (a === b) same++;
    else changes.push({ key, left: a, right: b });
  }
  return { changes, same };
}

function fields(l: PolicyModel | null, r: PolicyModel | null): ValueChange[] {
  const mode = (m: PolicyModel | null) =>
    m
      ? `${m.execution.mode}${m.execution.fromMetadata ? '' : ' (no metadata: decided from the module)'}`
      : NONE;
  const rows: [string, (m: PolicyModel | null) => string][] = [
    ['execution mode', mode],
    ['mutating', (m) => String(m?.metadata?.mutating ?? NONE)],
    ['background audit', (m) => String(m?.metadata?.backgroundAudit ?? NONE)],
    ['policy type', (m) => m?.metadata?.policyType ?? NONE],
    ['protocol version', (m) => m?.metadata?.protocolVersion ?? NONE],
    ['minimum Kubewarden version', (m) => m?.metadata?.minimumKubewardenVersion ?? NONE],
    ['Rego (opa_ exports)', (m) => (m ? String(m.rego) : NONE)],
  ];
  return rows.map(([field, get]) => {
    const left = get(l);
    const right = get(r);
    return { field, left, right, changed: left !== right };
  });
}

const importTexts = (m: PolicyModel | null) =>
  (m?.imports ?? []).map((i) => `${i.module}.${i.name} (${i.kind})`);

/** Compares two policy modules. Never throws: what a side lacks is listed in its `problems`. */
export function diffPolicies(leftBytes: Uint8Array, rightBytes: Uint8Array): PolicyDiff {
  const l = read(leftBytes);
  const r = read(rightBytes);
  const lm = l.model?.metadata ?? null;
  const rm = r.model?.metadata ?? null;
  const annotations = compareAnnotations(lm?.annotations ?? {}, rm?.annotations ?? {});
  const resources = (m: typeof lm) =>
    (m?.contextAwareResources ?? []).map((c) => `${c.apiVersion}/${c.kind}`);
  const diff: PolicyDiff = {
    left: l.side,
    right: r.side,
    fields: fields(l.model, r.model),
    rules: compareLists((lm?.rules ?? []).map(ruleText), (rm?.rules ?? []).map(ruleText)),
    contextAwareResources: compareLists(resources(lm), resources(rm)),
    hostCapabilities: compareLists(lm?.hostCapabilities ?? [], rm?.hostCapabilities ?? []),
    annotations: annotations.changes,
    sameAnnotations: annotations.same,
    sections: compareSections(l.info, r.info),
    imports: compareLists(importTexts(l.model), importTexts(r.model)),
    exports: compareLists(l.model?.exports ?? [], r.model?.exports ?? []),
    same: false,
  };
  const lists = [diff.rules, diff.contextAwareResources, diff.hostCapabilities, diff.imports, diff.exports];
  diff.same =
    diff.fields.every((f) => !f.changed) &&
    lists.every((x) => x.added.length === 0 && x.removed.length === 0) &&
    diff.annotations.length === 0 &&
    diff.sections.every((s) => s.delta === 0);
  return diff;
}
