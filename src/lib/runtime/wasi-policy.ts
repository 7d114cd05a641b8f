/** WASI policies (Javy/JS SDK and others) with Kubewarden's protocol: argv selects the action, JSON on stdin/stdout. */
import { fromValidationResponse } from './admission-response';
import { RuntimeError } from './errors';
import {
  requestObject,
  requestUid,
  runPrepared,
  validatePayload,
  type Prepare,
  type PrepareContext,
} from './evaluation';
import { GuestMemory, encodeUtf8 } from './guest-memory';
import type { EvaluateInput, EvaluationResult } from './types';
import { settingsVerdict } from './verdict';
import { DEFAULT_MEMORY_LIMIT, compileModule, missingImports, parseReply } from './wapc';
import { StdinPipe, WasiExit, joinOutput, wasiImports } from './wasi-shim';

interface RunOutput {
  stdout: Uint8Array;
}

/**
 * Runs `_start` of a fresh instance with argv `["policy.wasm", action]` and `input` on stdin. Host calls
 * (`host.call`) are answered by the run's host; as in Kubewarden's WASI host the reply is appended to stdin and
 * the call returns 0 on success, 1 on failure.
 */
async function runWasi(
  module: WebAssembly.Module,
  action: string,
  input: Uint8Array,
  ctx: PrepareContext,
): Promise<RunOutput> {
  const { input: opts, log, host: capabilities } = ctx;
  const mem = new GuestMemory(opts.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT);
  const stdin = new StdinPipe(input);
  const stdout: Uint8Array[] = [];
  const host = {
    call: (...a: number[]) => {
      const [bdPtr, bdLen, nsPtr, nsLen, opPtr, opLen, ptr, len] = a;
      const binding = mem.text(bdPtr, bdLen, 'the binding');
      const ns = mem.text(nsPtr, nsLen, 'the namespace');
      const op = mem.text(opPtr, opLen, 'the operation');
      const payload = mem.read(ptr, len, 'the host call payload');
      const answer = capabilities.guest(binding, ns, op, payload);
      stdin.append(answer.ok ? answer.reply : encodeUtf8(answer.error));
      return answer.ok ? 0 : 1;
    },
  };
  const imports = missingImports(module, {
    host,
    wasi_snapshot_preview1: wasiImports(module, mem, {
      args: ['policy.wasm', action],
      stdin,
      onWrite: (fd, b) => (fd === 1 ? stdout.push(b) : log.write('stderr', b)),
    }),
  });
  let instance: WebAssembly.Instance;
  try {
    instance = await WebAssembly.instantiate(module, imports as WebAssembly.Imports);
  } catch (e) {
    if (e instanceof RuntimeError) throw e;
    throw new RuntimeError('instantiate', `The module could not be instantiated: ${(e as Error).message}`);
  }
  const memory = instance.exports.memory;
  if (!(memory instanceof WebAssembly.Memory))
    throw new RuntimeError('missing-export', 'The module does not export its `memory`.');
  mem.memory = memory;
  const start = instance.exports._start;
  if (typeof start !== 'function')
    throw new RuntimeError(
      'missing-export',
      'The module does not export `_start`: it is not a WASI program.',
    );
  try {
    (start as () => void)();
  } catch (e) {
    if (!(e instanceof WasiExit)) throw e;
    if (e.exitCode !== 0)
      throw new RuntimeError('exit', `The policy exited with code ${e.exitCode} during "${action}".`);
  }
  mem.checkLimit();
  return { stdout: encodeUtf8(joinOutput(stdout)) };
}

/**
 * A WASI policy prepared as Kubewarden's WASI runtime runs it: the module compiled once, and a fresh instance per
 * action, `validate-settings` with the settings on stdin, `validate` with `{request, settings}`.
 */
export const prepareWasi: Prepare = async (ctx) => {
  const module = await compileModule(ctx.input.bytes);
  const settings = encodeUtf8(JSON.stringify(ctx.input.settings));
  const payload = encodeUtf8(JSON.stringify(validatePayload(ctx.input)));
  return {
    validateSettings: async () => {
      const s = await runWasi(module, 'validate-settings', settings, ctx);
      return settingsVerdict(parseReply('validate-settings', s.stdout));
    },
    validate: async () => {
      const v = await runWasi(module, 'validate', payload, ctx);
      const reply = parseReply<Record<string, unknown>>('validate', v.stdout);
      const response = fromValidationResponse(requestUid(ctx.input), reply, requestObject(ctx.input));
      return { response, mutatedObject: reply?.mutated_object ?? undefined };
    },
  };
};

/** validate-settings then validate, each in a fresh instance. */
export function evaluateWasi(input: EvaluateInput): Promise<EvaluationResult> {
  return runPrepared(input, prepareWasi);
}
