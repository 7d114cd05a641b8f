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

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The JSON Patch turning `from` into `to`, as kwctl computes it (json-patch's `diff` over treediff): at each
 * container, the keys both sides share (sorted) are compared recursively, then keys only in `to` are added, then
 * keys only in `from` removed, array indices shifting down as elements go. Scalars, or a container against a
 * scalar, are replaced. Like treediff, an empty object and an empty array have no entries to tell them apart.
 */
export function diffJson(from: unknown, to: unknown): PatchOperation[] {
  const ops: PatchOperation[] = [];
  walk(from, to, '', ops);
  return ops;
}

function walk(l: unknown, r: unknown, path: string, ops: PatchOperation[]): void {
  const li = items(l);
  const ri = items(r);
  if (sameJson(l, r)) return;
  if (!li || !ri) {
    ops.push({ op: 'replace', path, value: r });
    return;
  }
  const lk = [...li.keys()].sort(compareKeys);
  const rk = [...ri.keys()].sort(compareKeys);
  const at = (k: number | string, shift = 0) =>
    `${path}/${typeof k === 'number' ? String(k - shift) : escapePointer(k)}`;
  for (const k of rk) if (li.has(k)) walk(li.get(k), ri.get(k), at(k), ops);
  for (const k of rk) if (!li.has(k)) ops.push({ op: 'add', path: at(k), value: ri.get(k) });
  let shift = 0;
  for (const k of lk)
    if (!ri.has(k)) {
      ops.push({ op: 'remove', path: at(k, shift) });
      if (typeof k === 'number') shift++;
    }
}

function clip(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 200 ? s.slice(0, 200) + '…' : s;
}
