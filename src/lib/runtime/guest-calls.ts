/** Guest host calls as kwctl requests: policy-evaluator's `host_callback` mapping, payload reading and access checks. */
import {
  callbackRequest,
  type CallbackRequest,
  type CallbackTag,
  type ContextAwareResource,
} from './callback-request';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** What the host capability a guest called turns into, before any host answers it. */
export type GuestCall =
  | { kind: 'callback'; request: CallbackRequest; capability: string }
  | { kind: 'log'; text: string }
  | { kind: 'refused'; error: string };

const OCI: Record<string, CallbackTag> = {
  'v1/manifest_digest': 'OciManifestDigest',
  'v1/oci_manifest': 'OciManifest',
  'v1/oci_manifest_config': 'OciManifestAndConfig',
};
const KUBE: Record<string, CallbackTag> = {
  list_resources_by_namespace: 'KubernetesListResourceNamespace',
  list_resources_all: 'KubernetesListResourceAll',
  get_resource: 'KubernetesGetResource',
};
/** The deprecated `ClusterContext` binding: each namespace lists one kind cluster-wide. */
const CLUSTER_CONTEXT: Record<string, [string, string]> = {
  ingresses: ['networking.k8s.io/v1', 'Ingress'],
  namespaces: ['v1', 'Namespace'],
  services: ['v1', 'Service'],
};
const V1_VERIFY = new Set(['SigstorePubKeyVerify', 'SigstoreKeylessVerify']);
const V2_VERIFY = new Set([
  ...V1_VERIFY,
  'SigstoreKeylessPrefixVerify',
  'SigstoreGithubActionsVerify',
  'SigstoreCertificateVerify',
]);

/**
 * Turns a guest's host call into the request kwctl would send its callback handler, exactly as policy-evaluator's
 * `host_callback` does (crates/policy-evaluator/src/runtimes/callback.rs): the payload is read as the SDK type
 * for that operation, and Kubernetes reads are refused unless `allowList` (the context-aware resources kwctl
 * grants) holds the resource type. Errors use that file's wording.
 */
export function guestCall(
  binding: string,
  namespace: string,
  operation: string,
  payload: string,
  allowList: readonly ContextAwareResource[],
): GuestCall {
  const capability = `${namespace}/${operation}`;
  const make = (tag: CallbackTag, fields: unknown): GuestCall => {
    try {
      return { kind: 'callback', request: callbackRequest(tag, fields), capability };
    } catch (e) {
      return {
        kind: 'refused',
        error: `The payload of ${capability} is not what kwctl expects: ${(e as Error).message}`,
      };
    }
  };
  const json = (): { ok: true; value: unknown } | { ok: false; error: string } => {
    try {
      return { ok: true, value: JSON.parse(payload) };
    } catch (e) {
      return { ok: false, error: `The payload of ${capability} is not JSON: ${(e as Error).message}` };
    }
  };
  if (binding === 'kubernetes') {
    const cc = CLUSTER_CONTEXT[namespace];
    if (!cc) return { kind: 'refused', error: `unknown namespace: ${namespace}` };
    return make('KubernetesListResourceAll', { api_version: cc[0], kind: cc[1] });
  }
  if (binding !== 'kubewarden') return { kind: 'refused', error: `unknown binding: ${binding}` };
  if (namespace === 'tracing')
    return operation === 'log'
      ? { kind: 'log', text: payload }
      : { kind: 'refused', error: `unknown operation: ${operation}` };
  const known =
    (namespace === 'oci' && (operation in OCI || operation === 'v1/verify' || operation === 'v2/verify')) ||
    (namespace === 'net' && operation === 'v1/dns_lookup_host') ||
    (namespace === 'crypto' && operation === 'v1/is_certificate_trusted') ||
    (namespace === 'kubernetes' && (operation in KUBE || operation === 'can_i'));
  if (!['oci', 'net', 'crypto', 'kubernetes'].includes(namespace))
    return { kind: 'refused', error: `unknown namespace: ${namespace}` };
  if (!known) return { kind: 'refused', error: `unknown operation: ${operation}` };
  const parsed = json();
  if (!parsed.ok) return { kind: 'refused', error: parsed.error };
  const value = parsed.value;
  if (namespace === 'oci' && operation in OCI) {
    if (typeof value !== 'string')
      return { kind: 'refused', error: `The payload of ${capability} must be a JSON string (the image).` };
    return make(OCI[operation], { image: value });
  }
  if (namespace === 'oci') return verifyRequest(operation === 'v1/verify' ? 1 : 2, value, make, capability);
  if (namespace === 'net') {
    if (typeof value !== 'string')
      return { kind: 'refused', error: `The payload of ${capability} must be a JSON string (the host).` };
    return make('DNSLookupHost', { host: value });
  }
  if (namespace === 'crypto') return make('CryptoIsCertificateTrusted', { request: value });
  if (operation === 'can_i') {
    // CanIRequest { subject_access_review, disable_cache } becomes KubernetesCanI { request, disable_cache }.
    const v = isRecord(value) ? value : {};
    return make('KubernetesCanI', { request: v.subject_access_review, disable_cache: v.disable_cache });
  }
  const req = make(KUBE[operation], value);
  if (req.kind !== 'callback') return req;
  const { api_version, kind } = req.request.fields as { api_version: string; kind: string };
  if (!allowList.some((r) => r.apiVersion === api_version && r.kind === kind))
    return {
      kind: 'refused',
      error: `Policy has not been granted access to Kubernetes ${api_version}/${kind} resources. The violation has been reported.`,
    };
  return req;
}

/** `v1/verify` is externally tagged (`{"SigstorePubKeyVerify": {...}}`), `v2/verify` internally (`"type"`). */
function verifyRequest(
  version: 1 | 2,
  value: unknown,
  make: (tag: CallbackTag, fields: unknown) => GuestCall,
  capability: string,
): GuestCall {
  const allowed = version === 1 ? V1_VERIFY : V2_VERIFY;
  let tag: unknown;
  let fields: unknown;
  if (version === 1 && isRecord(value) && Object.keys(value).length === 1) {
    tag = Object.keys(value)[0];
    fields = value[tag as string];
  } else if (version === 2 && isRecord(value)) {
    tag = value.type;
    fields = value;
  }
  if (typeof tag !== 'string' || !allowed.has(tag))
    return {
      kind: 'refused',
      error: `The payload of ${capability} is not a SigstoreVerificationInputV${version} (one of ${[...allowed].join(', ')}).`,
    };
  return make(tag as CallbackTag, fields);
}

/** The capability key (`namespace/operation`) a request answers, for fixtures keyed that way. */
export function capabilityOf(req: CallbackRequest): string {
  for (const [op, tag] of Object.entries(OCI)) if (tag === req.tag) return `oci/${op}`;
  for (const [op, tag] of Object.entries(KUBE)) if (tag === req.tag) return `kubernetes/${op}`;
  if (req.tag === 'DNSLookupHost') return 'net/v1/dns_lookup_host';
  if (req.tag === 'KubernetesCanI') return 'kubernetes/can_i';
  if (req.tag === 'CryptoIsCertificateTrusted') return 'crypto/v1/is_certificate_trusted';
  if (req.tag === 'KubernetesGetResourcePluralName') return 'kubernetes/plural_name';
  return 'oci/v2/verify';
}
