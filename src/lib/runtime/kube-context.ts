/** Context-aware data for Rego policies: `data.kubernetes` (OPA) and `data.inventory` (Gatekeeper), as policy-server builds them. */
import { MAX_YAML_DEPTH, yamlTooDeepAt } from '../common';
import { parseAllDocuments } from 'yaml';
import { callbackRequest, type ContextAwareResource } from './callback-request';
import type { CallbackAnswer } from './capability-host';
import { RuntimeError } from './errors';
import type { JsonObject } from './request';

function isRecord(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Largest resources text accepted; object dumps of a small cluster are well below. */
const MAX_RESOURCES_CHARS = 16 * 1024 * 1024;

/**
 * Reads Kubernetes objects the user pasted or dropped: JSON, or YAML with any number of `---` documents; a `List`
 * (or any `…List` with `items`) contributes its items. Each object needs apiVersion, kind and metadata.name.
 */
export function parseResources(text: string): JsonObject[] {
  if (text.trim() === '') return [];
  if (text.length > MAX_RESOURCES_CHARS)
    throw new RuntimeError(
      'bad-input',
      `The Kubernetes resources are larger than ${MAX_RESOURCES_CHARS / 1048576} MiB.`,
    );
  const deep = yamlTooDeepAt(text);
  if (deep !== null)
    throw new RuntimeError(
      'bad-input',
      `The Kubernetes resources nests deeper than ${MAX_YAML_DEPTH} levels at line ${deep}.`,
    );
  const values: unknown[] = [];
  const docs = parseAllDocuments(text, { prettyErrors: false });
  const all = Array.isArray(docs) ? docs : [docs];
  all.forEach((doc, i) => {
    if (doc.errors.length)
      throw new RuntimeError(
        'bad-input',
        `Kubernetes resources, document ${i + 1}: ${doc.errors[0].message.split('\n')[0]}`,
      );
    const v: unknown = doc.toJS({ maxAliasCount: 100 });
    if (v !== null && v !== undefined) values.push(v);
  });
  const out: JsonObject[] = [];
  const add = (v: unknown, where: string) => {
    if (!isRecord(v)) throw new RuntimeError('bad-input', `${where} is not a Kubernetes object.`);
    if (Array.isArray(v.items) && typeof v.kind === 'string' && v.kind.endsWith('List')) {
      v.items.forEach((item, j) => add(item, `${where}, item ${j + 1}`));
      return;
    }
    const name = isRecord(v.metadata) ? v.metadata.name : undefined;
    if (typeof v.apiVersion !== 'string' || typeof v.kind !== 'string' || typeof name !== 'string')
      throw new RuntimeError('bad-input', `${where} needs apiVersion, kind and metadata.name.`);
    out.push(v);
  };
  values.forEach((v, i) =>
    Array.isArray(v)
      ? v.forEach((x, j) => add(x, `Resource ${i + 1}.${j + 1}`))
      : add(v, `Resource ${i + 1}`),
  );
  return out;
}

/** The order of a `BTreeSet<ContextAwareResource>`: by apiVersion, then kind (derived `Ord`, bytewise). */
export function sortAllowList(list: readonly ContextAwareResource[]): ContextAwareResource[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const seen = new Set<string>();
  return [...list]
    .sort((a, b) => cmp(a.apiVersion, b.apiVersion) || cmp(a.kind, b.kind))
    .filter((r) => {
      const k = `${r.apiVersion}\u0000${r.kind}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
}

/** Sets `obj[key]` as data (keys such as `__proto__` stay keys), returning the value stored there. */
function slot<T>(obj: Record<string, unknown>, key: string, make: () => T): T {
  if (!Object.hasOwn(obj, key))
    Object.defineProperty(obj, key, { value: make(), enumerable: true, writable: true, configurable: true });
  return obj[key] as T;
}

/** Rebuilds an object with its keys sorted at every level the inventory owns (a `BTreeMap` serialises sorted). */
function sorted(obj: Record<string, unknown>, levels: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(obj).sort()) {
    const v = obj[k];
    slot(out, k, () => (levels > 1 && isRecord(v) ? sorted(v, levels - 1) : v));
  }
  return out;
}

function nameOf(obj: JsonObject): string {
  const name = isRecord(obj.metadata) ? obj.metadata.name : undefined;
  if (typeof name !== 'string') throw new Error('DynamicObject does not have name');
  return name;
}

function namespaceOf(obj: JsonObject): string | null {
  const ns = isRecord(obj.metadata) ? obj.metadata.namespace : undefined;
  return typeof ns === 'string' ? ns : null;
}

/**
 * `data.kubernetes` for OPA policies (crates/policy-evaluator/src/runtimes/rego/opa_inventory.rs):
 * `<plural>.<namespace>.<name>` for namespaced objects, `<plural>.<name>` for cluster-wide ones.
 */
export function opaInventory(
  lists: Map<ContextAwareResource, JsonObject[]>,
  plurals: Map<ContextAwareResource, string>,
): JsonObject {
  const inv: Record<string, unknown> = {};
  const scope: Record<string, 'cluster' | 'namespace'> = {};
  for (const [resource, items] of lists) {
    const plural = plurals.get(resource);
    if (plural === undefined)
      throw new Error(`cannot find plural name for resource ${resource.apiVersion}/${resource.kind}`);
    for (const obj of items) {
      const ns = namespaceOf(obj);
      const want = ns === null ? 'cluster' : 'namespace';
      if (Object.hasOwn(scope, plural) && scope[plural] !== want)
        throw new Error(
          want === 'namespace'
            ? 'trying to add a namespaced resource to a list of clusterwide resources'
            : 'trying to add a clusterwide resource to a list of namespaced resources',
        );
      scope[plural] = want;
      const byScope = slot(inv, plural, () => ({}) as Record<string, unknown>);
      const target = ns === null ? byScope : slot(byScope, ns, () => ({}) as Record<string, unknown>);
      Object.defineProperty(target, nameOf(obj), {
        value: obj,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(inv).sort())
    slot(out, k, () => sorted(inv[k] as Record<string, unknown>, scope[k] === 'namespace' ? 2 : 1));
  return out;
}

/**
 * `data.inventory` for Gatekeeper policies (crates/policy-evaluator/src/runtimes/rego/gatekeeper_inventory.rs):
 * `cluster[<apiVersion>][<kind>][<name>]` and `namespace[<namespace>][<apiVersion>][<kind>][<name>]`, keyed by
 * the allowed resource type the object was listed for.
 */
export function gatekeeperInventory(lists: Map<ContextAwareResource, JsonObject[]>): JsonObject {
  const cluster: Record<string, unknown> = {};
  const namespace: Record<string, unknown> = {};
  for (const [resource, items] of lists) {
    for (const obj of items) {
      const ns = namespaceOf(obj);
      const root = ns === null ? cluster : slot(namespace, ns, () => ({}) as Record<string, unknown>);
      const byKind = slot(root, resource.apiVersion, () => ({}) as Record<string, unknown>);
      const byName = slot(byKind, resource.kind, () => ({}) as Record<string, unknown>);
      Object.defineProperty(byName, nameOf(obj), {
        value: obj,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return { cluster: sorted(cluster, 3), namespace: sorted(namespace, 4) };
}

/** Asks the host the way policy-server does while building Rego context: one request at a time, in order. */
export type AskHost = (req: ReturnType<typeof callbackRequest>) => CallbackAnswer;

function listItems(answer: CallbackAnswer): JsonObject[] {
  if (!answer.ok) throw new Error(answer.message);
  let value: unknown;
  try {
    value = JSON.parse(answer.payload);
  } catch (e) {
    throw new Error(
      `cannot convert callback response into a list of kubernetes objects: ${(e as Error).message}`,
      { cause: e },
    );
  }
  if (!isRecord(value) || !Array.isArray(value.items))
    throw new Error(
      'cannot convert callback response into a list of kubernetes objects: missing field `items`',
    );
  return value.items.filter(isRecord);
}

/**
 * The Kubernetes context of a Rego evaluation (crates/policy-evaluator/src/runtimes/rego/stack.rs
 * `build_kubernetes_context`): nothing without allowed resources; else one `KubernetesListResourceAll` per
 * allowed type in BTreeSet order, and for OPA one `KubernetesGetResourcePluralName` per type after them — the
 * same requests, in the same order, a kwctl session of such a run records. Throws the error kwctl rejects with.
 */
export function regoContext(
  mode: 'opa' | 'gatekeeper',
  allowList: readonly ContextAwareResource[],
  ask: AskHost,
): JsonObject | null {
  const allowed = sortAllowList(allowList);
  if (allowed.length === 0) return null;
  const lists = new Map<ContextAwareResource, JsonObject[]>();
  for (const r of allowed) {
    const req = callbackRequest('KubernetesListResourceAll', { api_version: r.apiVersion, kind: r.kind });
    lists.set(r, listItems(ask(req)));
  }
  if (mode === 'gatekeeper') return gatekeeperInventory(lists);
  const plurals = new Map<ContextAwareResource, string>();
  for (const r of allowed) {
    const answer = ask(
      callbackRequest('KubernetesGetResourcePluralName', { api_version: r.apiVersion, kind: r.kind }),
    );
    if (!answer.ok) throw new Error(answer.message);
    let plural: unknown;
    try {
      plural = JSON.parse(answer.payload);
    } catch {
      plural = undefined;
    }
    if (typeof plural !== 'string')
      throw new Error('get plural name failure, cannot convert callback response: expected a string');
    plurals.set(r, plural);
  }
  return opaInventory(lists, plurals);
}
