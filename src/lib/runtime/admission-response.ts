/** The AdmissionResponse kwctl prints, built from each runtime's reply exactly as policy-evaluator builds it. */
import { RuntimeError } from './errors';
import { diffJson, type PatchOperation, type Verdict } from './verdict';

/** Kubernetes admission/v1 AdmissionResponse as kwctl serialises it (crates/policy-evaluator/src/admission_response.rs). */
export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  patchType?: string;
  /** Base64 of the JSON Patch (RFC 6902) text. */
  patch?: string;
  status?: { message?: string; code?: number };
  auditAnnotations: Record<string, string> | null;
  warnings: string[] | null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function clip(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 200 ? s.slice(0, 200) + '…' : s;
}

/**
 * The response as `kwctl run` prints it on stdout: serde_json, compact, fields in struct order, `patchType`,
 * `patch` and `status` left out when unset, `auditAnnotations` and `warnings` always present (null when unset).
 */
export function kwctlResponseJson(r: AdmissionResponse): string {
  const out: Record<string, unknown> = { uid: r.uid, allowed: r.allowed };
  if (r.patchType !== undefined) out.patchType = r.patchType;
  if (r.patch !== undefined) out.patch = r.patch;
  if (r.status !== undefined) {
    const status: Record<string, unknown> = {};
    if (r.status.message !== undefined) status.message = r.status.message;
    if (r.status.code !== undefined) status.code = r.status.code;
    out.status = status;
  }
  out.auditAnnotations = r.auditAnnotations;
  out.warnings = r.warnings;
  return JSON.stringify(out);
}

/** `AdmissionResponse::reject_internal_server_error`: what kwctl prints when a reply cannot be read. */
export function internalServerError(uid: string, message: string): AdmissionResponse {
  return {
    uid,
    allowed: false,
    status: { message: `internal server error: ${message}`, code: 500 },
    auditAnnotations: null,
    warnings: null,
  };
}

/** `AdmissionResponse::reject`. */
export function rejectResponse(uid: string, message: string, code: number): AdmissionResponse {
  return { uid, allowed: false, status: { message, code }, auditAnnotations: null, warnings: null };
}

function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** Decodes a base64 JSON Patch; a bad one is a `bad-reply` error saying so. */
export function decodePatch(b64: string): PatchOperation[] {
  try {
    const bin = atob(b64);
    const value: unknown = JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0))));
    if (!Array.isArray(value)) throw new Error('not a list');
    return value as PatchOperation[];
  } catch (e) {
    throw new RuntimeError(
      'bad-reply',
      `The response's patch is not base64 JSON Patch: ${(e as Error).message}`,
    );
  }
}

function stringMap(v: unknown, what: string): Record<string, string> | null {
  if (v === undefined || v === null) return null;
  if (!isRecord(v) || Object.values(v).some((x) => typeof x !== 'string'))
    throw new RuntimeError('bad-reply', `${what} must be a map of strings: ${clip(v)}`);
  return v as Record<string, string>;
}

function stringList(v: unknown, what: string): string[] | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    throw new RuntimeError('bad-reply', `${what} must be a list of strings: ${clip(v)}`);
  return v as string[];
}

function optString(v: unknown, what: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new RuntimeError('bad-reply', `${what} must be a string: ${clip(v)}`);
  return v;
}

function optCode(v: unknown, what: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 65535)
    throw new RuntimeError('bad-reply', `${what} must be an integer 0..65535: ${clip(v)}`);
  return v as number;
}

/**
 * A Kubewarden `ValidationResponse` (waPC and WASI policies) turned into the AdmissionResponse, as
 * `AdmissionResponse::from_policy_validation_response` does: a `mutated_object` becomes a base64 JSON Patch against
 * the request's object (the whole document for raw policies); no object to patch is a rejection.
 * `requestObject` is `undefined` when the request has no `object` field at all. Throws `bad-reply` for a reply
 * kwctl could not deserialise; callers print {@link internalServerError} then.
 */
export function fromValidationResponse(
  uid: string,
  reply: unknown,
  requestObject: unknown,
): AdmissionResponse {
  if (!isRecord(reply) || typeof reply.accepted !== 'boolean')
    throw new RuntimeError('bad-reply', `The policy's reply has no boolean "accepted": ${clip(reply)}`);
  const message = optString(reply.message, 'The reply\'s "message"');
  const code = optCode(reply.code, 'The reply\'s "code"');
  const auditAnnotations = stringMap(reply.audit_annotations, 'The reply\'s "audit_annotations"');
  const warnings = stringList(reply.warnings, 'The reply\'s "warnings"');
  const mutated = reply.mutated_object;
  if (mutated !== undefined && mutated !== null && requestObject === undefined)
    return {
      uid,
      allowed: false,
      status: {
        message:
          'Incoming object is null, which happens only with DELETE operations, but the policy is attempting a mutation. This is not allowed',
      },
      auditAnnotations: null,
      warnings: null,
    };
  const r: AdmissionResponse = { uid, allowed: reply.accepted, auditAnnotations, warnings };
  if (mutated !== undefined && mutated !== null) {
    const ops = diffJson(requestObject, mutated);
    if (ops.length > 0) {
      r.patchType = 'JSONPatch';
      r.patch = base64Utf8(JSON.stringify(ops));
    }
  }
  if (message !== undefined || code !== undefined) {
    r.status = {};
    if (message !== undefined) r.status.message = message;
    if (code !== undefined) r.status.code = code;
  }
  return r;
}

