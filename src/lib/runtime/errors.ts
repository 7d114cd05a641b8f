/** The runtime error class: every failure while loading or running a policy carries a code and a plain message. */

export type RuntimeErrorCode =
  | 'compile' // the bytes are not a module this engine can compile
  | 'component' // the bytes are a WebAssembly component, which no runtime here evaluates
  | 'instantiate' // linking or the start function failed
  | 'missing-export' // e.g. no `__guest_call`, no `_start`, no `memory`
  | 'trap' // the guest trapped (unreachable, out of bounds, stack overflow…)
  | 'guest-error' // the guest returned an error through the waPC protocol
  | 'no-response' // the guest reported success without a reply
  | 'bad-reply' // a reply that is not the JSON the protocol expects
  | 'bad-input' // the request, settings or fixtures could not be read
  | 'memory' // out-of-bounds pointer or the memory cap was exceeded
  | 'exit' // a WASI program exited with a non-zero code
  | 'protocol-version' // protocol detection failed (kwctl wording)
  | 'timeout' // the worker was stopped by the time limit
  | 'aborted' // the caller aborted; not shown as an error
  | 'worker'; // the worker itself failed (could not start, crashed)

/** An error from loading or running a policy; `code` says what kind, the message says what and where. */
export class RuntimeError extends Error {
  readonly code: RuntimeErrorCode;
  constructor(code: RuntimeErrorCode, message: string) {
    super(message);
    this.name = 'RuntimeError';
    this.code = code;
  }
}

/** A plain, cloneable form of any thrown value, for sending across a worker boundary. */
export interface SerializedError {
  code: RuntimeErrorCode;
  message: string;
}

/** Turns anything thrown while running a guest into a {@link SerializedError}. */
export function serializeError(e: unknown): SerializedError {
  if (e instanceof RuntimeError) return { code: e.code, message: e.message };
  if (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError)
    return { code: 'trap', message: `The policy trapped: ${e.message}` };
  if (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.CompileError)
    return { code: 'compile', message: `The module could not be compiled: ${e.message}` };
  if (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.LinkError)
    return { code: 'instantiate', message: `The module could not be linked: ${e.message}` };
  if (e instanceof RangeError) return { code: 'trap', message: `The policy failed: ${e.message}` };
  return { code: 'trap', message: e instanceof Error ? e.message : String(e) };
}

/** Rebuilds a {@link RuntimeError} from its serialized form. */
export function deserializeError(e: SerializedError): RuntimeError {
  return new RuntimeError(e.code, e.message);
}
