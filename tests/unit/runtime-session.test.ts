// kwctl sessions: every request tag parses and replays, success and error replies, out-of-order and missing
// exchanges, malformed files, and record → replay round trips. The oracle is kwctl itself: the YAML shapes are
// upstream session files (tests/fixtures/kwctl, see its README), the replay rules and messages are
// crates/kwctl/src/callback_handler/proxy.rs, and the guest-call mapping is crates/policy-evaluator/src/runtimes/callback.rs.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CALLBACK_TAGS,
  CapabilityHost,
  RuntimeError,
  WapcGuest,
  callbackRequest,
  describeRequest,
  guestCall,
  parseFixtures,
  parseSession,
  parseSessionRequest,
  serializeSession,
  serializeSessionRequest,
  type CallbackRequest,
  type SessionExchange,
} from '../../src/lib/runtime';
import { ROOT, fixture } from './helpers';

const SESSIONS = join(ROOT, 'tests/fixtures/kwctl/sessions');
const session = (name: string) => readFileSync(join(SESSIONS, name), 'utf8');
const enc = new TextEncoder();
const dec = new TextDecoder();
const ALL = [
  { apiVersion: 'v1', kind: 'Pod' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Namespace' },
];

/** A guest call through a host, as a waPC or WASI guest makes it. */
function call(
  host: CapabilityHost,
  namespace: string,
  operation: string,
  payload: unknown,
  binding = 'kubewarden',
) {
  const r = host.guest(binding, namespace, operation, enc.encode(JSON.stringify(payload)));
  return r.ok ? { ok: true as const, reply: dec.decode(r.reply) } : r;
}

describe('upstream session files', () => {
  const files = readdirSync(SESSIONS).filter((f) => f.endsWith('.yml'));

  it('every file but the one with an unknown tag parses, each exchange with its tag and reply kind', () => {
    const seen = new Set<string>();
    for (const f of files) {
      if (f === 'sdk-js-crypto-verify-cert-failure.yml') continue;
      const exchanges = parseSession(session(f));
      expect(exchanges.length, f).toBe(1);
      seen.add(exchanges[0].request.tag);
      expect(['Success', 'Error']).toContain(exchanges[0].response.type);
    }
    // The upstream files cover these tags; the rest are covered below with the shapes kwctl writes.
    expect([...seen].sort()).toEqual(
      [
        'DNSLookupHost',
        'KubernetesCanI',
        'KubernetesGetResource',
        'KubernetesListResourceAll',
        'KubernetesListResourceNamespace',
        'OciManifest',
        'OciManifestAndConfig',
        'OciManifestDigest',
        'SigstoreGithubActionsVerify',
        'SigstoreKeylessPrefixVerify',
        'SigstoreKeylessVerify',
        'SigstorePubKeyVerify',
      ].sort(),
    );
  });

  it('reads fields as serde does: quoted strings stay strings, null and missing Options are None', () => {
    const [canI] = parseSession(session('sdk-js-can-i-success.yml'));
    expect(canI.request).toEqual({
      tag: 'KubernetesCanI',
      fields: {
        request: {
          groups: null,
          resource_attributes: {
            group: '',
            name: null,
            namespace: null,
            resource: 'pods',
            subresource: null,
            verb: 'create',
            version: null,
          },
          user: 'system:serviceaccount:default:my-service-account',
        },
        disable_cache: false,
      },
    });
    expect(canI.response).toEqual({ type: 'Success', payload: '{"allowed":true}' });
    // `annotations` is absent in the file: an Option, so None.
    const [pub] = parseSession(session('sdk-js-sigstore-verify-pubkey-success.yml'));
    expect(pub.request.fields).toEqual({
      image: 'registry.example.com/signed-app:v1.0.0',
      pub_keys: [
        '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA...\n-----END PUBLIC KEY-----',
      ],
      annotations: null,
    });
    const [err] = parseSession(session('sdk-js-namespace-not-found.yml'));
    expect(err.response).toEqual({
      type: 'Error',
      message: "Cannot find v1/Namespace named 'test-policy' inside of namespace 'None'",
    });
  });

  it('a tag kwctl does not know is refused, naming the exchange (kwctl panics on it)', () => {
    expect(() => parseSession(session('sdk-js-crypto-verify-cert-failure.yml'))).toThrow(
      /^Exchange 1 of the session: unknown request tag !CryptoV1IsCertificateTrusted/,
    );
  });

  it('parseFixtures takes a session file for replay', () => {
    const parsed = parseFixtures(session('sdk-js-dns-lookup-success.yml'));
    expect(parsed.session?.[0].request).toEqual({ tag: 'DNSLookupHost', fields: { host: 'google.com' } });
  });
});

/**
 * Each capability as its SDK sends it (payload JSON) and the recorded request kwctl holds for it: replaying the
 * second against the first must match. Shapes from the session files and the SDK types
 * (kubewarden/policy-sdk-rust src/host_capabilities, kubewarden/policy-sdk-js js/kubewarden/host_capabilities).
 */
const CASES: { ns: string; op: string; payload: unknown; yaml: string }[] = [
  { ns: 'oci', op: 'v1/manifest_digest', payload: 'busybox', yaml: '!OciManifestDigest\nimage: busybox\n' },
  { ns: 'oci', op: 'v1/oci_manifest', payload: 'busybox', yaml: '!OciManifest\nimage: busybox\n' },
  {
    ns: 'oci',
    op: 'v1/oci_manifest_config',
    payload: 'busybox',
    yaml: '!OciManifestAndConfig\nimage: busybox\n',
  },
  {
    ns: 'oci',
    op: 'v1/verify',
    payload: { SigstorePubKeyVerify: { image: 'i', pub_keys: ['k'], annotations: { b: '2', a: '1' } } },
    yaml: '!SigstorePubKeyVerify\nimage: i\npub_keys:\n- k\nannotations:\n  a: "1"\n  b: "2"\n',
  },
  {
    ns: 'oci',
    op: 'v2/verify',
    payload: {
      type: 'SigstoreKeylessVerify',
      image: 'i',
      keyless: [{ issuer: 'x', subject: 'y' }],
      annotations: null,
    },
    yaml: '!SigstoreKeylessVerify\nimage: i\nkeyless:\n- issuer: x\n  subject: y\n',
  },
  {
    ns: 'oci',
    op: 'v2/verify',
    payload: {
      type: 'SigstoreKeylessPrefixVerify',
      image: 'i',
      keyless_prefix: [{ issuer: 'x', url_prefix: 'https://g/' }],
    },
    yaml: '!SigstoreKeylessPrefixVerify\nimage: i\nkeyless_prefix:\n- issuer: x\n  url_prefix: https://g/\nannotations: null\n',
  },
  {
    ns: 'oci',
    op: 'v2/verify',
    payload: { type: 'SigstoreGithubActionsVerify', image: 'i', owner: 'o', repo: null },
    yaml: '!SigstoreGithubActionsVerify\nimage: i\nowner: o\n',
  },
  {
    ns: 'oci',
    op: 'v2/verify',
    payload: {
      type: 'SigstoreCertificateVerify',
      image: 'i',
      certificate: [45, 45],
      certificate_chain: [[1], [2, 3]],
      require_rekor_bundle: true,
    },
    yaml: '!SigstoreCertificateVerify\nimage: i\ncertificate: [45, 45]\ncertificate_chain:\n- [1]\n- [2, 3]\nrequire_rekor_bundle: true\n',
  },
  {
    ns: 'net',
    op: 'v1/dns_lookup_host',
    payload: 'kubewarden.io',
    yaml: '!DNSLookupHost\nhost: kubewarden.io\n',
  },
  {
    ns: 'kubernetes',
    op: 'list_resources_by_namespace',
    payload: {
      api_version: 'v1',
      kind: 'ConfigMap',
      namespace: 'kube-system',
      label_selector: 'component=kube-proxy',
    },
    yaml: '!KubernetesListResourceNamespace\napi_version: v1\nkind: ConfigMap\nnamespace: kube-system\nlabel_selector: component=kube-proxy\nfield_selector: null\n',
  },
  {
    ns: 'kubernetes',
    op: 'list_resources_all',
    payload: { api_version: 'v1', kind: 'Pod', label_selector: null, field_selector: null },
    yaml: '!KubernetesListResourceAll\napi_version: v1\nkind: Pod\nlabel_selector: null\nfield_selector: null\n',
  },
  {
    ns: 'kubernetes',
    op: 'get_resource',
    payload: { api_version: 'v1', kind: 'Namespace', name: 'test-policy', disable_cache: false },
    yaml: '!KubernetesGetResource\napi_version: v1\nkind: Namespace\nname: test-policy\nnamespace: null\ndisable_cache: false\n',
  },
  {
    ns: 'kubernetes',
    op: 'can_i',
    payload: {
      subject_access_review: {
        groups: null,
        resource_attributes: { group: '', resource: 'pods', verb: 'create' },
        user: 'u',
      },
      disable_cache: false,
    },
    yaml:
      "!KubernetesCanI\nrequest:\n  groups: null\n  resource_attributes:\n    group: ''\n    name: null\n    namespace: null\n" +
      '    resource: pods\n    subresource: null\n    verb: create\n    version: null\n  user: u\ndisable_cache: false\n',
  },
  {
    ns: 'crypto',
    op: 'v1/is_certificate_trusted',
    payload: { cert: { encoding: 'Pem', data: [45, 45] }, cert_chain: [], not_after: '2025-12-31T23:59:59Z' },
    // The shape of kubewarden/policy-sdk-js demo_policy/test_data/sessions/crypto-verify-cert-success.yml.
    yaml: '!CryptoIsCertificateTrusted\nrequest:\n  cert:\n    encoding: Pem\n    data: [45,45]\n  cert_chain: []\n  not_after: "2025-12-31T23:59:59Z"\n',
  },
];

describe('guest calls as kwctl requests', () => {
  it('every request tag a guest can send is covered, and each replays against its recorded form', () => {
    const tags = new Set<string>();
    for (const c of CASES) {
      const recorded = parseSessionRequest(c.yaml);
      tags.add(recorded.tag);
      const host = new CapabilityHost({
        session: [{ request: recorded, response: { type: 'Success', payload: `"reply to ${c.op}"` } }],
        contextAwareResources: ALL,
      });
      expect(call(host, c.ns, c.op, c.payload), `${c.ns}/${c.op}`).toEqual({
        ok: true,
        reply: `"reply to ${c.op}"`,
      });
      expect(host.calls[0]).toMatchObject({ ok: true, exchange: 1 });
      expect(host.warnings()).toEqual([]);
    }
    // All of kwctl's tags but the plural-name one, which only the Rego runtime sends (tested in runtime-context).
    expect([...tags].sort()).toEqual(
      CALLBACK_TAGS.filter((t) => t !== 'KubernetesGetResourcePluralName').sort(),
    );
  });

  it('the recorded YAML of each request reads back to the same request', () => {
    for (const c of CASES) {
      const req = parseSessionRequest(c.yaml);
      expect(parseSessionRequest(serializeSessionRequest(req))).toEqual(req);
    }
  });

  it('an error reply reaches the guest as policy-evaluator words it', () => {
    const host = new CapabilityHost({ session: parseSession(session('sdk-js-dns-lookup-failure.yml')) });
    expect(call(host, 'net', 'v1/dns_lookup_host', 'invalid.nonexistent.tld')).toEqual({
      ok: false,
      error: 'Callback evaluation failure: Failed to retrieve DNS lookup IPs: invalid domain',
    });
  });

  it('Kubernetes reads need the resource type in the allow list; can_i and tracing do not', () => {
    const host = new CapabilityHost({ fixtures: { 'kubernetes/can_i': { allowed: true } } });
    expect(
      call(host, 'kubernetes', 'get_resource', {
        api_version: 'v1',
        kind: 'Secret',
        name: 's',
        disable_cache: true,
      }),
    ).toEqual({
      ok: false,
      error:
        'Policy has not been granted access to Kubernetes v1/Secret resources. The violation has been reported.',
    });
    expect(call(host, 'kubernetes', 'can_i', CASES.find((c) => c.op === 'can_i')!.payload)).toEqual({
      ok: true,
      reply: '{"allowed":true}',
    });
    expect(call(host, 'tracing', 'log', { msg: 'hi' })).toEqual({ ok: true, reply: '' });
    // Refused calls never reach a callback handler, so nothing is recorded for them.
    expect(host.recorded.map((x) => x.request.tag)).toEqual(['KubernetesCanI']);
  });

  it('unknown bindings, namespaces, operations and bad payloads are refused with kwctl wording', () => {
    expect(guestCall('other', 'net', 'x', '""', [])).toEqual({
      kind: 'refused',
      error: 'unknown binding: other',
    });
    expect(guestCall('kubewarden', 'fs', 'x', '""', [])).toEqual({
      kind: 'refused',
      error: 'unknown namespace: fs',
    });
    expect(guestCall('kubewarden', 'net', 'v2/x', '""', [])).toEqual({
      kind: 'refused',
      error: 'unknown operation: v2/x',
    });
    expect(guestCall('kubewarden', 'net', 'v1/dns_lookup_host', 'not json', [])).toMatchObject({
      kind: 'refused',
    });
    expect(guestCall('kubewarden', 'kubernetes', 'get_resource', '{"api_version":"v1"}', ALL)).toMatchObject({
      kind: 'refused',
      error: expect.stringContaining('missing field `kind`'),
    });
    // The deprecated ClusterContext binding lists a whole kind.
    expect(guestCall('kubernetes', 'ingresses', 'list', '', [])).toMatchObject({
      kind: 'callback',
      request: {
        tag: 'KubernetesListResourceAll',
        fields: { api_version: 'networking.k8s.io/v1', kind: 'Ingress' },
      },
    });
  });
});

describe('replay order', () => {
  const digest = (image: string): SessionExchange => ({
    request: callbackRequest('OciManifestDigest', { image }),
    response: { type: 'Success', payload: JSON.stringify({ digest: `sha256:${image}` }) },
  });

  it('answers requests in session order', () => {
    const host = new CapabilityHost({ session: [digest('a'), digest('b')] });
    expect(call(host, 'oci', 'v1/manifest_digest', 'a')).toEqual({
      ok: true,
      reply: '{"digest":"sha256:a"}',
    });
    expect(call(host, 'oci', 'v1/manifest_digest', 'b')).toEqual({
      ok: true,
      reply: '{"digest":"sha256:b"}',
    });
    expect(host.calls.map((c) => c.exchange)).toEqual([1, 2]);
  });

  it('an out-of-order request fails, naming the exchange and both requests, and uses that exchange up', () => {
    const host = new CapabilityHost({ session: [digest('a'), digest('b')] });
    const first = call(host, 'oci', 'v1/manifest_digest', 'b');
    expect(first).toEqual({
      ok: false,
      error:
        'Callback evaluation failure: Replay error: unexpected request. Exchange 1 was expecting ' +
        'OciManifestDigest { image: "a" }, got OciManifestDigest { image: "b" } instead',
    });
    // kwctl pops the exchange before comparing, so the next request meets exchange 2.
    expect(call(host, 'oci', 'v1/manifest_digest', 'a')).toMatchObject({
      ok: false,
      error: expect.stringContaining('Exchange 2 was expecting'),
    });
  });

  it('a request past the end fails, naming it; unreplayed exchanges are reported', () => {
    const host = new CapabilityHost({ session: [digest('a')] });
    call(host, 'oci', 'v1/manifest_digest', 'a');
    expect(call(host, 'oci', 'v1/manifest_digest', 'c')).toEqual({
      ok: false,
      error:
        'Callback evaluation failure: Replay error: request 2 (OciManifestDigest { image: "c" }) has no exchange ' +
        'in the session, which holds 1: the list of recorded responses is empty',
    });
    const unused = new CapabilityHost({ session: [digest('a'), digest('b'), digest('c')] });
    call(unused, 'oci', 'v1/manifest_digest', 'a');
    expect(unused.warnings()).toEqual([
      'Exchanges 2–3 of the session were not replayed: OciManifestDigest { image: "b" }; OciManifestDigest { image: "c" }',
    ]);
  });
});

describe('malformed session files', () => {
  const bad: [string, RegExp][] = [
    [
      '- type: Exchange\n  request: "!OciManifestDigest\\nimage: a\\n"\n',
      /Exchange 1 of the session: `response` must be a map/,
    ],
    ['- type: Other\n', /Exchange 1 of the session: `type` must be Exchange/],
    ['- type: Exchange\n  request: "image: a"\n  response: {type: Success, payload: x}\n', /no request tag/],
    [
      '- type: Exchange\n  request: "!KubernetesGetResource\\napi_version: v1\\nkind: Pod\\nname: p\\n"\n  response: {type: Success, payload: x}\n',
      /Exchange 1 of the session: missing field `disable_cache`/,
    ],
    [
      '- type: Exchange\n  request: "!KubernetesGetResource\\napi_version: v1\\nkind: Pod\\nname: p\\ndisable_cache: maybe\\n"\n  response: {type: Success, payload: x}\n',
      /disable_cache: expected a boolean, found "maybe"/,
    ],
    [
      '- type: Exchange\n  request: "!DNSLookupHost\\nhost: a\\n"\n  response: {type: Success}\n',
      /needs a string `payload`/,
    ],
    [
      '- type: Exchange\n  request: "!DNSLookupHost\\nhost: a\\n"\n  response: {type: Error}\n',
      /needs a string `message`/,
    ],
    ['- [unclosed\n', /not YAML/],
    ['type: Exchange\n', /A kwctl session is a YAML list/],
  ];
  for (const [text, message] of bad)
    it(`refuses ${JSON.stringify(text.slice(0, 50))}`, () => {
      let error: unknown;
      try {
        parseSession(text);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(RuntimeError);
      expect((error as RuntimeError).code).toBe('bad-input');
      expect((error as RuntimeError).message).toMatch(message);
    });

  it('a second exchange is named as such', () => {
    const text = `${session('sdk-js-dns-lookup-success.yml')}- type: Exchange\n  request: "!Nope\\n"\n  response: {type: Success, payload: x}\n`;
    expect(() => parseSession(text)).toThrow(/^Exchange 2 of the session: unknown request tag !Nope/);
  });

  it('alias bombs and deep nesting end with an error, not a hang', () => {
    let bomb = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 9; i++)
      bomb += `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]\n`;
    expect(() =>
      parseSession(
        `- type: Exchange\n  request: x\n  response: {type: Success, payload: x}\n  extra: &r\n${bomb.replace(/^/gm, '    ')}`,
      ),
    ).toThrow(/too large|not YAML/);
    expect(() => parseSession('- ' + '['.repeat(100) + ']'.repeat(100))).toThrow(/deeper/);
  });
});

describe('record → replay', () => {
  it('a recorded run exports a session that kwctl-style replay answers identically (WAT guest)', async () => {
    const guestBytes = fixture('loop-guest.wasm');
    const recording = await WapcGuest.create(guestBytes, {
      host: new CapabilityHost({ fixtures: { 'net/v1/dns_lookup_host': { ips: ['10.0.0.1'] } } }),
    });
    const reply = dec.decode(recording.call('host_call', enc.encode('"example.com"')));
    // The recording host is the one passed in: read back what it recorded by running again through a fresh host.
    const host = new CapabilityHost({ fixtures: { 'net/v1/dns_lookup_host': { ips: ['10.0.0.1'] } } });
    const g = await WapcGuest.create(guestBytes, { host });
    g.call('host_call', enc.encode('"example.com"'));
    const text = serializeSession(host.recorded);
    expect(text).toBe(
      '- type: Exchange\n  request: |\n    !DNSLookupHost\n    host: example.com\n  response:\n    type: Success\n    payload: \'{"ips":["10.0.0.1"]}\'\n',
    );
    const replayed = await WapcGuest.create(guestBytes, {
      host: new CapabilityHost({ session: parseSession(text) }),
    });
    expect(dec.decode(replayed.call('host_call', enc.encode('"example.com"')))).toBe(reply);
  });

  it('errors are recorded as Error exchanges with the message kwctl records', () => {
    const host = new CapabilityHost({ fixtures: { 'net/v1/dns_lookup_host': { $error: 'NXDOMAIN' } } });
    call(host, 'net', 'v1/dns_lookup_host', 'nope.test');
    const [x] = parseSession(serializeSession(host.recorded));
    expect(x.response).toEqual({ type: 'Error', message: 'NXDOMAIN' });
  });

  it('every request shape survives a write and a read', () => {
    const requests: CallbackRequest[] = CASES.map((c) => parseSessionRequest(c.yaml));
    const exchanges = requests.map((request, i) => ({
      request,
      response: { type: 'Success' as const, payload: `{"n":${i}}` },
    }));
    expect(parseSession(serializeSession(exchanges))).toEqual(exchanges);
    expect(serializeSession([])).toBe('[]\n');
    expect(parseSession('[]\n')).toEqual([]);
  });
});

describe('answer sources', () => {
  it('resources answer first, then fixtures; granted reads with neither see an empty cluster', () => {
    const get = { api_version: 'v1', kind: 'Namespace', name: 'a', disable_cache: false };
    const fixtures = { 'kubernetes/get_resource': { from: 'fixture' } };
    const viaFixture = new CapabilityHost({ fixtures, contextAwareResources: ALL });
    expect(call(viaFixture, 'kubernetes', 'get_resource', get)).toEqual({
      ok: true,
      reply: '{"from":"fixture"}',
    });
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } };
    const viaCluster = new CapabilityHost({ fixtures, resources: [ns], contextAwareResources: ALL });
    expect(call(viaCluster, 'kubernetes', 'get_resource', get)).toEqual({
      ok: true,
      reply: JSON.stringify(ns),
    });
    const empty = new CapabilityHost({ contextAwareResources: ALL });
    expect(call(empty, 'kubernetes', 'get_resource', get)).toMatchObject({
      ok: false,
      error: expect.stringContaining("Cannot find v1/Namespace named 'a'"),
    });
    // Anything nobody answers says what would answer it.
    expect(call(empty, 'net', 'v1/dns_lookup_host', 'x')).toMatchObject({
      ok: false,
      error: expect.stringContaining('Host capability net/v1/dns_lookup_host is not available in Wasmlens'),
    });
  });
});

describe('request descriptions', () => {
  it("read like Rust's {:?} of CallbackRequestType, as in kwctl's replay errors", () => {
    // Rust prints Option as Some(..)/None, strings quoted, nested structs with their type name.
    expect(describeRequest(parseSession(session('sdk-js-can-i-success.yml'))[0].request)).toBe(
      'KubernetesCanI { request: SubjectAccessReview { groups: None, resource_attributes: ResourceAttributes { ' +
        'group: Some(""), name: None, namespace: None, resource: "pods", subresource: None, verb: "create", ' +
        'version: None }, user: "system:serviceaccount:default:my-service-account" }, disable_cache: false }',
    );
    expect(
      describeRequest(parseSession(session('sdk-js-sigstore-verify-keyless-exact-success.yml'))[0].request),
    ).toBe(
      'SigstoreKeylessVerify { image: "registry.example.com/ci-signed-app:v1.0.0", keyless: [KeylessInfo { ' +
        'issuer: "https://github.com/login/oauth", subject: "user@example.com" }], annotations: None }',
    );
  });
});
