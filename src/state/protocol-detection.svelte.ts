/**
 * Asks a waPC policy for its Kubewarden protocol version, as `kwctl annotate` does, by running the module's
 * `protocol_version` operation in a policy worker with a time limit. A failure is shown to the user, who may then
 * explicitly choose to assume v1 (spec §6: never silently).
 */
import { detectProtocolVersion, RuntimeError } from '../lib/runtime';
import type { Issue, Metadata, ProtocolVersion } from '../lib/kubewarden';
import { spawnPolicyWorker } from './evaluate.svelte';

const DETECT_TIMEOUT_MS = 10_000;

export type DetectionStatus = 'idle' | 'detecting' | 'detected' | 'failed';

export class ProtocolDetection {
  status = $state<DetectionStatus>('idle');
  version = $state<ProtocolVersion | null>(null);
  error = $state<string | null>(null);
  /** The user's explicit "assume v1" after a failed detection. */
  assumeV1 = $state(false);
  private controller: AbortController | null = null;

  /** True when detection does not apply (a Rego module, a component): kwctl fails earlier on those. */
  readonly skip: boolean;

  constructor(
    private readonly bytes: Uint8Array,
    options: { skip?: boolean } = {},
  ) {
    this.skip = options.skip ?? false;
  }

  /** Starts detection once; later calls (and skipped modules) do nothing. */
  start(): void {
    if (this.status !== 'idle' || this.skip) return;
    this.status = 'detecting';
    this.controller = new AbortController();
    detectProtocolVersion(this.bytes, {
      spawn: spawnPolicyWorker,
      timeoutMs: DETECT_TIMEOUT_MS,
      signal: this.controller.signal,
    }).then(
      (version) => {
        this.version = version;
        this.status = 'detected';
      },
      (e: unknown) => {
        if (e instanceof RuntimeError && e.code === 'aborted') return;
        this.error = e instanceof Error ? e.message : String(e);
        this.status = 'failed';
      },
    );
  }

  /** The protocol version to write for a waPC policy, given what detection found and what the user chose. */
  get effective(): ProtocolVersion {
    if (this.status === 'detected' && this.version) return this.version;
    if (this.status === 'failed') return this.assumeV1 ? 'v1' : 'Unknown';
    return 'v1';
  }

  dispose(): void {
    this.controller?.abort();
  }
}

/** For waPC, the protocol version detection found (or the user's explicit "assume v1"), not a guess. */
export function withDetectedProtocol(m: Metadata, protocol: ProtocolDetection): Metadata {
  return m.executionMode === 'kubewarden-wapc' && !protocol.skip
    ? { ...m, protocolVersion: protocol.effective }
    : m;
}

/** Detection in progress or failed blocks the download, next to the protocol version field. */
export function protocolIssues(m: Metadata, protocol: ProtocolDetection): Issue[] {
  if (m.executionMode !== 'kubewarden-wapc' || protocol.skip) return [];
  if (protocol.status === 'detecting' || protocol.status === 'idle')
    return [
      { severity: 'error', field: 'protocolVersion', message: 'Asking the module for its protocol version…' },
    ];
  if (protocol.status === 'failed' && !protocol.assumeV1)
    return [{ severity: 'error', field: 'protocolVersion', message: protocol.error ?? 'Detection failed.' }];
  return [];
}
