/** kwctl's `CallbackRequestType`: every request a policy can send the host, as the Rust enum's shape and equality. */
/**
 * The shape of one field, after serde: `opt` is `Option<T>` (missing or null means None), `list` is `Vec<T>`,
 * `map` a string-to-string map (`HashMap`/`BTreeMap`, compared without order), `oneOf` a unit-variant enum.
 */
export type Shape =
  | 'string'
  | 'bool'
  | 'u8'
  | { opt: Shape }
  | { list: Shape }
  | { map: 'string' }
  | { struct: Field[] }
  | { oneOf: string[] };
export type Field = readonly [name: string, shape: Shape];

const S = 'string';
const opt = (shape: Shape): Shape => ({ opt: shape });
const list = (shape: Shape): Shape => ({ list: shape });
const struct = (...fields: Field[]): Shape => ({ struct: fields });
const ANNOTATIONS: Field = ['annotations', opt({ map: 'string' })];
const CERTIFICATE = struct(['encoding', { oneOf: ['Der', 'Pem'] }], ['data', list('u8')]);
const LIST_SELECTORS: Field[] = [
  ['label_selector', opt(S)],
  ['field_selector', opt(S)],
];

/**
 * Every variant of kwctl's `CallbackRequestType` a run can send, with its fields in declaration order
 * (kubewarden-controller crates/policy-evaluator/src/callback_requests.rs, since moved to the Rust policy SDK's
 * host_capabilities; the field lists are confirmed by the session files in kubewarden/policy-sdk-js
 * demo_policy/test_data/sessions). Fields are snake_case because the enum has no serde rename.
 */
export const CALLBACK_REQUESTS = {
  OciManifestDigest: [['image', S]],
  OciManifest: [['image', S]],
  OciManifestAndConfig: [['image', S]],
  SigstorePubKeyVerify: [['image', S], ['pub_keys', list(S)], ANNOTATIONS],
  SigstoreKeylessVerify: [
    ['image', S],
    ['keyless', list(struct(['issuer', S], ['subject', S]))],
    ANNOTATIONS,
  ],
  SigstoreKeylessPrefixVerify: [
    ['image', S],
    ['keyless_prefix', list(struct(['issuer', S], ['url_prefix', S]))],
    ANNOTATIONS,
  ],
  SigstoreGithubActionsVerify: [['image', S], ['owner', S], ['repo', opt(S)], ANNOTATIONS],
  SigstoreCertificateVerify: [
    ['image', S],
    ['certificate', list('u8')],
    ['certificate_chain', opt(list(list('u8')))],
    ['require_rekor_bundle', 'bool'],
    ANNOTATIONS,
  ],
  DNSLookupHost: [['host', S]],
  KubernetesListResourceNamespace: [['api_version', S], ['kind', S], ['namespace', S], ...LIST_SELECTORS],
  KubernetesListResourceAll: [['api_version', S], ['kind', S], ...LIST_SELECTORS],
  KubernetesGetResource: [
    ['api_version', S],
    ['kind', S],
    ['name', S],
    ['namespace', opt(S)],
    ['disable_cache', 'bool'],
  ],
  KubernetesGetResourcePluralName: [
    ['api_version', S],
    ['kind', S],
  ],
  KubernetesCanI: [
    [
      'request',
      struct(
        ['groups', opt(list(S))],
        [
          'resource_attributes',
          struct(
            ['group', opt(S)],
            ['name', opt(S)],
            ['namespace', opt(S)],
            ['resource', S],
            ['subresource', opt(S)],
            ['verb', S],
            ['version', opt(S)],
          ),
        ],
        ['user', S],
      ),
    ],
    ['disable_cache', 'bool'],
  ],
  CryptoIsCertificateTrusted: [
    ['request', struct(['cert', CERTIFICATE], ['cert_chain', opt(list(CERTIFICATE))], ['not_after', opt(S)])],
  ],
} as const satisfies Record<string, readonly Field[]>;

export type CallbackTag = keyof typeof CALLBACK_REQUESTS;
export const CALLBACK_TAGS = Object.keys(CALLBACK_REQUESTS) as CallbackTag[];

/** One request in canonical form: fields in declaration order, None as null, maps with sorted keys. */
export interface CallbackRequest {
  tag: CallbackTag;
  fields: Record<string, unknown>;
}

/**
 * A YAML scalar as written: the text and whether it was plain (unquoted). serde_yaml types plain scalars by
 * content (`null`, `true`, `12`) but never quoted ones, so the reader needs both. A class, so no JSON value
 * from a guest can pass for one.
 */
export class YamlScalar {
  constructor(
    readonly yaml: string,
    readonly plain: boolean,
  ) {}
}

/** A value to normalise: JSON (from a guest payload) or a YAML tree whose scalars are {@link YamlScalar}s. */
type Raw = unknown;

