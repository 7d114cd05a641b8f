// Context-aware data for Rego (data.kubernetes / data.inventory as policy-server builds them), the stand-in cluster,
// raw policies, the printed AdmissionResponse, components and bench statistics.
// Oracles: the layouts in crates/policy-evaluator/src/runtimes/rego/{opa,gatekeeper}_inventory.rs (their own
// unit tests' expected JSON), kwctl's sessions in tests/fixtures/kwctl, admission_response.rs's tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  COMPONENT_NOT_EVALUABLE,
  ClusterHost,
  benchPolicy,
  benchStats,
  callbackRequest,
  createPodReview,
  decodePatch,
  evaluatePolicy,
  fromValidationResponse,
  gatekeeperInventory,
  kwctlResponseJson,
  opaInventory,
  parseLabelSelector,
  parseResources,
  parseSession,
  pluralName,
  readAdmissionRequest,
  rulesMismatch,
  serializeSession,
  type ContextAwareResource,
} from '../../src/lib/runtime';
import { ROOT, corpus, corpusDir, fixture } from './helpers';

const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const svc = (namespace: string, name: string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace },
});
const deploy = (namespace: string, name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace },
});
const SERVICE: ContextAwareResource = { apiVersion: 'v1', kind: 'Service' };
const DEPLOYMENT: ContextAwareResource = { apiVersion: 'apps/v1', kind: 'Deployment' };
const NAMESPACE: ContextAwareResource = { apiVersion: 'v1', kind: 'Namespace' };

describe('inventories', () => {
  // The fixtures of opa_inventory.rs / gatekeeper_inventory.rs `create` tests, reduced to names.
  const lists = new Map<ContextAwareResource, Record<string, unknown>[]>([
    [SERVICE, [svc('kube-system', 'kube-dns'), svc('kube-system', 'metrics-server')]],
    [
      DEPLOYMENT,
      [
        deploy('ingress', 'ingress-nginx'),
        deploy('kube-system', 'coredns'),
        deploy('kube-system', 'local-path-provisioner'),
      ],
    ],
    [NAMESPACE, [ns('cert-manager'), ns('kube-system')]],
  ]);

  it('OPA: <plural>.<namespace>.<name> and <plural>.<name>, keys sorted', () => {
    const plurals = new Map([
      [SERVICE, 'services'],
      [DEPLOYMENT, 'deployments'],
      [NAMESPACE, 'namespaces'],
    ]);
    const inv = opaInventory(lists, plurals);
    expect(inv).toEqual({
      namespaces: { 'kube-system': ns('kube-system'), 'cert-manager': ns('cert-manager') },
      services: {
        'kube-system': {
          'kube-dns': svc('kube-system', 'kube-dns'),
          'metrics-server': svc('kube-system', 'metrics-server'),
        },
      },
      deployments: {
        'kube-system': {
          coredns: deploy('kube-system', 'coredns'),
          'local-path-provisioner': deploy('kube-system', 'local-path-provisioner'),
        },
        ingress: { 'ingress-nginx': deploy('ingress', 'ingress-nginx') },
      },
    });
    // serde_json prints a BTreeMap in key order.
    expect(Object.keys(inv)).toEqual(['deployments', 'namespaces', 'services']);
    expect(Object.keys(inv.deployments as object)).toEqual(['ingress', 'kube-system']);
  });

  it('Gatekeeper: cluster[gv][kind][name] and namespace[ns][gv][kind][name]', () => {
    expect(gatekeeperInventory(lists)).toEqual({
      cluster: {
        v1: { Namespace: { 'kube-system': ns('kube-system'), 'cert-manager': ns('cert-manager') } },
      },
      namespace: {
        'kube-system': {
          v1: {
            Service: {
              'kube-dns': svc('kube-system', 'kube-dns'),
              'metrics-server': svc('kube-system', 'metrics-server'),
            },
          },
          'apps/v1': {
            Deployment: {
              coredns: deploy('kube-system', 'coredns'),
              'local-path-provisioner': deploy('kube-system', 'local-path-provisioner'),
            },
          },
        },
        ingress: { 'apps/v1': { Deployment: { 'ingress-nginx': deploy('ingress', 'ingress-nginx') } } },
      },
    });
  });

  it('refuses objects without a name, and mixing scopes under one plural (policy-server errors)', () => {
    const nameless = new Map([[NAMESPACE, [{ apiVersion: 'v1', kind: 'Namespace', metadata: {} }]]]);
    expect(() => gatekeeperInventory(nameless)).toThrow('DynamicObject does not have name');
    const mixed = new Map([
      [SERVICE, [svc('a', 's'), { apiVersion: 'v1', kind: 'Service', metadata: { name: 't' } }]],
    ]);
    expect(() => opaInventory(mixed, new Map([[SERVICE, 'services']]))).toThrow(
      'trying to add a clusterwide resource to a list of namespaced resources',
    );
  });
});

