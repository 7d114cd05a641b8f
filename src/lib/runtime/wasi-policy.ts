/** WASI policies (Javy/JS SDK and others) with Kubewarden's protocol: argv selects the action, JSON on stdin/stdout. */
import { ConsoleCollector } from './console-log';
import { RuntimeError, serializeError } from './errors';
import { GuestMemory, encodeUtf8 } from './guest-memory';
import { answerHostCall, hostCallRecord } from './host-capabilities';
import type { EvaluateInput, EvaluationResult } from './types';
import { settingsVerdict, verdictFromValidationResponse } from './verdict';
import { DEFAULT_MEMORY_LIMIT, compileModule, missingImports, parseReply } from './wapc';
import { StdinPipe, WasiExit, joinOutput, wasiImports } from './wasi-shim';

interface RunOutput {
  stdout: Uint8Array;
}

/**
 * Runs `_start` of a fresh instance with argv `["policy.wasm", action]` and `input` on stdin. Host calls
 * (`host.call`) are answered from the fixtures; as in Kubewarden's WASI host the reply is appended to stdin and
 * the call returns 0 on success, 1 on failure.
 */
async function runWasi(
  module: WebAssembly.Module,
  action: string,
  input: Uint8Array,
  opts: EvaluateInput,
  log: ConsoleCollector,
): Promise<RunOutput> {
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
      const answer = answerHostCall(opts.fixtures ?? {}, binding, ns, op, payload);
      const rec = hostCallRecord(binding, ns, op, payload, answer.ok);
      log.push('host', `${rec.ok ? '✓' : '✗'} ${binding}/${ns}/${op} ${rec.payload}`);
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

/** validate-settings (stdin: the settings) then validate (stdin: `{request, settings}`), each in a fresh instance. */
export async function evaluateWasi(input: EvaluateInput): Promise<EvaluationResult> {
  const log = new ConsoleCollector();
  const result: EvaluationResult = {
    mode: 'wasi',
    settings: null,
    verdict: null,
    console: log.lines,
    timings: { instantiateMs: 0, validateSettingsMs: 0, validateMs: 0 },
  };
  try {
    let t = performance.now();
    const module = await compileModule(input.bytes);
    result.timings.instantiateMs = performance.now() - t;
    t = performance.now();
    const s = await runWasi(
      module,
      'validate-settings',
      encodeUtf8(JSON.stringify(input.settings)),
      input,
      log,
    );
    result.settings = settingsVerdict(parseReply('validate-settings', s.stdout));
    result.timings.validateSettingsMs = performance.now() - t;
    if (result.settings.valid) {
      t = performance.now();
      const payload = encodeUtf8(JSON.stringify({ request: input.request, settings: input.settings }));
      const v = await runWasi(module, 'validate', payload, input, log);
      result.timings.validateMs = performance.now() - t;
      const object = input.policyType === 'raw' ? input.request : input.request.object;
      result.verdict = verdictFromValidationResponse(parseReply('validate', v.stdout), object);
    }
  } catch (e) {
    result.error = serializeError(e);
  }
  result.console = log.finish();
  return result;
}