/**
 * An OPA policy's `result.response`, deserialised as kwctl does into its AdmissionResponse (so `uid` and
 * `allowed` are required) and given the request's uid (crates/policy-evaluator/src/runtimes/rego/runtime.rs).
 */
export function fromOpaResponse(uid: string, response: unknown): AdmissionResponse {
  if (!isRecord(response)) throw new RuntimeError('bad-reply', 'cannot interpret OPA policy result');
  if (typeof response.uid !== 'string') throw new RuntimeError('bad-reply', 'missing field `uid`');
  if (typeof response.allowed !== 'boolean')
    throw new RuntimeError('bad-reply', `The OPA response has no boolean "allowed": ${clip(response)}`);
  const r: AdmissionResponse = {
    uid,
    allowed: response.allowed,
    auditAnnotations: stringMap(response.auditAnnotations, 'The response\'s "auditAnnotations"'),
    warnings: stringList(response.warnings, 'The response\'s "warnings"'),
  };
  const patchType = optString(response.patchType, 'The response\'s "patchType"');
  const patch = optString(response.patch, 'The response\'s "patch"');
  if (patchType !== undefined) r.patchType = patchType;
  if (patch !== undefined) r.patch = patch;
  if (response.status !== undefined && response.status !== null) {
    if (!isRecord(response.status))
      throw new RuntimeError('bad-reply', `The response's "status" must be a map: ${clip(response.status)}`);
    r.status = {};
    const message = optString(response.status.message, 'The status "message"');
    const code = optCode(response.status.code, 'The status "code"');
    if (message !== undefined) r.status.message = message;
    if (code !== undefined) r.status.code = code;
  }
  return r;
}

/** Gatekeeper: the first result's `result` is a list of violations; their `msg`s joined by ", " reject. */
export function fromGatekeeperResult(uid: string, first: unknown): AdmissionResponse {
  // kwctl reads a result that is not `{result: [..]}` as no violations (`unwrap_or_default`).
  const violations = isRecord(first) && Array.isArray(first.result) ? first.result : [];
  if (violations.length === 0) return { uid, allowed: true, auditAnnotations: null, warnings: null };
  const message = violations
    .map((x) => (isRecord(x) && typeof x.msg === 'string' ? x.msg : null))
    .filter((x): x is string => x !== null)
    .join(', ');
  return { uid, allowed: false, status: { message }, auditAnnotations: null, warnings: null };
}

/** Applies add/remove/replace to a copy; other operations leave the object unchanged (the patch still shows them). */
export function applyPatch(object: unknown, patch: PatchOperation[]): unknown {
  let doc: unknown = structuredClone(object);
  for (const op of patch) {
    const keys = op.path
      .split('/')
      .slice(1)
      .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (keys.length === 0) {
      if (op.op !== 'remove') doc = op.value;
      continue;
    }
    let parent: unknown = doc;
    for (const k of keys.slice(0, -1))
      parent = isRecord(parent) || Array.isArray(parent) ? (parent as Record<string, unknown>)[k] : undefined;
    const last = keys[keys.length - 1];
    if (Array.isArray(parent)) {
      const i = last === '-' ? parent.length : Number(last);
      if (op.op === 'add') parent.splice(i, 0, op.value);
      else if (op.op === 'remove') parent.splice(i, 1);
      else if (op.op === 'replace') parent[i] = op.value;
    } else if (isRecord(parent)) {
      if (op.op === 'remove') delete parent[last];
      else if (op.op === 'add' || op.op === 'replace') parent[last] = op.value;
    }
  }
  return doc;
}

/** The friendly view of a response: accepted or not, message, code, the decoded patch and the object after it. */
export function verdictOf(r: AdmissionResponse, requestObject: unknown, mutatedObject?: unknown): Verdict {
  const v: Verdict = { accepted: r.allowed };
  if (r.status?.message !== undefined) v.message = r.status.message;
  if (r.status?.code !== undefined) v.code = r.status.code;
  if (r.warnings) v.warnings = r.warnings;
  if (r.auditAnnotations) v.auditAnnotations = r.auditAnnotations;
  if (r.patch !== undefined) {
    v.patch = decodePatch(r.patch);
    v.mutatedObject = mutatedObject !== undefined ? mutatedObject : applyPatch(requestObject, v.patch);
  }
  return v;
}

/** Reads a Kubewarden `ValidationResponse` into the friendly verdict (unknown fields are ignored). */
export function verdictFromValidationResponse(reply: unknown, requestObject: unknown): Verdict {
  const r = fromValidationResponse('', reply, requestObject);
  const mutated = isRecord(reply) ? reply.mutated_object : undefined;
  return verdictOf(r, requestObject, r.patch === undefined ? undefined : mutated);
}
