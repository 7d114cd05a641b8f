/** Explorer state: what the explorer decodes from the open document, its view options, and jco tool runs. */
import {
  componentSummary,
  decodeCustomSections,
  decodeExports,
  decodeImports,
  decodeProducers,
  customSections,
  toolchain,
  WasmParseError,
  type ComponentSummary,
  type CustomSectionView,
  type WasmExport,
  type WasmImport,
  type WasmInfo,
  type StripOptions,
} from '../lib/wasm';
import {
  codeSize,
  ToolsClient,
  ToolsError,
  TOOL_TIME_LIMIT_MS,
  WAT_CODE_LIMIT,
  type ToolOp,
} from '../lib/tools';

/** A decoded part, or the error that stopped it: one bad section never hides the others. */
export type Part<T> = { ok: true; value: T } | { ok: false; error: WasmParseError };

export interface Explored {
  imports: Part<WasmImport[]>;
  exports: Part<WasmExport[]>;
  customs: CustomSectionView[];
  component: Part<ComponentSummary> | null;
}

function part<T>(run: () => T): Part<T> {
  try {
    return { ok: true, value: run() };
  } catch (e) {
    if (e instanceof WasmParseError) return { ok: false, error: e };
    throw e;
  }
}

/** The toolchain named by the first `producers` section, or null when there is none or it does not decode. */
export function toolchainOf(bytes: Uint8Array, info: WasmInfo): string | null {
  const producers = part(() => customSections(bytes, 'producers', info).map((p) => decodeProducers(p)));
  return producers.ok && producers.value.length > 0 ? toolchain(producers.value[0]) || null : null;
}

/**
 * Decodes the panels below the section table (the summary's toolchain is {@link toolchainOf}, drawn first).
 * Never decodes code bodies.
 */
export function explore(bytes: Uint8Array, info: WasmInfo): Explored {
  return {
    imports: part(() => decodeImports(bytes, info)),
    exports: part(() => decodeExports(bytes, info)),
    customs: decodeCustomSections(bytes, info.sections),
    component: info.kind === 'component' ? part(() => componentSummary(bytes, info)) : null,
  };
}

export type ToolRun =
  | { status: 'idle' }
  | { status: 'running'; op: ToolOp }
  | { status: 'done'; op: ToolOp; text: string }
  | { status: 'error'; op: ToolOp; message: string }
  | { status: 'cancelled'; op: ToolOp };

/** What "Strip debug info" removes: DWARF only, or also names, producers and source maps. */
export type StripLevel = 'dwarf' | 'all';

export const STRIP_OPTIONS: Record<StripLevel, StripOptions> = {
  dwarf: {},
  all: { name: true, producers: true, sourceMappingURL: true, externalDebugInfo: true },
};

/** What each Explorer panel that acts on the open binary (WAT/WIT, strip) is given. */
export interface BinaryPanelProps {
  explorer: ExplorerState;
  bytes: Uint8Array;
  info: WasmInfo;
  /** The file name, for the names of downloads. */
  name: string;
}

/** Shared across explorer instances so jco loads once per page. */
let sharedClient: ToolsClient | null = null;

export class ExplorerState {
  /** Offsets and sizes in hex instead of decimal. */
  hex = $state(false);
  /** Filter text for imports and exports (case-insensitive substring of module, name or kind). */
  filter = $state('');
  strip = $state<StripLevel>('dwarf');
  tool = $state.raw<ToolRun>({ status: 'idle' });
  private controller: AbortController | null = null;
  private toolBytes: Uint8Array | null = null;

  /** WAT is offered for core modules with at most WAT_CODE_LIMIT bytes of code; WIT for components. */
  static toolFor(info: WasmInfo): ToolOp | null {
    if (info.kind === 'component') return 'wit';
    return codeSize(info) <= WAT_CODE_LIMIT ? 'wat' : null;
  }

  /** Runs a jco tool in the worker; a second call cancels the first. */
  async runTool(op: ToolOp, bytes: Uint8Array): Promise<void> {
    this.cancel();
    const controller = new AbortController();
    this.controller = controller;
    this.toolBytes = bytes;
    this.tool = { status: 'running', op };
    sharedClient ??= new ToolsClient();
    try {
      const text = await sharedClient.run(op, bytes, controller.signal, TOOL_TIME_LIMIT_MS);
      if (this.controller === controller) this.tool = { status: 'done', op, text };
    } catch (e) {
      if (this.controller !== controller) return;
      if (e instanceof ToolsError && e.code === 'aborted') this.tool = { status: 'cancelled', op };
      else this.tool = { status: 'error', op, message: e instanceof Error ? e.message : String(e) };
    } finally {
      if (this.controller === controller) this.controller = null;
    }
  }

  /** Cancels a running tool: the worker is terminated, so the page stays responsive whatever jco does. */
  cancel(): void {
    if (!this.controller) return;
    const c = this.controller;
    const op = this.tool.status === 'running' ? this.tool.op : 'wat';
    this.controller = null;
    c.abort();
    this.tool = { status: 'cancelled', op };
  }

  /** Forgets tool output that belongs to other bytes (a different file was opened). */
  resetFor(bytes: Uint8Array | null): void {
    if (bytes === this.toolBytes) return;
    this.cancel();
    this.toolBytes = null;
    this.tool = { status: 'idle' };
  }
}
