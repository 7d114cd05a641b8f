/** A stand-in cluster made of Kubernetes objects the user provides: answers get, list and plural-name requests. */
import type { CallbackRequest } from './callback-request';
import type { CallbackAnswer } from './capability-host';
import type { JsonObject } from './request';

function isRecord(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function meta(obj: JsonObject): JsonObject {
  return isRecord(obj.metadata) ? obj.metadata : {};
}

/** Kinds whose plural the guess below gets wrong, as `kubectl api-resources` lists them. */
const IRREGULAR_PLURALS: Record<string, string> = { Endpoints: 'endpoints', Gateway: 'gateways' };

/**
 * The plural resource name of a kind, as the API server's REST mapper guesses it for kinds it does not know
 * (k8s.io/apimachinery meta.UnsafeGuessKindToResource): lowercase, then `-es` after a final `s`, `-ies` for a
 * final `y`, else `-s`. Real clusters answer this from discovery; a local object list cannot, so it is a guess.
 */
export function pluralName(kind: string): string {
  if (Object.hasOwn(IRREGULAR_PLURALS, kind)) return IRREGULAR_PLURALS[kind];
  const k = kind.toLowerCase();
  if (k.endsWith('s')) return k + 'es';
  if (k.endsWith('y')) return k.slice(0, -1) + 'ies';
  return k === '' ? k : k + 's';
}

type Requirement = (labels: Record<string, string>) => boolean;

/** Parses a label selector (`a=b,c!=d,e in (x,y),!f`), the syntax of k8s.io/apimachinery labels.Parse. */
export function parseLabelSelector(selector: string): Requirement[] {
  const out: Requirement[] = [];
  // Split at commas outside parentheses.
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  for (const raw of parts.map((p) => p.trim()).filter(Boolean)) {
    let m: RegExpMatchArray | null;
    if ((m = raw.match(/^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/))) {
      const [, key, op, list] = m;
      const values = new Set(list.split(',').map((v) => v.trim()));
      out.push(op === 'in' ? (l) => Object.hasOwn(l, key) && values.has(l[key]) : (l) => !values.has(l[key]));
    } else if ((m = raw.match(/^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/))) {
      const [, key, op, value] = m;
      out.push(op === '!=' ? (l) => l[key] !== value : (l) => Object.hasOwn(l, key) && l[key] === value);
    } else if ((m = raw.match(/^!\s*([\w./-]+)$/))) {
      const key = m[1];
      out.push((l) => !Object.hasOwn(l, key));
    } else if ((m = raw.match(/^([\w./-]+)$/))) {
      const key = m[1];
      out.push((l) => Object.hasOwn(l, key));
    } else throw new Error(`unable to parse requirement: ${raw}`);
  }
  return out;
}

function labelsOf(obj: JsonObject): Record<string, string> {
  const l = meta(obj).labels;
  return isRecord(l) ? (l as Record<string, string>) : {};
}

/** Field selectors on the two fields every kind supports (`metadata.name`, `metadata.namespace`). */
function parseFieldSelector(selector: string): ((o: JsonObject) => boolean)[] {
  return selector
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const m = p.match(/^(metadata\.name|metadata\.namespace)\s*(==|=|!=)\s*(.*)$/);
      if (!m)
        throw new Error(
          `field selector "${p}" is not supported here (only metadata.name and metadata.namespace)`,
        );
      const [, field, op, value] = m;
      const get = (o: JsonObject) => String(meta(o)[field === 'metadata.name' ? 'name' : 'namespace'] ?? '');
      return op === '!=' ? (o: JsonObject) => get(o) !== value : (o: JsonObject) => get(o) === value;
    });
}

/** Answers Kubernetes reads from a fixed list of objects, with the replies a real cluster would give. */
export class ClusterHost {
  constructor(private readonly objects: readonly JsonObject[]) {}

  private ofType(apiVersion: string, kind: string): JsonObject[] {
    return this.objects.filter((o) => o.apiVersion === apiVersion && o.kind === kind);
  }

  answer(req: CallbackRequest): CallbackAnswer | null {
    const f = req.fields as Record<string, string | null>;
    switch (req.tag) {
      case 'KubernetesGetResourcePluralName':
        return { ok: true, payload: JSON.stringify(pluralName(f.kind ?? '')) };
      case 'KubernetesGetResource': {
        const found = this.ofType(f.api_version!, f.kind!).find(
          (o) => meta(o).name === f.name && (f.namespace === null || meta(o).namespace === f.namespace),
        );
        if (found) return { ok: true, payload: JSON.stringify(found) };
        // policy-evaluator's wording, with the namespace as Rust prints an Option.
        const ns = f.namespace === null ? 'None' : `Some("${f.namespace}")`;
        return {
          ok: false,
          message: `Cannot find ${f.api_version}/${f.kind} named '${f.name}' inside of namespace '${ns}'`,
        };
      }
      case 'KubernetesListResourceAll':
      case 'KubernetesListResourceNamespace': {
        let items = this.ofType(f.api_version!, f.kind!);
        if (req.tag === 'KubernetesListResourceNamespace')
          items = items.filter((o) => meta(o).namespace === f.namespace);
        try {
          if (f.label_selector) {
            const reqs = parseLabelSelector(f.label_selector);
            items = items.filter((o) => reqs.every((r) => r(labelsOf(o))));
          }
          if (f.field_selector) {
            const reqs = parseFieldSelector(f.field_selector);
            items = items.filter((o) => reqs.every((r) => r(o)));
          }
        } catch (e) {
          return { ok: false, message: (e as Error).message };
        }
        return {
          ok: true,
          payload: JSON.stringify({
            apiVersion: 'v1',
            kind: 'List',
            metadata: { resourceVersion: '' },
            items,
          }),
        };
      }
      default:
        return null;
    }
  }
}
