// The corpus policies run with their upstream repositories' own `kwctl run` cases: the same request, settings and
// session files (tests/fixtures/kwctl, sources in its README), asserting what the upstream tests assert on kwctl's
// stdout — the printed AdmissionResponse, matched with the same patterns the bats files use.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  evaluatePolicy,
  kwctlResponseJson,
  parseSession,
  readAdmissionRequest,
  serializeSession,
  type EvaluateInput,
} from '../../src/lib/runtime';
import { ROOT, corpus, corpusDir, corpusNotice } from './helpers';

const DATA = join(ROOT, 'tests/fixtures/kwctl');
const text = (path: string) => readFileSync(join(DATA, path), 'utf8');
const JAVY = 'kw-javy-js-sdk-demo-annotated-kwctl1.25.0.wasm';
const SAFE_LABELS = 'kw-tinygo-safe-labels-annotated-kwctl1.6.0.wasm';
const GATEKEEPER = 'kw-opa-gatekeeper-always-unhappy-annotated-kwctl1.16.1.wasm';

/** `kwctl run POLICY -r REQUEST --settings-json SETTINGS [--replay-host-capabilities-interactions SESSION]`. */
async function kwctlRun(
  policy: string,
  mode: EvaluateInput['mode'],
  request: string,
  settings: object,
  session?: string,
) {
  const r = await evaluatePolicy({
    bytes: corpus(policy),
    mode,
    request: readAdmissionRequest(text(`requests/${request}`)),
    settings: settings as Record<string, unknown>,
    session: session ? parseSession(text(`sessions/${session}`)) : undefined,
  });
  return { ...r, stdout: r.response ? kwctlResponseJson(r.response) : '' };
}

