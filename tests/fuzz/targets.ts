// The parsers the fuzz harness drives, each with its seeds and the errors it may throw. Bad input must end in the
// parser's own error class (with a code and a message for the person) or a result: a TypeError, a RangeError
// ("Maximum call stack size exceeded", an allocation failure) or a hang is a bug.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  ArtifactError,
  gunzip,
  gzipDeterministic,
  jsonLines,
  readTar,
  recognizeArtifact,
  splitYamlDocuments,
  writeTar,
} from '../../src/lib/artifacts';
import { MetadataError, metadataFromYaml, parseMetadataJson } from '../../src/lib/kubewarden';
import {
  manifestProblem,
  nextLink,
  parseReference,
  parseWwwAuthenticate,
  RegistryError,
} from '../../src/lib/oci';
import { parseBundle, SignatureError } from '../../src/lib/signatures';
import {
  componentSummary,
  decodeCustomSections,
  decodeExports,
  decodeImports,
  parseWasm,
  WasmParseError,
} from '../../src/lib/wasm';

export interface Target {
  name: string;
  seeds: Uint8Array[];
  /** The error classes that are a clean refusal of bad input. */
  expected: (new (...args: never[]) => Error)[];
  run: (input: Uint8Array) => unknown;
}

const ROOT = new URL('../..', import.meta.url).pathname;
const fixture = (p: string) => new Uint8Array(readFileSync(join(ROOT, 'tests/fixtures', p)));
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);

/** Small corpus modules (components among them), when WASMLENS_CORPUS is set. */
function corpusSeeds(): Uint8Array[] {
  const dir = process.env.WASMLENS_CORPUS;
  if (!dir) return [];
  return ['component-adder-jco-fixture.wasm', 'kw-opa-rego-container-limits-annotated-regorodeo.wasm']
    .map((f) => join(dir, f))
    .filter((f) => existsSync(f) && statSync(f).size < 256 * 1024)
    .map((f) => new Uint8Array(readFileSync(f)));
}

/** JSON.parse failing is the caller's affair (the app catches it before the parser sees anything). */
function parseJsonOr<T>(input: Uint8Array, then: (value: unknown) => T): T | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text(input));
  } catch (e) {
    if (e instanceof SyntaxError) return undefined;
    throw e;
  }
  return then(value);
}

const policyYaml = text(fixture('artifacts/kyverno-policies.yaml'));
const tarSeed = writeTar([
  { path: 'deploy/app.yaml', bytes: bytes(policyYaml) },
  { path: 'README.md', bytes: bytes('# hello\n') },
]);

export const TARGETS: Target[] = [
  {
    name: 'wasm',
    seeds: [
      fixture('minimal.wasm'),
      fixture('wasm-kinds.wasm'),
      fixture('no-privileged-pods.wasm'),
      fixture('mutating-guest.wasm'),
      ...corpusSeeds(),
    ],
    expected: [WasmParseError],
    run: (b) => {
      const info = parseWasm(b);
      decodeCustomSections(b, info.sections);
      if (info.kind === 'component') return componentSummary(b, info);
      return [decodeImports(b, info), decodeExports(b, info)];
    },
  },
  {
    name: 'metadata JSON',
    seeds: [
      bytes(JSON.stringify({ protocolVersion: 'v1', rules: [], mutating: false, annotations: { a: 'b' } })),
      bytes(
        JSON.stringify({
          protocolVersion: 'v1',
          rules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['CREATE'] }],
          mutating: true,
          contextAwareResources: [{ apiVersion: 'v1', kind: 'Pod' }],
          executionMode: 'wasi',
        }),
      ),
    ],
    expected: [MetadataError],
    run: (b) => parseMetadataJson(b),
  },
  {
    name: 'metadata.yml import',
    seeds: [fixture('no-privileged-pods.metadata.yml')],
    expected: [MetadataError],
    run: (b) => metadataFromYaml(text(b)),
  },
  {
    name: 'multi-document YAML',
    seeds: [bytes(policyYaml), fixture('artifacts/not-a-policy.yaml')],
    expected: [ArtifactError],
    run: (b) => splitYamlDocuments(text(b)),
  },
  {
    name: 'tar',
    seeds: [tarSeed],
    expected: [ArtifactError],
    run: (b) => readTar(b),
  },
  {
    name: 'gzip',
    seeds: [gzipDeterministic(tarSeed), gzipDeterministic(bytes(policyYaml))],
    expected: [ArtifactError],
    run: (b) => gunzip(b, { maxOutput: 8 << 20 }),
  },
  {
    name: 'manifests',
    seeds: [
      'oci-index.json',
      'kyverno-policies.json',
      'flux-artifact.json',
      'sigstore-bundle.json',
      'helm-chart.json',
    ].map((f) => fixture(`artifacts/${f}`)),
    expected: [],
    run: (b) =>
      parseJsonOr(b, (m) => {
        manifestProblem(m);
        return [recognizeArtifact(m, {}), jsonLines(m, 5000)];
      }),
  },
  {
    name: 'references',
    seeds: [
      'ghcr.io/kubewarden/policies/safe-labels:v1.0.0',
      '127.0.0.1:5000/a/b@sha256:' + 'ab'.repeat(32),
      'registry.example.com:443/x/y:tag@sha256:' + '0'.repeat(64),
      'localhost/x',
    ].map(bytes),
    expected: [RegistryError],
    run: (b) => parseReference(text(b)),
  },
  {
    name: 'challenges and links',
    seeds: [
      'Bearer realm="https://auth.example.com/token",service="registry",scope="repository:a:pull"',
      'Basic realm="x", Bearer realm="y", error="insufficient_scope"',
      '</v2/x/tags/list?n=2&last=b>; rel="next", <https://a/p>; rel="prev"',
    ].map(bytes),
    expected: [],
    run: (b) => [parseWwwAuthenticate(text(b)), nextLink(text(b))],
  },
  {
    name: 'signature bundles',
    seeds: [fixture('signatures/sigstore-python/new_bundle.txt.sigstore.json')],
    expected: [SignatureError],
    run: (b) => parseJsonOr(b, (v) => parseBundle(v)),
  },
];
