/**
 * Turns anything thrown into the one failure shape every view shows: which domain, the code, its explanation and
 * fix (from each library's table), and the original message with where it happened. Views never format errors
 * themselves, so the same code reads the same everywhere.
 */
import { ArtifactError, ARTIFACT_EXPLANATIONS } from '../lib/artifacts';
import type { Explanation } from '../lib/common';
import { MetadataError, METADATA_EXPLANATIONS } from '../lib/kubewarden';
import { RegistryError, REGISTRY_EXPLANATIONS, type Diagnosis } from '../lib/oci';
import { RuntimeError, RUNTIME_EXPLANATIONS } from '../lib/runtime';
import { ToolsError, TOOLS_EXPLANATIONS } from '../lib/tools';
import { WasmParseError, WASM_EXPLANATIONS } from '../lib/wasm';

export type FailureDomain = 'registry' | 'artifact' | 'wasm' | 'metadata' | 'runtime' | 'tools' | 'app';

/** A failure as the UI shows it. Plain data: it can be kept in state and compared. */
export interface Failure extends Explanation {
  domain: FailureDomain;
  code: string;
  /** The library's message: what failed and where. */
  message: string;
  status?: number;
  url?: string;
  /** The registry's own error entries, one per line. */
  detail?: string;
  /** Byte offset (Wasm) or line (YAML), when known. */
  offset?: number;
  line?: number;
  /** The registry host and API base URL the failure is about, for sign-in and CORS recipes. */
  registry?: string;
  baseUrl?: string;
  /** oci.md §8.6's diagnosis, for failures where the browser hid the reason. */
  diagnosis?: Diagnosis;
}

const UNEXPECTED: Explanation = {
  title: 'Something went wrong',
  explanation: 'An unexpected error stopped the operation.',
  fix: 'Try again; if it keeps happening, reload the page (your drafts are kept).',
};

function lookup(table: Record<string, Explanation>, code: string): Explanation {
  return Object.prototype.hasOwnProperty.call(table, code) ? table[code] : UNEXPECTED;
}

/** Each domain's error class and explanation table; the registry's carries more context, added below. */
const DOMAINS: [
  new (...args: never[]) => Error & { code: string },
  FailureDomain,
  Record<string, Explanation>,
][] = [
  [RegistryError, 'registry', REGISTRY_EXPLANATIONS],
  [ArtifactError, 'artifact', ARTIFACT_EXPLANATIONS],
  [WasmParseError, 'wasm', WASM_EXPLANATIONS],
  [MetadataError, 'metadata', METADATA_EXPLANATIONS],
  [RuntimeError, 'runtime', RUNTIME_EXPLANATIONS],
  [ToolsError, 'tools', TOOLS_EXPLANATIONS],
];

/** The failure for a thrown value. Aborts are failures too; callers decide not to show them ({@link isAbort}). */
export function describeFailure(e: unknown): Failure {
  const known = DOMAINS.find(([type]) => e instanceof type);
  if (!known || !(e instanceof Error))
    return {
      domain: 'app',
      code: 'unexpected',
      ...UNEXPECTED,
      message: e instanceof Error ? e.message : String(e),
    };
  const [, domain, table] = known;
  const code = (e as Error & { code: string }).code;
  const failure: Failure = { domain, code, ...lookup(table, code), message: e.message };
  if (e instanceof RegistryError) {
    failure.status = e.status;
    failure.url = e.url;
    failure.detail = e.detail?.map((d) => `${d.code}: ${d.message}`).join('\n') || undefined;
  }
  if (e instanceof WasmParseError) failure.offset = e.offset;
  if (e instanceof MetadataError) failure.line = e.line;
  return failure;
}

/** True for a cancelled operation, which is never shown as an error. */
export function isAbort(e: unknown): boolean {
  if (e instanceof DOMException && e.name === 'AbortError') return true;
  return DOMAINS.some(([type]) => e instanceof type) && (e as { code?: string }).code === 'aborted';
}
