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
  | { struct: Field[]; name: string }
  | { oneOf: string[] };
export type Field = readonly [name: string, shape: Shape];

const S = 'string';
const opt = (shape: Shape): Shape => ({ opt: shape });
const list = (shape: Shape): Shape => ({ list: shape });
const struct = (name: string, ...fields: Field[]): Shape => ({ struct: fields, name });
const ANNOTATIONS: Field = ['annotations', opt({ map: 'string' })];
const CERTIFICATE = struct('Certificate', ['encoding', { oneOf: ['Der', 'Pem'] }], ['data', list('u8')]);
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
    ['keyless', list(struct('KeylessInfo', ['issuer', S], ['subject', S]))],
    ANNOTATIONS,
  ],
  SigstoreKeylessPrefixVerify: [
    ['image', S],
    ['keyless_prefix', list(struct('KeylessPrefixInfo', ['issuer', S], ['url_prefix', S]))],
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
        'SubjectAccessReview',
        ['groups', opt(list(S))],
        [
          'resource_attributes',
          struct(
            'ResourceAttributes',
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
    [
      'request',
      struct(
        'CertificateVerificationRequest',
        ['cert', CERTIFICATE],
        ['cert_chain', opt(list(CERTIFICATE))],
        ['not_after', opt(S)],
      ),
    ],
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

/**
 * The request as Rust's `{:?}` prints it in kwctl's replay errors (`OciManifestDigest { image: "busybox" }`,
 * `Some("x")`/`None` for options), long values clipped.
 */
export function describeRequest(req: CallbackRequest): string {
  const fields: readonly Field[] = CALLBACK_REQUESTS[req.tag];
  return clip(`${req.tag} ${debugStruct(fields, req.fields)}`, 600);
}

function debugStruct(fields: readonly Field[], value: unknown): string {
  const v = value as Record<string, unknown>;
  return `{ ${fields.map(([name, shape]) => `${name}: ${debug(shape, v[name])}`).join(', ')} }`;
}

function debug(shape: Shape, value: unknown): string {
  if (typeof shape === 'object' && 'opt' in shape)
    return value === null ? 'None' : `Some(${debug(shape.opt, value)})`;
  if (shape === 'string') return clip(JSON.stringify(value), 200);
  if (shape === 'bool' || shape === 'u8') return String(value);
  if ('oneOf' in shape) return String(value);
  if ('list' in shape)
    return clip(`[${(value as unknown[]).map((x) => debug(shape.list, x)).join(', ')}]`, 200);
  if ('map' in shape)
    return `{${Object.entries(value as Record<string, string>)
      .map(([k, x]) => `${JSON.stringify(k)}: ${JSON.stringify(x)}`)
      .join(', ')}}`;
  return `${shape.name} ${debugStruct(shape.struct, value)}`;
}

function clip(s: string, max: number): string {
  return s.length > max ? s.slice(0, max) + '…' : s;
}

/** A resource type a policy may read (metadata `contextAwareResources`). */
export interface ContextAwareResource {
  apiVersion: string;
  kind: string;
}
