/** The Kubewarden policy metadata model, as kwctl's `Metadata` struct defines it (see docs/kubewarden.md §2.2). */

export type ProtocolVersion = 'v1' | 'Unknown';
export type ExecutionMode = 'kubewarden-wapc' | 'opa' | 'gatekeeper' | 'wasi';
export type PolicyType = 'kubernetes' | 'raw';
export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT' | '*';

export interface Rule {
  apiGroups: string[];
  apiVersions: string[];
  resources: string[];
  operations: Operation[];
}

export interface ContextAwareResource {
  apiVersion: string;
  kind: string;
}

/** Metadata with every defaulted field filled in; optional keys are absent when unset. */
export interface Metadata {
  protocolVersion: ProtocolVersion;
  rules: Rule[];
  annotations: Record<string, string>;
  mutating: boolean;
  backgroundAudit: boolean;
  executionMode: ExecutionMode;
  policyType: PolicyType;
  contextAwareResources: ContextAwareResource[];
  hostCapabilities?: string[];
  minimumKubewardenVersion?: string;
}

/** One validation finding, tied to the field it concerns (a dotted path such as `rules.0.resources`). */
export interface Issue {
  severity: 'error' | 'warning';
  field: string;
  message: string;
}