describe('Rego context through the host', () => {
  const echo = fixture('rego-data-echo.wasm');
  const request = readAdmissionRequest(createPodReview({ namespace: 'team-a' }));
  /** The data echo module on the team-a Pod request, allowed to read Namespaces unless told otherwise. */
  const echoRun = (mode: 'opa' | 'gatekeeper', more: Partial<Parameters<typeof evaluatePolicy>[0]>) =>
    evaluatePolicy({ bytes: echo, mode, request, settings: {}, contextAwareResources: [NAMESPACE], ...more });

  it('Gatekeeper gets data.inventory from the resources the user gave, for the allowed types only', async () => {
    const r = await echoRun('gatekeeper', { resources: [ns('team-a'), svc('team-a', 'web')] });
    expect(JSON.parse(r.verdict!.message!)).toEqual({
      inventory: { cluster: { v1: { Namespace: { 'team-a': ns('team-a') } } }, namespace: {} },
    });
    expect(r.hostCalls.map((c) => c.request)).toEqual([
      'KubernetesListResourceAll { api_version: "v1", kind: "Namespace", label_selector: None, field_selector: None }',
    ]);
  });

  it('OPA gets data.kubernetes beside its settings, after one list and one plural-name request per type', async () => {
    const r = await echoRun('opa', {
      settings: { limit: 3 },
      contextAwareResources: [SERVICE, NAMESPACE],
      resources: [ns('team-a'), svc('team-a', 'web')],
    });
    expect(JSON.parse(r.verdict!.message!)).toEqual({
      limit: 3,
      kubernetes: {
        namespaces: { 'team-a': ns('team-a') },
        services: { 'team-a': { web: svc('team-a', 'web') } },
      },
    });
    // BTreeSet order (apiVersion, then kind): v1/Namespace before v1/Service; lists first, then plural names.
    expect(r.exchanges.map((x) => `${x.request.tag} ${x.request.fields.kind}`)).toEqual([
      'KubernetesListResourceAll Namespace',
      'KubernetesListResourceAll Service',
      'KubernetesGetResourcePluralName Namespace',
      'KubernetesGetResourcePluralName Service',
    ]);
    // Recorded and replayed, the same data comes back without the resources.
    const replay = await echoRun('opa', {
      settings: { limit: 3 },
      contextAwareResources: [SERVICE, NAMESPACE],
      session: parseSession(serializeSession(r.exchanges)),
    });
    expect(replay.response).toEqual(r.response);
  });

  it("kwctl's own Gatekeeper sessions fill data.inventory (unique-ingress cases of crates/kwctl/tests/e2e.rs)", async () => {
    const ingress = readAdmissionRequest(
      readFileSync(join(ROOT, 'tests/fixtures/kwctl/requests/kwctl-ingress.json'), 'utf8'),
    );
    const session = parseSession(
      readFileSync(
        join(ROOT, 'tests/fixtures/kwctl/sessions/kwctl-context-aware-unique-ingress-duplicate.yml'),
        'utf8',
      ),
    );
    const r = await echoRun('gatekeeper', {
      request: ingress,
      contextAwareResources: [{ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' }],
      session,
    });
    const data = JSON.parse(r.verdict!.message!);
    // Listed items carry no apiVersion/kind; the inventory keys come from the allowed resource type.
    expect(data.inventory.namespace.default['networking.k8s.io/v1'].Ingress.test.spec.rules[0].host).toBe(
      'foo.bar.com',
    );
    expect(r.hostCalls).toEqual([expect.objectContaining({ ok: true, exchange: 1 })]);
  });

  it('a session without the context exchange rejects with the replay error, code 500, as kwctl does', async () => {
    const r = await echoRun('gatekeeper', { session: [] });
    expect(r.response).toMatchObject({
      allowed: false,
      status: {
        code: 500,
        message: expect.stringMatching(/^Replay error: request 1 .*KubernetesListResourceAll/),
      },
    });
  });

  it('without allowed resources there is no context: Gatekeeper data is {}', async () => {
    const r = await echoRun('gatekeeper', { resources: [ns('team-a')], contextAwareResources: [] });
    expect(r.verdict?.message).toBe('{}');
    expect(r.hostCalls).toEqual([]);
  });

  it('Gatekeeper refuses raw requests with a response, as kwctl does', async () => {
    const r = await echoRun('gatekeeper', { policyType: 'raw', request: { uid: 'r1', a: 1 } });
    expect(r.response).toEqual({
      uid: 'r1',
      allowed: false,
      status: {
        message: 'internal server error: Gatekeeper does not support raw validation requests',
        code: 500,
      },
      auditAnnotations: null,
      warnings: null,
    });
  });

  it.skipIf(!corpusDir())(
    'the corpus Gatekeeper policy still runs with its declared Namespace context',
    async () => {
      const r = await evaluatePolicy({
        bytes: corpus('kw-opa-gatekeeper-always-unhappy-annotated-kwctl1.16.1.wasm'),
        mode: 'gatekeeper',
        request,
        settings: {},
        contextAwareResources: [NAMESPACE],
        resources: [ns('team-a')],
      });
      expect(r.verdict).toEqual({ accepted: false, message: 'failing as expected' });
      expect(r.exchanges).toHaveLength(1);
    },
  );
});

describe('the stand-in cluster', () => {
  const cluster = new ClusterHost([
    ns('default'),
    {
      ...svc('default', 'web'),
      metadata: { name: 'web', namespace: 'default', labels: { app: 'web', tier: 'front' } },
    },
    svc('other', 'db'),
  ]);
  const ask = (tag: Parameters<typeof callbackRequest>[0], fields: object) =>
    cluster.answer(callbackRequest(tag, fields));

  it('gets by name, and says what was not found in policy-evaluator words', () => {
    expect(
      ask('KubernetesGetResource', {
        api_version: 'v1',
        kind: 'Namespace',
        name: 'default',
        disable_cache: false,
      }),
    ).toEqual({ ok: true, payload: JSON.stringify(ns('default')) });
    // The message of kubewarden/policy-sdk-js demo_policy/test_data/sessions/namespace-not-found.yml.
    expect(
      ask('KubernetesGetResource', {
        api_version: 'v1',
        kind: 'Namespace',
        name: 'test-policy',
        disable_cache: false,
      }),
    ).toEqual({
      ok: false,
      message: "Cannot find v1/Namespace named 'test-policy' inside of namespace 'None'",
    });
  });

  it('lists by namespace and with label and field selectors', () => {
    const names = (tag: 'KubernetesListResourceAll' | 'KubernetesListResourceNamespace', more: object) => {
      const a = ask(tag, { api_version: 'v1', kind: 'Service', ...more });
      return a && a.ok
        ? JSON.parse(a.payload).items.map((o: { metadata: { name: string } }) => o.metadata.name)
        : a;
    };
    expect(names('KubernetesListResourceAll', {})).toEqual(['web', 'db']);
    expect(names('KubernetesListResourceNamespace', { namespace: 'other' })).toEqual(['db']);
    expect(names('KubernetesListResourceAll', { label_selector: 'app=web,tier in (front,back)' })).toEqual([
      'web',
    ]);
    expect(names('KubernetesListResourceAll', { label_selector: '!app' })).toEqual(['db']);
    expect(names('KubernetesListResourceAll', { field_selector: 'metadata.name!=web' })).toEqual(['db']);
    expect(names('KubernetesListResourceAll', { field_selector: 'spec.type=x' })).toMatchObject({
      ok: false,
    });
    expect(ask('OciManifestDigest', { image: 'x' })).toBeNull();
  });

  it('label selectors follow k8s.io/apimachinery labels.Parse', () => {
    const match = (sel: string, labels: Record<string, string>) =>
      parseLabelSelector(sel).every((r) => r(labels));
    expect(match('a=b', { a: 'b' })).toBe(true);
    expect(match('a==b', { a: 'c' })).toBe(false);
    expect(match('a!=b', {})).toBe(true);
    expect(match('a notin (x)', { a: 'y' })).toBe(true);
    expect(match('a in (x)', {})).toBe(false);
    expect(match('a', { a: '' })).toBe(true);
    expect(() => parseLabelSelector('a=b=c')).toThrow(/unable to parse requirement/);
  });

  it('guesses plurals as meta.UnsafeGuessKindToResource does', () => {
    expect(
      ['Pod', 'Ingress', 'NetworkPolicy', 'Namespace', 'Endpoints', 'Deployment'].map(pluralName),
    ).toEqual(['pods', 'ingresses', 'networkpolicies', 'namespaces', 'endpoints', 'deployments']);
  });

  it('reads resources from YAML documents, JSON and Lists, and says which one is wrong', () => {
    const objs = parseResources(
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\nkind: List\napiVersion: v1\nitems:\n- {apiVersion: v1, kind: Namespace, metadata: {name: b}}\n',
    );
    expect(objs.map((o) => (o.metadata as { name: string }).name)).toEqual(['a', 'b']);
    expect(parseResources('[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}]')).toHaveLength(1);
    expect(parseResources('  ')).toEqual([]);
    expect(() => parseResources('apiVersion: v1\nkind: Pod\n')).toThrow(
      'Resource 1 needs apiVersion, kind and metadata.name.',
    );
    expect(() => parseResources('a: [\n')).toThrow(/document 1/);
  });
});

describe('raw policies', () => {
  it('the raw document goes to the policy as {"request": document, "settings": …}; uid from the document', async () => {
    const doc = { uid: 'raw-1', user: 'tonio', action: 'eats', resource: 'hay' };
    const r = await evaluatePolicy({
      bytes: fixture('raw-echo-guest.wasm'),
      mode: 'kubewarden-wapc',
      policyType: 'raw',
      request: doc,
      settings: { validUsers: ['tonio'] },
    });
    // The echo guest's mutated object is exactly the payload the host sent.
    expect(r.verdict?.mutatedObject).toEqual({ request: doc, settings: { validUsers: ['tonio'] } });
    expect(r.response).toMatchObject({ uid: 'raw-1', allowed: true, patchType: 'JSONPatch' });
    // The patch is against the raw document itself (kwctl's req_obj for ValidateRequest::Raw).
    expect(decodePatch(r.response!.patch!)).toEqual(r.verdict?.patch);
    const noUid = await evaluatePolicy({
      bytes: fixture('raw-echo-guest.wasm'),
      mode: 'kubewarden-wapc',
      policyType: 'raw',
      request: { a: 1 },
      settings: {},
    });
    expect(noUid.response?.uid).toBe('');
  });

  it('readAdmissionRequest keeps the raw document whole, even an AdmissionReview-looking one', () => {
    expect(readAdmissionRequest('{"request": {"user": "a"}}', 'raw')).toEqual({ request: { user: 'a' } });
  });
});

describe('the AdmissionResponse kwctl prints', () => {
  it('keeps every field, in serde order, with null audit annotations and warnings when unset', () => {
    const r = fromValidationResponse(
      'u',
      { accepted: false, message: 'no', code: 403, audit_annotations: { k: 'v' }, warnings: ['w'] },
      {},
    );
    expect(kwctlResponseJson(r)).toBe(
      '{"uid":"u","allowed":false,"status":{"message":"no","code":403},"auditAnnotations":{"k":"v"},"warnings":["w"]}',
    );
    expect(kwctlResponseJson(fromValidationResponse('u', { accepted: true }, {}))).toBe(
      '{"uid":"u","allowed":true,"auditAnnotations":null,"warnings":null}',
    );
  });

  it('a mutation becomes base64 JSON Patch; an unchanged object gives none; a missing object rejects', () => {
    const r = fromValidationResponse(
      'u',
      { accepted: true, mutated_object: { hello: 'world', ciao: 'mondo' } },
      { hello: 'world' },
    );
    expect(r.patchType).toBe('JSONPatch');
    expect(JSON.parse(atob(r.patch!))).toEqual([{ op: 'add', path: '/ciao', value: 'mondo' }]);
    expect(
      fromValidationResponse('u', { accepted: true, mutated_object: { a: 1 } }, { a: 1 }).patch,
    ).toBeUndefined();
    expect(
      fromValidationResponse('u', { accepted: true, mutated_object: { a: 1 } }, undefined),
    ).toMatchObject({
      allowed: false,
      status: { message: expect.stringContaining('Incoming object is null') },
    });
  });

  it('a run that fails before the policy replies prints no response', async () => {
    const r = await evaluatePolicy({
      bytes: fixture('loop-guest.wasm'),
      mode: 'wasi',
      request: { uid: 'x', operation: 'CREATE' },
      settings: {},
    });
    // loop-guest is not a WASI program: the run fails before any reply, so there is no response.
    expect(r.error).toBeDefined();
    expect(r.response).toBeNull();
  });
});

describe.skipIf(!corpusDir())('components', () => {
  it('are refused before any runtime with one plain message', async () => {
    for (const mode of ['kubewarden-wapc', 'opa', 'wasi'] as const)
      await expect(
        evaluatePolicy({
          bytes: corpus('component-adder-jco-fixture.wasm'),
          mode,
          request: { operation: 'CREATE' },
          settings: {},
        }),
      ).rejects.toMatchObject({ code: 'component', message: COMPONENT_NOT_EVALUABLE });
  });
});

describe('bench', () => {
  it('statistics: mean, median, sample standard deviation, nearest-rank p99', () => {
    // Hand-computed: mean 5, median 4.5, sample variance 32/7, p99 = the largest of 8.
    const s = benchStats([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(s).toMatchObject({ runs: 8, mean: 5, median: 4.5, p99: 9, min: 2, max: 9 });
    expect(s.stddev).toBeCloseTo(Math.sqrt(32 / 7), 12);
    const hundred = benchStats(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(hundred.p99).toBe(99);
    expect(benchStats([3]).stddev).toBe(0);
  });

  it('times validate_settings and validate N times on one prepared policy', async () => {
    const b = await benchPolicy(
      {
        bytes: fixture('mutating-guest.wasm'),
        mode: 'kubewarden-wapc',
        request: readAdmissionRequest(createPodReview()),
        settings: {},
      },
      25,
    );
    expect(b.error).toBeUndefined();
    expect(b.validate.runs).toBe(25);
    expect(b.validateSettings.runs).toBe(25);
    expect(b.validate.min).toBeLessThanOrEqual(b.validate.median);
    expect(b.validate.median).toBeLessThanOrEqual(b.validate.max);
    expect(b.response?.allowed).toBe(true);
  });

  it('replays a session from its start for every iteration', async () => {
    const request = { uid: 'u', operation: 'CREATE', object: {} };
    const b = await benchPolicy(
      {
        bytes: fixture('rego-data-echo.wasm'),
        mode: 'gatekeeper',
        request,
        settings: {},
        contextAwareResources: [NAMESPACE],
        session: [
          {
            request: callbackRequest('KubernetesListResourceAll', { api_version: 'v1', kind: 'Namespace' }),
            response: { type: 'Success', payload: '{"items":[]}' },
          },
        ],
      },
      5,
    );
    expect(b.response?.status?.message).toBe('{"inventory":{"cluster":{},"namespace":{}}}');
  });
});

describe('rules', () => {
  // Matching as k8s.io/apiserver pkg/admission/plugin/webhook/predicates/rules does for webhook rules.
  const pods = [
    { apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['CREATE', 'UPDATE'] },
  ];
  const req = (
    group: string,
    version: string,
    resource: string,
    operation: string,
    subResource?: string,
  ) => ({
    operation,
    resource: { group, version, resource },
    ...(subResource ? { subResource } : {}),
  });

  it('matches group, version, resource and operation, with * wildcards', () => {
    expect(rulesMismatch(req('', 'v1', 'pods', 'CREATE'), pods)).toBeNull();
    expect(rulesMismatch(req('', 'v1', 'pods', 'DELETE'), pods)).toMatch(/it is DELETE core\/v1 pods/);
    expect(rulesMismatch(req('apps', 'v1', 'deployments', 'CREATE'), pods)).toBe(
      "A cluster would never send this request to the policy: it is CREATE apps/v1 deployments, and the policy's rules cover CREATE,UPDATE of core/v1 pods. kwctl runs it anyway.",
    );
    const any = [{ apiGroups: ['*'], apiVersions: ['*'], resources: ['*'], operations: ['*'] }];
    expect(rulesMismatch(req('apps', 'v1', 'deployments', 'DELETE'), any)).toBeNull();
    expect(rulesMismatch(req('', 'v1', 'pods', 'CREATE'), [])).toBeNull();
  });

  it('treats subresources as the API server does', () => {
    expect(rulesMismatch(req('', 'v1', 'pods', 'CREATE', 'exec'), pods)).toMatch(/pods\/exec/);
    const star = [{ apiGroups: ['*'], apiVersions: ['*'], resources: ['*'], operations: ['*'] }];
    expect(rulesMismatch(req('', 'v1', 'pods', 'CREATE', 'exec'), star)).not.toBeNull();
    const sub = [
      { apiGroups: ['*'], apiVersions: ['*'], resources: ['pods/*', '*/scale'], operations: ['*'] },
    ];
    expect(rulesMismatch(req('', 'v1', 'pods', 'CREATE', 'exec'), sub)).toBeNull();
    expect(rulesMismatch(req('apps', 'v1', 'deployments', 'UPDATE', 'scale'), sub)).toBeNull();
    // splitResource gives sub "*" for pods/*, which also matches the empty subresource of pods itself.
    expect(rulesMismatch(req('', 'v1', 'pods', 'CREATE'), sub)).toBeNull();
    expect(rulesMismatch(req('', 'v1', 'services', 'CREATE'), sub)).not.toBeNull();
  });

  it('says when the request has no resource to compare', () => {
    expect(rulesMismatch({ operation: 'CREATE' }, pods)).toMatch(/no resource/);
  });
});
