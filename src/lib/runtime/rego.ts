/** OPA and Gatekeeper policies through @open-policy-agent/opa-wasm, with the input and data Kubewarden gives each. */
import {
  fromGatekeeperResult,
  fromOpaResponse,
  internalServerError,
  rejectResponse,
  type AdmissionResponse,
} from './admission-response';
import { RuntimeError } from './errors';
import { requestUid, runPrepared, type Prepare } from './evaluation';
import { regoContext } from './kube-context';
import type { JsonObject } from './request';
import type { EvaluateInput, EvaluationResult } from './types';
import { DEFAULT_MEMORY_LIMIT, assertCoreModule } from './wapc';

const PAGE = 65536;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function clip(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 2000 ? s.slice(0, 2000) + '…' : s;
}

/**
 * A Rego policy prepared once (crates/policy-evaluator/src/runtimes/rego/runtime.rs). Settings are always valid.
 * OPA: input `{"request": request}`, data = the settings with the Kubernetes context under `kubernetes`, and the
 * entrypoint yields `{"response": AdmissionResponse}`. Gatekeeper: input `{"parameters": settings, "review":
 * request}`, data `{"inventory": …}` (or `{}`), and the entrypoint yields violations `{msg}`; none means allowed.
 * The context is built before each evaluation through the run's host, so a replayed session answers it.
 */
export const prepareRego: Prepare = async ({ input, log, host }) => {
  const mode = input.mode;
  if (mode !== 'opa' && mode !== 'gatekeeper') throw new Error(`prepareRego cannot run mode ${mode}`);
  assertCoreModule(input.bytes);
  const maximum = Math.max(2, Math.floor((input.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT) / PAGE));
  let policy: Awaited<ReturnType<typeof import('@open-policy-agent/opa-wasm').loadPolicy>>;
  try {
    // Loaded on first use so the page bundle does not carry the OPA SDK; only workers running Rego fetch it.
    const { loadPolicy } = await import('@open-policy-agent/opa-wasm');
    policy = await loadPolicy(input.bytes as Uint8Array<ArrayBuffer>, { initial: 5, maximum });
  } catch (e) {
    throw new RuntimeError('instantiate', `The Rego policy could not be loaded: ${(e as Error).message}`);
  }
  const uid = requestUid(input);
  const validate = (): AdmissionResponse => {
    if (mode === 'gatekeeper' && input.policyType === 'raw')
      return internalServerError(uid, 'Gatekeeper does not support raw validation requests');
    let context: JsonObject | null;
    try {
      context = regoContext(mode, host.allowList, (req) => host.request(req));
    } catch (e) {
      return rejectResponse(uid, (e as Error).message, 500);
    }
    let resultSet: unknown;
    try {
      if (mode === 'opa') {
        // The context overwrites a user setting named `kubernetes`, as policy-server does (with a warning).
        if (context && Object.hasOwn(input.settings, 'kubernetes'))
          log.push(
            'log',
            'The settings have a key `kubernetes`; it is replaced by the Kubernetes context data.',
          );
        policy.setData(context ? { ...input.settings, kubernetes: context } : input.settings);
        resultSet = policy.evaluate({ request: input.request });
      } else {
        policy.setData(context ? { inventory: context } : {});
        resultSet = policy.evaluate({ parameters: input.settings, review: input.request });
      }
    } catch (e) {
      return internalServerError(uid, e instanceof Error ? e.message : String(e));
    }
    log.push('log', `result set: ${clip(resultSet)}`);
    const first = Array.isArray(resultSet) ? resultSet[0] : undefined;
    if (mode === 'gatekeeper') return fromGatekeeperResult(uid, first);
    const response = isRecord(first) && isRecord(first.result) ? first.result.response : undefined;
    try {
      return fromOpaResponse(uid, response);
    } catch (e) {
      return internalServerError(uid, (e as Error).message);
    }
  };
  return { validateSettings: () => ({ valid: true }), validate: () => ({ response: validate() }) };
};

/** Evaluates a Rego policy once. */
export function evaluateRego(input: EvaluateInput): Promise<EvaluationResult> {
  if (input.mode !== 'opa' && input.mode !== 'gatekeeper')
    throw new Error(`evaluateRego cannot run mode ${input.mode}`);
  return runPrepared(input, prepareRego);
}
