/** `kwctl scaffold manifest`: a ClusterAdmissionPolicy or AdmissionPolicy for this policy (§13.2). */
import { KEY_CATEGORY, KEY_SEVERITY, KEY_TITLE } from './constants';
import { MetadataError } from './errors';
import { sortedResources } from './model';
import { serdeYaml, type YamlValue } from './serde-yaml-emit';
import type { Metadata } from './types';
import { validateMetadata } from './validate';

export interface ManifestOptions {
  kind: 'ClusterAdmissionPolicy' | 'AdmissionPolicy';
  /** The policy URI written to `spec.module`, e.g. `registry://ghcr.io/org/policy:v1.0.0`. */
  module: string;
  /** Overrides `io.kubewarden.policy.title` as `metadata.name`; without either, kwctl writes no name. */
  title?: string;
  /** `spec.settings`; must be a mapping. Defaults to `{}`. */
  settings?: Record<string, unknown>;
  /** Keep `contextAwareResources` (ClusterAdmissionPolicy only); otherwise it is emptied with a warning. */
  allowContextAware?: boolean;
}

export interface ScaffoldedManifest {
  yaml: string;
  warnings: string[];
}

/**
 * kwctl's `is_valid_k8s_hostname` (crates/kwctl/src/scaffold/manifest.rs): pop-os/hostname-validator `is_valid`
 * (only `[A-Za-z0-9.-]`, labels 1–63 characters not starting or ending with `-`, at most 253 in all), lowercase,
 * no `_`.
 */
export function isValidPolicyTitle(title: string): boolean {
  if (title === '' || title.length > 253 || /[^a-z0-9.-]/.test(title)) return false;
  return title
    .split('.')
    .every((l) => l.length > 0 && l.length <= 63 && !l.startsWith('-') && !l.endsWith('-'));
}

/** kwctl's words for a title that is not an RFC 1123 name. */
export const invalidTitleMessage = (title: string) =>
  `Invalid title '${title}'. Must conform to RFC 1123: use lowercase alphanumeric chars, '-' or '.', and start/end with an alphanumeric character.`;

const fail = (message: string): never => {
  throw new MetadataError('scaffold', message);
};

/**
 * Builds the manifest YAML. The metadata must pass validation (§4); the name must be an RFC 1123 subdomain.
 * Throws {@link MetadataError} `scaffold`; returns warnings about context-aware resources.
 */
export function scaffoldManifest(metadata: Metadata, options: ManifestOptions): ScaffoldedManifest {
  const a = metadata.annotations;
  const get = (key: string) => (Object.prototype.hasOwnProperty.call(a, key) ? a[key] : undefined);
  // kwctl checks the title (from the command line, else the metadata) before it validates the metadata.
  const title = options.title ?? get(KEY_TITLE);
  if (title !== undefined && !isValidPolicyTitle(title)) fail(invalidTitleMessage(title));
  const errors = validateMetadata(metadata, null).filter((i) => i.severity === 'error');
  if (errors.length) fail(`Metadata is invalid: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  if (!options.module) fail('The policy module URI is required.');
  const settings = options.settings ?? {};
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings))
    fail('The settings must be a YAML mapping.');

  const warnings: string[] = [];
  // k8s-openapi ObjectMeta writes its fields in alphabetical order: annotations before name; no title, no name.
  const meta: Record<string, YamlValue> = {};
  const annotations: Record<string, string> = {};
  const severity = get(KEY_SEVERITY);
  const category = get(KEY_CATEGORY);
  if (category !== undefined) annotations[KEY_CATEGORY] = category;
  if (severity !== undefined) annotations[KEY_SEVERITY] = severity;
  if (Object.keys(annotations).length) meta.annotations = annotations;
  if (title !== undefined) meta.name = title;

  const spec: Record<string, YamlValue> = {
    module: options.module,
    settings: toYamlValue(settings),
    rules: metadata.rules.map((r) => ({
      apiGroups: r.apiGroups,
      apiVersions: r.apiVersions,
      resources: r.resources,
      operations: r.operations,
    })),
    mutating: metadata.mutating,
  };
  if (!metadata.backgroundAudit) spec.backgroundAudit = false;
  const resources = sortedResources(metadata.contextAwareResources);
  if (resources.length) {
    const list = resources.map((r) => `${r.apiVersion}/${r.kind}`).join(', ');
    if (options.kind === 'AdmissionPolicy') {
      warnings.push(
        `The policy requests access to Kubernetes resources at evaluation time (${list}), but an AdmissionPolicy cannot grant it; use a ClusterAdmissionPolicy.`,
      );
    } else if (options.allowContextAware) {
      spec.contextAwareResources = resources.map((r) => ({ apiVersion: r.apiVersion, kind: r.kind }));
      warnings.push(
        `The policy is granted access to these Kubernetes resources at evaluation time: ${list}. To avoid abuses, review carefully what the policy requires access to.`,
      );
    } else {
      warnings.push(
        `The policy requests access to these Kubernetes resources at evaluation time: ${list}. They were left out of the manifest; review them, then allow context-aware access to include them.`,
      );
    }
  }
  const manifest: Record<string, YamlValue> = {
    apiVersion: 'policies.kubewarden.io/v1',
    kind: options.kind,
    metadata: meta,
    spec,
  };
  return { yaml: serdeYaml(manifest), warnings };
}

/** Settings parsed from YAML or JSON as a value the serde_yaml writer takes (unknown kinds become strings). */
function toYamlValue(value: unknown, depth = 0): YamlValue {
  if (depth > 64) return null;
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((v) => toYamlValue(v, depth + 1));
  if (typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toYamlValue(v, depth + 1)]));
  return String(value);
}