const YAML_NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const YAML_BOOLS: Record<string, boolean> = {
  true: true,
  True: true,
  TRUE: true,
  false: false,
  False: false,
  FALSE: false,
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isScalar(v: unknown): v is YamlScalar {
  return v instanceof YamlScalar;
}

function isNone(v: Raw): boolean {
  return v === undefined || v === null || (isScalar(v) && v.plain && YAML_NULLS.has(v.yaml));
}

function describe(v: Raw): string {
  if (isScalar(v)) return v.plain && YAML_NULLS.has(v.yaml) ? 'null' : `"${v.yaml}"`;
  if (Array.isArray(v)) return 'a sequence';
  if (isRecord(v)) return 'a map';
  return v === null || v === undefined ? 'null' : JSON.stringify(v);
}

/** Normalises `value` to `shape`; throws a plain Error naming the field path (serde's "invalid type" checks). */
export function normalize(shape: Shape, value: Raw, path: string): unknown {
  const bad = (what: string) => new Error(`${path}: expected ${what}, found ${describe(value)}`);
  if (typeof shape === 'object' && 'opt' in shape)
    return isNone(value) ? null : normalize(shape.opt, value, path);
  if (shape === 'string') {
    if (typeof value === 'string') return value;
    if (isScalar(value) && !(value.plain && YAML_NULLS.has(value.yaml))) return value.yaml;
    throw bad('a string');
  }
  if (shape === 'bool') {
    if (typeof value === 'boolean') return value;
    if (isScalar(value) && value.plain && value.yaml in YAML_BOOLS) return YAML_BOOLS[value.yaml];
    throw bad('a boolean');
  }
  if (shape === 'u8') {
    const n = typeof value === 'number' ? value : isScalar(value) && value.plain ? Number(value.yaml) : NaN;
    if (
      Number.isInteger(n) &&
      n >= 0 &&
      n <= 255 &&
      (typeof value === 'number' || /^\+?\d+$/.test((value as YamlScalar).yaml))
    )
      return n;
    throw bad('a byte (0..255)');
  }
  if ('oneOf' in shape) {
    const s = typeof value === 'string' ? value : isScalar(value) ? value.yaml : null;
    if (s !== null && shape.oneOf.includes(s)) return s;
    throw bad(`one of ${shape.oneOf.join(', ')}`);
  }
  if ('list' in shape) {
    if (!Array.isArray(value)) throw bad('a sequence');
    return value.map((item, i) => normalize(shape.list, item, `${path}[${i}]`));
  }
  if ('map' in shape) {
    if (!isRecord(value) || isScalar(value)) throw bad('a map');
    const out: Record<string, string> = {};
    for (const key of Object.keys(value).sort())
      Object.defineProperty(out, key, {
        value: normalize('string', value[key], `${path}.${key}`),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return out;
  }
  return normalizeStruct(shape.struct, value, path);
}

function normalizeStruct(fields: readonly Field[], value: Raw, path: string): Record<string, unknown> {
  if (!isRecord(value) || isScalar(value))
    throw new Error(`${path || 'the request'}: expected a map, found ${describe(value)}`);
  const out: Record<string, unknown> = {};
  for (const [name, shape] of fields) {
    const where = path ? `${path}.${name}` : name;
    const present = Object.hasOwn(value, name);
    // serde fills a missing Option with None; any other missing field is an error.
    if (!present && !(typeof shape === 'object' && 'opt' in shape))
      throw new Error(`missing field \`${where}\``);
    out[name] = normalize(shape, present ? value[name] : undefined, where);
  }
  return out;
}

/** Builds the canonical request for `tag` from its fields (JSON or YAML tree); throws a plain Error. */
export function callbackRequest(tag: string, fields: Raw): CallbackRequest {
  if (!Object.hasOwn(CALLBACK_REQUESTS, tag))
    throw new Error(
      `unknown request tag !${tag} (kwctl knows ${CALLBACK_TAGS.map((t) => `!${t}`).join(', ')})`,
    );
  const t = tag as CallbackTag;
  return { tag: t, fields: normalizeStruct(CALLBACK_REQUESTS[t], fields, '') };
}

/** The equality kwctl's replay uses (`expected_request == req.request`), as one comparable string. */
export function requestKey(req: CallbackRequest): string {
  return req.tag + JSON.stringify(req.fields);
}

/** A short, readable form for messages: `OciManifestDigest { image: "busybox" }`, long values clipped. */
export function describeRequest(req: CallbackRequest): string {
  const body = Object.entries(req.fields)
    .map(([k, v]) => `${k}: ${clip(JSON.stringify(v))}`)
    .join(', ');
  return `${req.tag} { ${body} }`;
}

function clip(s: string): string {
  return s.length > 120 ? s.slice(0, 120) + '…' : s;
}

/** What the host capability a guest called turns into, before any host answers it. */
export type GuestCall =
  | { kind: 'callback'; request: CallbackRequest; capability: string }
  | { kind: 'log'; text: string }
  | { kind: 'refused'; error: string };

export interface ContextAwareResource {
  apiVersion: string;
  kind: string;
}

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
  const make = (tag: CallbackTag, fields: Raw): GuestCall => {
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
  make: (tag: CallbackTag, fields: Raw) => GuestCall,
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
