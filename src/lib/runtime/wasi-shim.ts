/** A small WASI preview 1 shim: args, clock, random, stdin from a buffer, stdout/stderr collected; the rest ENOSYS. */
import { RuntimeError } from './errors';
import { decodeUtf8, encodeUtf8, type GuestMemory } from './guest-memory';

const ESUCCESS = 0;
const EBADF = 8;
const ENOSYS = 52;
const ESPIPE = 70;

/** Thrown by `proc_exit` to unwind the guest; the runner decides whether the code is a failure. */
export class WasiExit extends Error {
  constructor(readonly exitCode: number) {
    super(`The program exited with code ${exitCode}.`);
    this.name = 'WasiExit';
  }
}

/** Standard input as a growable buffer: Kubewarden's WASI host appends host-call replies to it. */
export class StdinPipe {
  private data: Uint8Array;
  private pos = 0;
  constructor(initial: Uint8Array = new Uint8Array(0)) {
    this.data = initial;
  }
  /** Appends bytes after what has not been read yet. */
  append(bytes: Uint8Array): void {
    const rest = this.data.subarray(this.pos);
    const next = new Uint8Array(rest.length + bytes.length);
    next.set(rest);
    next.set(bytes, rest.length);
    this.data = next;
    this.pos = 0;
  }
  /** Up to `max` unread bytes (empty at the end). */
  take(max: number): Uint8Array {
    const out = this.data.subarray(this.pos, this.pos + max);
    this.pos += out.length;
    return out;
  }
}

export interface WasiOptions {
  args: string[];
  stdin?: StdinPipe;
  /** Called with each chunk written to fd 1 or 2. */
  onWrite: (fd: 1 | 2, bytes: Uint8Array) => void;
}

type WasiFn = (...args: (number | bigint)[]) => number;

/**
 * Builds the `wasi_snapshot_preview1` import object for `module`: every function it imports exists, so
 * instantiation never fails on a missing WASI call; unimplemented ones return ENOSYS.
 */
export function wasiImports(module: WebAssembly.Module, mem: GuestMemory, opts: WasiOptions) {
  const args = opts.args.map((a) => encodeUtf8(a + '\0'));
  const impl: Record<string, WasiFn> = {
    args_sizes_get: (countPtr, sizePtr) => {
      mem.setU32(Number(countPtr), args.length);
      mem.setU32(
        Number(sizePtr),
        args.reduce((n, a) => n + a.length, 0),
      );
      return ESUCCESS;
    },
    args_get: (argvPtr, bufPtr) => {
      let at = Number(bufPtr);
      args.forEach((a, i) => {
        mem.setU32(Number(argvPtr) + 4 * i, at);
        mem.write(at, a, 'an argument');
        at += a.length;
      });
      return ESUCCESS;
    },
    environ_sizes_get: (countPtr, sizePtr) => {
      mem.setU32(Number(countPtr), 0);
      mem.setU32(Number(sizePtr), 0);
      return ESUCCESS;
    },
    environ_get: () => ESUCCESS,
    clock_res_get: (_id, ptr) => {
      mem.setU64(Number(ptr), 1000n);
      return ESUCCESS;
    },
    clock_time_get: (id, _precision, ptr) => {
      const ms = Number(id) === 0 ? Date.now() : performance.now();
      mem.setU64(Number(ptr), BigInt(Math.round(ms * 1e6)));
      return ESUCCESS;
    },
    random_get: (ptr, len) => {
      const out = new Uint8Array(Number(len) >>> 0);
      for (let i = 0; i < out.length; i += 65536) crypto.getRandomValues(out.subarray(i, i + 65536));
      mem.write(Number(ptr), out, 'a random buffer');
      return ESUCCESS;
    },
    fd_write: (fd, iovs, iovsLen, nwrittenPtr) => {
      if (fd !== 1 && fd !== 2) return EBADF;
      let total = 0;
      for (let i = 0; i < Number(iovsLen); i++) {
        const base = mem.u32(Number(iovs) + 8 * i);
        const len = mem.u32(Number(iovs) + 8 * i + 4);
        opts.onWrite(fd, mem.read(base, len, 'a write buffer'));
        total += len;
      }
      mem.setU32(Number(nwrittenPtr), total);
      return ESUCCESS;
    },
    fd_read: (fd, iovs, iovsLen, nreadPtr) => {
      if (fd !== 0) return EBADF;
      let total = 0;
      for (let i = 0; i < Number(iovsLen); i++) {
        const base = mem.u32(Number(iovs) + 8 * i);
        const len = mem.u32(Number(iovs) + 8 * i + 4);
        const chunk = opts.stdin ? opts.stdin.take(len) : new Uint8Array(0);
        mem.write(base, chunk, 'a read buffer');
        total += chunk.length;
        if (chunk.length < len) break;
      }
      mem.setU32(Number(nreadPtr), total);
      return ESUCCESS;
    },
    fd_fdstat_get: (fd, ptr) => {
      if (Number(fd) > 2) return EBADF;
      // filetype character device (2), no flags, all rights: enough for libc to treat it as a stream.
      const stat = new Uint8Array(24);
      stat[0] = 2;
      stat.fill(0xff, 8, 24);
      mem.write(Number(ptr), stat, 'an fdstat');
      return ESUCCESS;
    },
    fd_close: (fd) => (Number(fd) <= 2 ? ESUCCESS : EBADF),
    // No preopened directories: EBADF ends libc's preopen scan.
    fd_prestat_get: () => EBADF,
    fd_prestat_dir_name: () => EBADF,
    fd_seek: (fd) => (Number(fd) <= 2 ? ESPIPE : EBADF),
    sched_yield: () => ESUCCESS,
    proc_exit: (code) => {
      throw new WasiExit(Number(code));
    },
  };
  const out: Record<string, WasiFn> = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.module !== 'wasi_snapshot_preview1') continue;
    if (imp.kind !== 'function')
      throw new RuntimeError('instantiate', `The WASI import ${imp.name} is a ${imp.kind}, not a function.`);
    out[imp.name] = impl[imp.name] ?? (() => ENOSYS);
  }
  return out;
}

/** Text of collected output chunks. */
export function joinOutput(chunks: Uint8Array[]): string {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return decodeUtf8(all);
}
