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

/** A JSON patch turning `from` into `to`: objects are compared key by key, arrays index by index when the length is equal. */
export function diffJson(from: unknown, to: unknown, path = ''): PatchOperation[] {
  if (JSON.stringify(from) === JSON.stringify(to)) return [];
  if (isRecord(from) && isRecord(to)) {
    const ops: PatchOperation[] = [];
    for (const k of Object.keys(from))
      if (!Object.hasOwn(to, k)) ops.push({ op: 'remove', path: `${path}/${escapePointer(k)}` });
    for (const k of Object.keys(to)) {
      const p = `${path}/${escapePointer(k)}`;
      if (!Object.hasOwn(from, k)) ops.push({ op: 'add', path: p, value: to[k] });
      else ops.push(...diffJson(from[k], to[k], p));
    }
    return ops;
  }
  if (Array.isArray(from) && Array.isArray(to) && from.length === to.length)
    return from.flatMap((x, i) => diffJson(x, to[i], `${path}/${i}`));
  if (path === '') return [{ op: 'replace', path: '', value: to }];
  return [{ op: 'replace', path, value: to }];
}

function clip(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 200 ? s.slice(0, 200) + '…' : s;
}
