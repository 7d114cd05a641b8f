/** The verdict model: what a policy decided, normalised from waPC/WASI replies, OPA responses and Gatekeeper violations. */
import { compareUtf8 } from '../kubewarden';
import { RuntimeError } from './errors';

/** One RFC 6902 operation. */
export interface PatchOperation {
  op: 'add' | 'remove' | 'replace';
  path: string;
  value?: unknown;
}

export interface Verdict {
  accepted: boolean;
  message?: string;
  code?: number;
  /** For a mutating reply: the patch from the request's object to the mutated object, and that object. */
  patch?: PatchOperation[];
  mutatedObject?: unknown;
  warnings?: string[];
  /** Kept from the reply, as kwctl keeps them in the response's `auditAnnotations`. */
  auditAnnotations?: Record<string, string>;
}

export interface SettingsVerdict {
  valid: boolean;
  message?: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads a settings validation reply `{valid, message?}`. */
export function settingsVerdict(reply: unknown): SettingsVerdict {
  if (!isRecord(reply) || typeof reply.valid !== 'boolean')
    throw new RuntimeError(
      'bad-reply',
      `The settings validation reply has no boolean "valid": ${clip(reply)}`,
    );
  return typeof reply.message === 'string'
    ? { valid: reply.valid, message: reply.message }
    : { valid: reply.valid };
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** A container's entries as treediff sees them: array indices (numbers) or object keys (strings). */
function items(v: unknown): Map<number | string, unknown> | null {
  if (Array.isArray(v)) return new Map(v.map((x, i) => [i, x]));
  if (isRecord(v)) return new Map(Object.entries(v));
  return null;
}

/** treediff's key order (`Key` derives Ord): every index before every string, indices by value, strings bytewise. */
function compareKeys(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return compareUtf8(a, b);
}

/**
 * The JSON Patch turning `from` into `to`, as kwctl computes it (json-patch's `diff` over treediff): at each
 * container, the keys both sides share (sorted) are compared recursively, then keys only in `to` are added, then
 * keys only in `from` removed, array indices shifting down as elements go. Scalars, or a container against a
 * scalar, are replaced. Like treediff, an empty object and an empty array have no entries to tell them apart.
 * The mutated object comes from the policy, so its depth is untrusted: the walk keeps its own stack (in the order
 * the recursive definition gives) and visits each value once, where comparing JSON texts at every level was
 * quadratic and a deep object overflowed the call stack.
 */
export function diffJson(from: unknown, to: unknown): PatchOperation[] {
  const ops: PatchOperation[] = [];
  // A frame compares a pair, or emits the adds and removes of a container after its shared keys were compared.
  const stack: ({ l: unknown; r: unknown; path: string } | { emit: PatchOperation[] })[] = [
    { l: from, r: to, path: '' },
  ];
  while (stack.length > 0) {
    const f = stack.pop()!;
    if ('emit' in f) {
      ops.push(...f.emit);
      continue;
    }
    const { l, r, path } = f;
    const li = items(l);
    const ri = items(r);
    if (!li || !ri) {
      // Equal scalars need nothing; a scalar and a container, or two different scalars, are replaced.
      if (li || ri || l !== r) ops.push({ op: 'replace', path, value: r });
      continue;
    }
    const lk = [...li.keys()].sort(compareKeys);
    const rk = [...ri.keys()].sort(compareKeys);
    const at = (k: number | string, shift = 0) =>
      `${path}/${typeof k === 'number' ? String(k - shift) : escapePointer(k)}`;
    const after: PatchOperation[] = [];
    for (const k of rk) if (!li.has(k)) after.push({ op: 'add', path: at(k), value: ri.get(k) });
    let shift = 0;
    for (const k of lk)
      if (!ri.has(k)) {
        after.push({ op: 'remove', path: at(k, shift) });
        if (typeof k === 'number') shift++;
      }
    if (after.length) stack.push({ emit: after });
    for (let i = rk.length - 1; i >= 0; i--) {
      const k = rk[i]!;
      if (li.has(k)) stack.push({ l: li.get(k), r: ri.get(k), path: at(k) });
    }
  }
  return ops;
}

function clip(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 200 ? s.slice(0, 200) + '…' : s;
}
