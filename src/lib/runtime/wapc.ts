/** A waPC host (spec §8): instantiates a guest, runs `_start`/`wapc_init`, and calls operations via `__guest_call`. */
import { ConsoleCollector } from './console-log';
import { RuntimeError } from './errors';
import { GuestMemory, decodeUtf8, encodeUtf8 } from './guest-memory';
import { CapabilityHost } from './capability-host';
import type { FixtureMap } from './host-capabilities';
import { WasiExit, wasiImports } from './wasi-shim';

export interface HostOptions {
  /** Answers host calls; without it, a host over `fixtures` alone. */
  host?: CapabilityHost;
  fixtures?: FixtureMap;
  /** Memory cap in bytes (default 256 MiB). */
  memoryLimitBytes?: number;
  console?: ConsoleCollector;
}

export const DEFAULT_MEMORY_LIMIT = 256 * 1024 * 1024;

/** What the panel says for a component, instead of the engine's "expected version 1" compile error. */
export const COMPONENT_NOT_EVALUABLE =
  'Components cannot be evaluated yet: this is a WebAssembly component (layer 0x0d)';

/** Refuses a WebAssembly component (preamble version 0x0d, layer 1) with {@link COMPONENT_NOT_EVALUABLE}. */
export function assertCoreModule(bytes: Uint8Array): void {
  const magic = bytes[0] === 0x00 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d;
  if (magic && bytes[4] === 0x0d && bytes[5] === 0x00 && bytes[6] === 0x01 && bytes[7] === 0x00)
    throw new RuntimeError('component', COMPONENT_NOT_EVALUABLE);
}

/** Compiles bytes (or reuses a module) with a clear error on failure. */
export async function compileModule(bytes: Uint8Array | WebAssembly.Module): Promise<WebAssembly.Module> {
  if (bytes instanceof WebAssembly.Module) return bytes;
  assertCoreModule(bytes);
  try {
    return await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  } catch (e) {
    throw new RuntimeError('compile', `The module could not be compiled: ${(e as Error).message}`);
  }
}

/** Stubs for imports no runtime provides: they fail when called, naming the import, instead of at link time. */
export function missingImports(
  module: WebAssembly.Module,
  provided: Record<string, Record<string, unknown>>,
) {
  const out: Record<string, Record<string, unknown>> = { ...provided };
  for (const imp of WebAssembly.Module.imports(module)) {
    if (out[imp.module]?.[imp.name] !== undefined) continue;
    if (imp.kind !== 'function')
      throw new RuntimeError(
        'instantiate',
        `The module imports ${imp.kind} ${imp.module}.${imp.name}, which this runtime does not provide.`,
      );
    out[imp.module] = { ...out[imp.module] };
    out[imp.module][imp.name] = () => {
      throw new RuntimeError(
        'instantiate',
        `The policy called ${imp.module}.${imp.name}, which is not provided.`,
      );
    };
  }
  return out;
}

/** One waPC guest instance. Use a fresh one per detection; one instance may serve several calls. */
export class WapcGuest {
  readonly console: ConsoleCollector;
  private mem: GuestMemory;
  private instance!: WebAssembly.Instance;
  private request: { op: Uint8Array; payload: Uint8Array } = {
    op: new Uint8Array(0),
    payload: new Uint8Array(0),
  };
  private guestResponse: Uint8Array | null = null;
  private guestError: string | null = null;
  private hostResponse: Uint8Array | null = null;
  private hostError: string | null = null;

  private readonly host: CapabilityHost;

  private constructor(options: HostOptions) {
    this.console = options.console ?? new ConsoleCollector();
    this.mem = new GuestMemory(options.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT);
    this.host = options.host ?? new CapabilityHost({ fixtures: options.fixtures }, this.console);
  }