describe.skipIf(!corpusDir())(
  'kubewarden/policy-sdk-js demo_policy/e2e.bats @ 598cc7b (the corpus Javy demo)',
  () => {
    corpusNotice();
    const run = (settings: object, session?: string, request = 'sdk-js-no_privileged_containers.json') =>
      kwctlRun(JAVY, 'wasi', request, settings, session);

    it('should return valid digest for busybox:1.36', async () => {
      const r = await run(
        { testScenario: 'oci-manifest-digest-success' },
        'sdk-js-oci-manifest-digest-lookup-success.yml',
      );
      expect(r.stdout).toMatch(/allowed.*true/);
      expect(r.stdout).toMatch(
        /"digest":"sha256:7edf5efe6b86dbf01ccc3c76b32a37a8e23b84e6bad81ce8ae8c221fa456fda8"/,
      );
      // The digest is an audit annotation of the response, which kwctl prints and the friendly view keeps.
      expect(r.response?.auditAnnotations).toEqual({
        digest: 'sha256:7edf5efe6b86dbf01ccc3c76b32a37a8e23b84e6bad81ce8ae8c221fa456fda8',
      });
      expect(r.verdict?.auditAnnotations).toEqual(r.response?.auditAnnotations);
      expect(r.hostCalls).toEqual([
        expect.objectContaining({ capability: 'oci/v1/manifest_digest', ok: true, exchange: 1 }),
      ]);
      expect(r.warnings).toEqual([]);
    });

    it('should fail digest lookup for nonexistent image', async () => {
      const r = await run(
        { testScenario: 'oci-manifest-digest-failure' },
        'sdk-js-oci-manifest-digest-lookup-failure.yml',
      );
      expect(r.stdout).toMatch(/allowed.*false/);
      expect(r.stdout).toMatch(/wrong invocation/);
      // The recorded Error reached the guest, which printed it before giving up.
      expect(r.console.map((l) => l.text).join('\n')).toContain(
        'Callback evaluation failure: Failed to retrieve OCI manifest digest: image not found',
      );
    });

    it('should return valid manifest for busybox:1.36', async () => {
      const r = await run({ testScenario: 'oci-manifest-success' }, 'sdk-js-oci-manifest-lookup-success.yml');
      expect(r.stdout).toMatch(/allowed.*true/);
      expect(r.stdout).toMatch(/"manifest":".*application\/vnd.oci.image.manifest.v1\+json.*/);
      // The policy stores JSON.stringify of the SDK's OciImageManifestResponse, which wraps the manifest.
      expect(JSON.parse(r.response!.auditAnnotations!.manifest)).toMatchObject({
        manifest: {
          kind: 'image',
          image: {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            config: { digest: 'sha256:abc123' },
          },
        },
      });
    });

    it('should fail for nonexistent image manifest — here because the recorded request is another image', async () => {
      // The session records registry.testing.lan/…, the policy asks example.test/…: kwctl's replay answers
      // "unexpected request", the guest fails, and the verdict is the one the bats file expects.
      const r = await run({ testScenario: 'oci-manifest-failure' }, 'sdk-js-oci-manifest-lookup-failure.yml');
      expect(r.stdout).toMatch(/allowed.*false/);
      expect(r.stdout).toMatch(/wrong invocation/);
      expect(r.hostCalls[0].error).toMatch(
        /^Replay error: unexpected request. Exchange 1 was expecting OciManifest \{ image: "registry.testing.lan\/nonexistent-image:1.0.0" \}, got OciManifest \{ image: "example.test\/nonexistent-image:1.0.0" \} instead$/,
      );
    });

    it('should return IPs for google.com', async () => {
      const r = await run({ testScenario: 'dns-lookup-success' }, 'sdk-js-dns-lookup-success.yml');
      expect(r.stdout).toMatch(/allowed.*true/);
      expect(r.stdout).toMatch(/"ips":".*\..*"/);
      expect(r.response?.auditAnnotations).toEqual({ ips: '2607:f8b0:4020:801::200e, 142.250.69.142' });
    });

    it('should fail for invalid domain', async () => {
      const r = await run({ testScenario: 'dns-lookup-failure' }, 'sdk-js-dns-lookup-failure.yml');
      expect(r.stdout).toMatch(/allowed.*false/);
      expect(r.stdout).toMatch(/wrong invocation/);
    });

    it('the manifest-and-config cases: this build predates the scenario, so kwctl would stop at the settings', async () => {
      // The corpus bundle (demo_policy/dist/bundle.js @ 598cc7b) lists six test scenarios, without
      // oci-manifest-and-config-*; its settings validation rejects the name, and kwctl exits with
      // "Provided settings are not valid" before evaluating, printing no response.
      const r = await run(
        { testScenario: 'oci-manifest-and-config-failure' },
        'sdk-js-oci-manifest-and-config-lookup-failure.yml',
      );
      expect(r.settings).toEqual({
        valid: false,
        message: 'Error: Unknown testScenario: oci-manifest-and-config-failure',
      });
      expect(r.response).toBeNull();
    });

    it('reject creation of privileged pods everywhere when no ignoredNamespaces setting is provided (kube-system)', async () => {
      const r = await run({}, undefined, 'sdk-js-privileged-pod-kube-system.json');
      expect(r.stdout).toMatch(/allowed.*false/);
      expect(r.stdout).toMatch(/privileged containers are not allowed/);
    });

    it('accepted because privileged pods are allowed in kube-system', async () => {
      const r = await run(
        { ignoredNamespaces: ['kube-system'] },
        undefined,
        'sdk-js-privileged-pod-kube-system.json',
      );
      expect(r.stdout).toMatch(/allowed.*true/);
    });

    it('accept non-privileged pods', async () => {
      const r = await run({});
      expect(r.stdout).toMatch(/allowed.*true/);
      // kwctl's exact line for an accepted request with no extras.
      expect(r.stdout).toBe(
        '{"uid":"1299d386-525b-4032-98ae-1949f69f9cfc","allowed":true,"auditAnnotations":null,"warnings":null}',
      );
    });

    it('record → replay: a run recorded with fixtures exports a session whose replay gives the same response', async () => {
      const request = readAdmissionRequest(text('requests/sdk-js-no_privileged_containers.json'));
      const base = {
        bytes: corpus(JAVY),
        mode: 'wasi' as const,
        request,
        settings: { testScenario: 'dns-lookup-success' },
      };
      const recorded = await evaluatePolicy({
        ...base,
        fixtures: { 'net/v1/dns_lookup_host': { ips: ['192.0.2.7'] } },
      });
      expect(recorded.response?.auditAnnotations).toEqual({ ips: '192.0.2.7' });
      const file = serializeSession(recorded.exchanges);
      expect(file).toContain('!DNSLookupHost\n    host: google.com\n');
      const replayed = await evaluatePolicy({ ...base, session: parseSession(file) });
      expect(replayed.response).toEqual(recorded.response);
      expect(replayed.verdict).toEqual(recorded.verdict);
      expect(replayed.hostCalls.map((c) => c.exchange)).toEqual([1]);
    });
  },
);

describe.skipIf(!corpusDir())('kubewarden/safe-labels-policy e2e.bats @ 0857d36 (corpus safe-labels)', () => {
  const run = (settings: object) =>
    kwctlRun(SAFE_LABELS, 'kubewarden-wapc', 'safe-labels-ingress.json', settings);

  it('accept when no settings are provided', async () => {
    expect((await run({})).stdout).toMatch(/allowed.*true/);
  });

  it('accept user defined constraint is respected', async () => {
    expect((await run({ constrained_labels: { owner: '^team-' } })).stdout).toMatch(/allowed.*true/);
  });

  it('accept labels are not on deny list', async () => {
    expect((await run({ denied_labels: ['foo', 'bar'] })).stdout).toMatch(/allowed.*true/);
  });

  it('reject because label is on deny list', async () => {
    const r = await run({ denied_labels: ['foo', 'owner'] });
    expect(r.stdout).toMatch(/allowed.*false/);
    expect(r.stdout).toMatch(/The following labels are denied: owner"/);
  });

  it("reject because label doesn't pass validation constraint", async () => {
    const r = await run({ constrained_labels: { 'cc-center': '^cc-\\d+$' } });
    expect(r.stdout).toMatch(/allowed.*false/);
    expect(r.stdout).toMatch(/The following labels are violating user constraints: cc-center/);
  });

  it('reject because a required label does not exist', async () => {
    const r = await run({ mandatory_labels: ['required'], constrained_labels: { foo: '.*' } });
    expect(r.stdout).toMatch(/allowed.*false/);
    expect(r.stdout).toMatch(/The following mandatory labels are missing: required/);
  });

  // kwctl exits 1 with "Provided settings are not valid: <message>"; the settings verdict carries that message.
  const settingsCases: [string, object, string][] = [
    [
      'constrained labels are also denied',
      { denied_labels: ['foo', 'cc-center'], constrained_labels: { 'cc-center': '^cc-\\d+$' } },
      'These labels cannot be constrained and denied at the same time: cc-center',
    ],
    [
      'mandatory labels are also denied',
      { denied_labels: ['foo', 'cc-center'], mandatory_labels: ['cc-center'] },
      'These labels cannot be mandatory and denied at the same time: cc-center',
    ],
    [
      'of invalid constraint',
      { constrained_labels: { 'cc-center': '^cc-[12$' } },
      'error parsing regexp: missing closing ]: `[12$`',
    ],
  ];
  for (const [name, settings, message] of settingsCases)
    it(`fail settings validation because ${name}`, async () => {
      const r = await run(settings);
      expect(r.settings?.valid).toBe(false);
      expect(r.settings?.message).toContain(message);
      expect(r.response).toBeNull();
    });
});

describe.skipIf(!corpusDir())(
  'gatekeeper always-unhappy (kubewarden-controller policy_group_evaluator tests)',
  () => {
    it('rejects the upstream Scale request with "failing as expected", no warnings, the request uid', async () => {
      // The request of build_validate_request() in crates/policy-evaluator/src/policy_group_evaluator/evaluator.rs.
      const request = {
        uid: 'hello',
        kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
        resource: { group: 'apps', version: 'v1', resource: 'deployments' },
        subResource: 'scale',
        requestKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
        requestResource: { group: 'apps', version: 'v1', resource: 'deployments' },
        requestSubResource: 'scale',
        name: 'my-deployment',
        namespace: 'my-namespace',
        operation: 'UPDATE',
        userInfo: {
          username: 'admin',
          uid: '014fbff9a07c',
          groups: ['system:authenticated', 'my-admin-group'],
          extra: { 'some-key': ['some-value1', 'some-value2'] },
        },
        object: { apiVersion: 'autoscaling/v1', kind: 'Scale' },
        oldObject: { apiVersion: 'autoscaling/v1', kind: 'Scale' },
        options: { apiVersion: 'meta.k8s.io/v1', kind: 'UpdateOptions' },
        dryRun: false,
      };
      const r = await evaluatePolicy({
        bytes: corpus(GATEKEEPER),
        mode: 'gatekeeper',
        request,
        settings: {},
      });
      expect(r.response).toEqual({
        uid: 'hello',
        allowed: false,
        status: { message: 'failing as expected' },
        auditAnnotations: null,
        warnings: null,
      });
    });
  },
);
