/** The verdict model: what a policy decided, normalised from waPC/WASI replies, OPA responses and Gatekeeper violations. */
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
}

export interface SettingsVerdict {
  valid: boolean;
  message?: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads a Kubewarden `ValidationResponse` (waPC and WASI policies); unknown fields are ignored. */
export function verdictFromValidationResponse(reply: unknown, requestObject: unknown): Verdict {
  if (!isRecord(reply) || typeof reply.accepted !== 'boolean')
    throw new RuntimeError('bad-reply', `The policy's reply has no boolean "accepted": ${clip(reply)}`);
  const v: Verdict = { accepted: reply.accepted };
  if (typeof reply.message === 'string') v.message = reply.message;
  if (typeof reply.code === 'number') v.code = reply.code;
  if (Array.isArray(reply.warnings)) v.warnings = reply.warnings.map(String);
  if (reply.mutated_object !== undefined && reply.mutated_object !== null) {
    v.mutatedObject = reply.mutated_object;
    v.patch = diffJson(requestObject, reply.mutated_object);
  }
  return v;
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

/**
 * A JSON patch turning `from` into `to`: objects are compared key by key, arrays index by index when the length is
 * equal. The mutated object comes from the policy, so its depth is untrusted: an explicit stack instead of
 * recursion, and each value is visited once (no JSON.stringify of every subtree on the way down).
 */
export function diffJson(from: unknown, to: unknown, path = ''): PatchOperation[] {
  const ops: PatchOperation[] = [];
  // Work in the order the recursive definition gives: a frame is a pair to compare, or an op ready to emit.
  const stack: ({ from: unknown; to: unknown; path: string } | { op: PatchOperation })[] = [
    { from, to, path },
  ];
  while (stack.length > 0) {
    const f = stack.pop()!;
    if ('op' in f) {
      ops.push(f.op);
      continue;
    }
    const { from: a, to: b, path: p } = f;
    if (isRecord(a) && isRecord(b)) {
      for (const k of Object.keys(a))
        if (!Object.hasOwn(b, k)) ops.push({ op: 'remove', path: `${p}/${escapePointer(k)}` });
      const keys = Object.keys(b);
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i]!;
        const kp = `${p}/${escapePointer(k)}`;
        stack.push(
          Object.hasOwn(a, k)
            ? { from: a[k], to: b[k], path: kp }
            : { op: { op: 'add', path: kp, value: b[k] } },
        );
      }
    } else if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
      for (let i = a.length - 1; i >= 0; i--) stack.push({ from: a[i], to: b[i], path: `${p}/${i}` });
    } else if (a !== b || (typeof a === 'object' && a !== null)) {
      // Scalars that differ, or containers of different kinds or lengths.
      ops.push({ op: 'replace', path: p, value: b });
    }
  }
  return ops;
}

function clip(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 200 ? s.slice(0, 200) + '…' : s;
}
