/** OPA and Gatekeeper policies through @open-policy-agent/opa-wasm, with the input shapes Kubewarden uses for each. */
import { ConsoleCollector } from './console-log';
import { RuntimeError, serializeError } from './errors';
import { DEFAULT_MEMORY_LIMIT } from './wapc';
import type { EvaluateInput, EvaluationResult } from './types';
import { type PatchOperation, type Verdict } from './verdict';

const PAGE = 65536;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Evaluates a Rego policy. OPA: input `{"request": request}`, data = settings, and the default entrypoint must
 * yield `{"response": AdmissionResponse}`. Gatekeeper: input `{"parameters": settings, "review": request}`, data
 * `{}`, and the entrypoint yields a list of violations `{msg}`; none means accepted. Settings are always valid
 * (Kubewarden has no settings validation for Rego).
 */
export async function evaluateRego(input: EvaluateInput): Promise<EvaluationResult> {
  const mode = input.mode;
  if (mode !== 'opa' && mode !== 'gatekeeper') throw new Error(`evaluateRego cannot run mode ${mode}`);
  const log = new ConsoleCollector();
  const result: EvaluationResult = {
    mode,
    settings: { valid: true },
    verdict: null,
    console: log.lines,
    timings: { instantiateMs: 0, validateSettingsMs: 0, validateMs: 0 },
  };
  try {
    if (mode === 'gatekeeper' && input.policyType === 'raw')
      throw new RuntimeError('bad-input', 'Gatekeeper does not support raw validation requests');
    let t = performance.now();
    const maximum = Math.max(2, Math.floor((input.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT) / PAGE));
    let policy;
    try {
      // Loaded on first use so the page bundle does not carry the OPA SDK; only workers running Rego fetch it.
      const { loadPolicy } = await import('@open-policy-agent/opa-wasm');
      policy = await loadPolicy(input.bytes as Uint8Array<ArrayBuffer>, { initial: 5, maximum });
    } catch (e) {
      throw new RuntimeError('instantiate', `The Rego policy could not be loaded: ${(e as Error).message}`);
    }
    result.timings.instantiateMs = performance.now() - t;
    t = performance.now();
    let resultSet: unknown;
    if (mode === 'opa') {
      policy.setData(input.settings);
      resultSet = policy.evaluate({ request: input.request });
    } else {
      policy.setData({});
      resultSet = policy.evaluate({ parameters: input.settings, review: input.request });
    }
    result.timings.validateMs = performance.now() - t;
    log.push('log', `result set: ${clip(resultSet)}`);
    const first = Array.isArray(resultSet) ? resultSet[0] : undefined;
    result.verdict = mode === 'opa' ? opaVerdict(first, input.request.object) : gatekeeperVerdict(first);
  } catch (e) {
    result.error = serializeError(e);
  }
  result.console = log.finish();
  return result;
}

/** OPA mode: `result.response` is an AdmissionResponse (`allowed`, `status.message`, `status.code`, `patch`). */
function opaVerdict(first: unknown, object: unknown): Verdict {
  const response = isRecord(first) && isRecord(first.result) ? first.result.response : undefined;
  if (!isRecord(response)) throw new RuntimeError('bad-reply', 'cannot interpret OPA policy result');
  if (typeof response.allowed !== 'boolean')
    throw new RuntimeError('bad-reply', `The OPA response has no boolean "allowed": ${clip(response)}`);
  const v: Verdict = { accepted: response.allowed };
  const status = response.status;
  if (isRecord(status)) {
    if (typeof status.message === 'string') v.message = status.message;
    if (typeof status.code === 'number') v.code = status.code;
  }
  if (typeof response.patch === 'string') {
    const patch = decodePatch(response.patch);
    v.patch = patch;
    v.mutatedObject = applyPatch(object, patch);
  }
  return v;
}

/** Gatekeeper mode: the first result's `result` is the list of violations. */
function gatekeeperVerdict(first: unknown): Verdict {
  const violations = isRecord(first) && Array.isArray(first.result) ? first.result : [];
  if (violations.length === 0) return { accepted: true };
  const message = violations
    .map((x) => (isRecord(x) && typeof x.msg === 'string' ? x.msg : null))
    .filter((x): x is string => x !== null)
    .join(', ');
  return { accepted: false, message };
}

function decodePatch(b64: string): PatchOperation[] {
  try {
    const bin = atob(b64);
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (!Array.isArray(value)) throw new Error('not a list');
    return value as PatchOperation[];
  } catch (e) {
    throw new RuntimeError(
      'bad-reply',
      `The OPA response's patch is not base64 JSON Patch: ${(e as Error).message}`,
    );
  }
}

/** Applies add/remove/replace to a copy; unsupported operations leave the object unchanged and show in the patch. */
function applyPatch(object: unknown, patch: PatchOperation[]): unknown {
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

function clip(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 2000 ? s.slice(0, 2000) + '…' : s;
}
