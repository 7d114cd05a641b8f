/** Names kwctl and policy-server agree on: the custom section, well-known annotation keys and enum values. */
import type { ExecutionMode, Operation, PolicyType, ProtocolVersion } from './types';

/** Name of the custom section holding the metadata JSON (crates/policy-evaluator/src/constants.rs). */
export const METADATA_SECTION = 'io.kubewarden.metadata';

export const KEY_TITLE = 'io.kubewarden.policy.title';
export const KEY_VERSION = 'io.kubewarden.policy.version';
export const KEY_DESCRIPTION = 'io.kubewarden.policy.description';
export const KEY_AUTHOR = 'io.kubewarden.policy.author';
export const KEY_URL = 'io.kubewarden.policy.url';
export const KEY_SOURCE = 'io.kubewarden.policy.source';
export const KEY_LICENSE = 'io.kubewarden.policy.license';
export const KEY_OCI_URL = 'io.kubewarden.policy.ociUrl';
export const KEY_USAGE = 'io.kubewarden.policy.usage';
export const KEY_SEVERITY = 'io.kubewarden.policy.severity';
export const KEY_CATEGORY = 'io.kubewarden.policy.category';
export const KEY_DISPLAY_NAME = 'io.artifacthub.displayName';
export const KEY_KEYWORDS = 'io.artifacthub.keywords';
export const KEY_RESOURCES = 'io.artifacthub.resources';
export const KEY_HIDDEN_UI = 'io.kubewarden.hidden-ui';
export const KEY_RELEASE_TAG = 'com.github.release.tag';
/** Reserved: the kwctl version that annotated the file. Wasmlens never writes or fakes it. */
export const KEY_KWCTL = 'io.kubewarden.kwctl';
export const KEY_OCI_SOURCE = 'org.opencontainers.image.source';

export const PROTOCOL_VERSIONS: readonly ProtocolVersion[] = ['v1', 'Unknown'];
export const EXECUTION_MODES: readonly ExecutionMode[] = ['kubewarden-wapc', 'opa', 'gatekeeper', 'wasi'];
export const POLICY_TYPES: readonly PolicyType[] = ['kubernetes', 'raw'];
export const OPERATIONS: readonly Operation[] = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT', '*'];

/** Top-level keys of the metadata object, in kwctl's emitted order (§2.2). */
export const METADATA_KEYS = [
  'protocolVersion',
  'rules',
  'annotations',
  'mutating',
  'backgroundAudit',
  'executionMode',
  'policyType',
  'contextAwareResources',
  'hostCapabilities',
  'minimumKubewardenVersion',
] as const;

/** Known host capabilities (crates/policy-evaluator/src/host_capabilities.rs), namespace/operation. */
export const HOST_CAPABILITIES: readonly string[] = [
  'crypto/v1/is_certificate_trusted',
  'kubernetes/can_i',
  'kubernetes/get_resource',
  'kubernetes/list_resources_all',
  'kubernetes/list_resources_by_namespace',
  'net/v1/dns_lookup_host',
  'oci/v1/manifest_digest',
  'oci/v1/oci_manifest',
  'oci/v1/oci_manifest_config',
  'oci/v1/verify',
  'oci/v2/verify',
];
