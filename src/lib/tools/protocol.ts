/** Messages between the page and the tools worker, and the jco calls the worker makes. */
import { ToolsError } from './errors';
import { parseWasm, type WasmInfo } from '../wasm';

/** `wit`: the WIT of a component (jco `componentWit`); `wat`: the text form of a module (jco `print`). */
export type ToolOp = 'wit' | 'wat';

export interface ToolRequest {
  id: number;
  op: ToolOp;
  bytes: Uint8Array;
}

export type ToolResponse =
  | { id: number; ok: true; text: string }
  | { id: number; ok: false; code: 'failed' | 'load-failed'; message: string };

/**
 * WAT is printed only for modules with at most this much code. The text grows with the code (debug sections
 * are printed too, but only as escaped bytes): 4 MiB of code is tens of MB of text, which is printed in seconds
 * and still fits in the page's memory. A module's total size says little: DWARF can make a small program 2 MB.
 */
export const WAT_CODE_LIMIT = 4 * 1024 * 1024;
/** A tool run that takes longer is stopped (the user can cancel sooner). */
export const TOOL_TIME_LIMIT_MS = 30_000;

/** Bytes in the code section of a core module (0 when it has none, or is not a module). */
export function codeSize(info: WasmInfo): number {
  if (info.kind !== 'module') return 0;
  return info.sections.filter((s) => s.id === 10).reduce((n, s) => n + s.size, 0);
}

type WasmTools = typeof import('@bytecodealliance/jco-transpile/wasm-tools');
let tools: Promise<WasmTools> | null = null;

/** Loads jco's wasm-tools once, on first use (it is 2.4 MB of WebAssembly). */
function load(): Promise<WasmTools> {
  tools ??= import('@bytecodealliance/jco-transpile/wasm-tools').catch((e: unknown) => {
    tools = null;
    throw new ToolsError('load-failed', `The WebAssembly tools could not be loaded: ${messageOf(e)}`);
  });
  return tools;
}

/**
 * Runs one jco tool. Used by the worker; also runs in Node (tests). Errors are {@link ToolsError}.
 */
export async function runTool(op: ToolOp, bytes: Uint8Array): Promise<string> {
  if (op === 'wat') {
    let code = 0;
    try {
      code = codeSize(parseWasm(bytes));
    } catch {
      // Not a readable module: wasm-tools says what is wrong with it.
    }
    if (code > WAT_CODE_LIMIT)
      throw new ToolsError(
        'too-large',
        `WAT is shown only for modules with at most ${WAT_CODE_LIMIT / 1024 / 1024} MiB of code; this one has ${code} bytes.`,
      );
  }
  const t = await load();
  try {
    return op === 'wit' ? await t.componentWit(bytes) : await t.print(bytes);
  } catch (e) {
    throw new ToolsError(
      'failed',
      `wasm-tools could not ${op === 'wit' ? 'read the WIT' : 'print the WAT'}: ${messageOf(e)}`,
    );
  }
}

/** jco throws plain Errors, sometimes with the text repeated; keep one copy. */
function messageOf(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const half = text.length / 2;
  return Number.isInteger(half) && text.slice(0, half - 1) === text.slice(half, -1)
    ? text.slice(0, half - 1)
    : text;
}

/** Handles one request inside the worker, turning every failure into a response. */
export async function handleRequest(req: ToolRequest): Promise<ToolResponse> {
  try {
    return { id: req.id, ok: true, text: await runTool(req.op, req.bytes) };
  } catch (e) {
    const code = e instanceof ToolsError && e.code === 'load-failed' ? 'load-failed' : 'failed';
    return { id: req.id, ok: false, code, message: e instanceof Error ? e.message : String(e) };
  }
}
