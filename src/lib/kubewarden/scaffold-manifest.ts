/** `kwctl scaffold manifest`: a ClusterAdmissionPolicy or AdmissionPolicy for this policy (§13.2). */
import { KEY_CATEGORY, KEY_SEVERITY, KEY_TITLE } from './constants';
import { MetadataError } from './errors';
import type { Metadata } from './types';
import { validateMetadata } from './validate';
import { toYaml } from './yaml-export';

export interface ManifestOptions {
  kind: 'ClusterAdmissionPolicy' | 'AdmissionPolicy';
  /** The policy URI written to `spec.module`, e.g. `registry://ghcr.io/org/policy:v1.0.0`. */
  module: string;
  /** Overrides `io.kubewarden.policy.title` as `metadata.name`. */
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

const RFC1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const RFC1123_HELP =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

const fail = (message: string): never => {
  throw new MetadataError('scaffold', message);
};

/**
 * Builds the manifest YAML. The metadata must pass validation (§4); the name must be an RFC 1123 subdomain.
 * Throws {@link MetadataError} `scaffold`; returns warnings about context-aware resources.
 */
export function scaffoldManifest(metadata: Metadata, options: ManifestOptions): ScaffoldedManifest {
  const errors = validateMetadata(metadata, null).filter((i) => i.severity === 'error');
  if (errors.length) fail(`Metadata is invalid: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  const a = metadata.annotations;
  const get = (key: string) => (Object.prototype.hasOwnProperty.call(a, key) ? a[key] : undefined);
  const title = options.title ?? get(KEY_TITLE);
  if (title === undefined)
    fail(`No policy name: the metadata has no "${KEY_TITLE}" annotation; give a title for metadata.name.`);
  const name = title as string;
  if (name.length > 253 || !RFC1123.test(name))
    fail(`Invalid title '${name}'. Must conform to RFC 1123: ${RFC1123_HELP}`);
  if (!options.module) fail('The policy module URI is required.');
  const settings = options.settings ?? {};
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings))
    fail('The settings must be a YAML mapping.');

  const warnings: string[] = [];
  const meta: Record<string, unknown> = { name };
  const annotations: Record<string, string> = {};
  const severity = get(KEY_SEVERITY);
  const category = get(KEY_CATEGORY);
  if (severity !== undefined) annotations[KEY_SEVERITY] = severity;
  if (category !== undefined) annotations[KEY_CATEGORY] = category;
  if (Object.keys(annotations).length) meta.annotations = annotations;

  const spec: Record<string, unknown> = {
    module: options.module,
    settings,
    rules: metadata.rules,
    mutating: metadata.mutating,
  };
  if (!metadata.backgroundAudit) spec.backgroundAudit = false;
  const resources = metadata.contextAwareResources;
  if (resources.length) {
    const list = resources.map((r) => `${r.apiVersion}/${r.kind}`).join(', ');
    if (options.kind === 'AdmissionPolicy') {
      warnings.push(
        `The policy requests access to Kubernetes resources at evaluation time (${list}), but an AdmissionPolicy cannot grant it; use a ClusterAdmissionPolicy.`,
      );
    } else if (options.allowContextAware) {
      spec.contextAwareResources = resources;
      warnings.push(
        `The policy is granted access to these Kubernetes resources at evaluation time: ${list}. To avoid abuses, review carefully what the policy requires access to.`,
      );
    } else {
      warnings.push(
        `The policy requests access to these Kubernetes resources at evaluation time: ${list}. They were left out of the manifest; review them, then allow context-aware access to include them.`,
      );
    }
  }
  const manifest = {
    apiVersion: 'policies.kubewarden.io/v1',
    kind: options.kind,
    metadata: meta,
    spec,
  };
  return { yaml: toYaml(manifest), warnings };
}