  /** Instantiates the guest and runs its start-up functions. */
  static async create(bytes: Uint8Array | WebAssembly.Module, options: HostOptions = {}): Promise<WapcGuest> {
    const module = await compileModule(bytes);
    const guest = new WapcGuest(options);
    const exports = WebAssembly.Module.exports(module).map((e) => e.name);
    if (!exports.includes('__guest_call'))
      throw new RuntimeError(
        'missing-export',
        'The module does not export `__guest_call`: it is not a waPC guest.',
      );
    const imports = missingImports(module, {
      wapc: guest.wapcImports(),
      wasi_snapshot_preview1: wasiImports(module, guest.mem, {
        args: [],
        onWrite: (fd, b) => guest.console.write(fd === 1 ? 'stdout' : 'stderr', b),
      }),
    });
    try {
      guest.instance = await WebAssembly.instantiate(module, imports as WebAssembly.Imports);
    } catch (e) {
      if (e instanceof RuntimeError) throw e;
      throw new RuntimeError('instantiate', `The module could not be instantiated: ${(e as Error).message}`);
    }
    const memory = guest.instance.exports.memory;
    if (!(memory instanceof WebAssembly.Memory))
      throw new RuntimeError('missing-export', 'The module does not export its `memory`.');
    guest.mem.memory = memory;
    for (const name of ['_start', 'wapc_init']) {
      const fn = guest.instance.exports[name];
      if (typeof fn !== 'function') continue;
      try {
        (fn as () => void)();
      } catch (e) {
        // TinyGo and Rust may exit(0) at the end of main; that is a normal start-up.
        if (!(e instanceof WasiExit && e.exitCode === 0)) throw startError(name, e);
      }
    }
    guest.mem.checkLimit();
    return guest;
  }

  /** Calls one operation. Returns the guest's reply, or throws `guest-error` with the guest's message. */
  call(operation: string, payload: Uint8Array): Uint8Array {
    this.request = { op: encodeUtf8(operation), payload };
    this.guestResponse = this.guestError = this.hostResponse = this.hostError = null;
    const fn = this.instance.exports.__guest_call as (a: number, b: number) => number;
    let result: number;
    try {
      result = fn(this.request.op.length, payload.length);
    } catch (e) {
      if (e instanceof WasiExit) throw new RuntimeError('exit', `The policy exited with code ${e.exitCode}.`);
      throw e;
    }
    this.mem.checkLimit();
    if (result === 1) {
      if (this.guestResponse === null)
        throw new RuntimeError(
          'no-response',
          `The guest reported success for "${operation}" but set no reply.`,
        );
      return this.guestResponse;
    }
    throw new RuntimeError('guest-error', this.guestError ?? 'No error message set for call failure');
  }

  private wapcImports(): Record<string, (...a: number[]) => number | void> {
    const m = this.mem;
    return {
      __guest_request: (opPtr, payloadPtr) => {
        m.write(payloadPtr, this.request.payload, 'the request payload');
        m.write(opPtr, this.request.op, 'the operation name');
      },
      __guest_response: (ptr, len) => void (this.guestResponse = m.read(ptr, len, 'the guest response')),
      __guest_error: (ptr, len) => void (this.guestError = m.text(ptr, len, 'the guest error')),
      __host_call: (bdPtr, bdLen, nsPtr, nsLen, opPtr, opLen, ptr, len) => {
        const binding = m.text(bdPtr, bdLen, 'the binding');
        const ns = m.text(nsPtr, nsLen, 'the namespace');
        const op = m.text(opPtr, opLen, 'the operation');
        const payload = m.read(ptr, len, 'the host call payload');
        this.hostResponse = this.hostError = null;
        const answer = this.host.guest(binding, ns, op, payload);
        if (answer.ok) this.hostResponse = answer.reply;
        else this.hostError = answer.error;
        return answer.ok ? 1 : 0;
      },
      __host_response_len: () => this.hostResponse?.length ?? 0,
      __host_response: (ptr) => {
        if (this.hostResponse) m.write(ptr, this.hostResponse, 'the host response');
      },
      __host_error_len: () => (this.hostError === null ? 0 : encodeUtf8(this.hostError).length),
      __host_error: (ptr) => {
        if (this.hostError !== null) m.write(ptr, encodeUtf8(this.hostError), 'the host error');
      },
      __console_log: (ptr, len) => this.console.push('log', m.text(ptr, len, 'a log line')),
    };
  }
}

function startError(name: string, e: unknown): RuntimeError {
  if (e instanceof RuntimeError) return e;
  if (e instanceof WasiExit) return new RuntimeError('exit', `\`${name}\` exited with code ${e.exitCode}.`);
  return new RuntimeError('instantiate', `\`${name}\` failed: ${(e as Error).message ?? String(e)}`);
}

/** Decodes a JSON reply, with an error that says which operation sent what. */
export function parseReply<T>(operation: string, reply: Uint8Array): T {
  const text = decodeUtf8(reply);
  try {
    return JSON.parse(text) as T;
  } catch {
    const shown = text.length > 200 ? text.slice(0, 200) + '…' : text;
    throw new RuntimeError('bad-reply', `The reply to "${operation}" is not JSON: ${shown}`);
  }
}
