// OPA, Gatekeeper and WASI corpus policies: one accepted and one rejected request each, plus mode detection.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPodReview, evaluatePolicy, policyRunInfo, readAdmissionRequest } from '../../src/lib/runtime';
import { corpus, corpusDir, corpusNotice } from './helpers';

const GATEKEEPER = 'kw-opa-gatekeeper-always-unhappy-annotated-kwctl1.16.1.wasm';
const REGO_NS = 'kw-opa-rego-no-default-namespace-unannotated.wasm';
const JAVY = 'kw-javy-js-sdk-demo-annotated-kwctl1.25.0.wasm';
const SAFE_LABELS = 'kw-tinygo-safe-labels-annotated-kwctl1.6.0.wasm';

describe.skipIf(!corpusDir())('corpus policies', () => {
  corpusNotice();

  it('uses the exact corpus files (size and sha256 from the corpus README)', () => {
    const expected: [string, number, string][] = [
      [GATEKEEPER, 130650, '20fb34bd2e95eb92a6cae76021d082ec1c896d552d87d34c158233dbf85bb019'],
      [REGO_NS, 117551, '5f0a9c5431a933c27890eb41e52109b9b304d02de00ef22e44e690529a73a8e9'],
      [JAVY, 1206289, '3e8f13348496ad441d0558ca2154d91d64ea3635bd1fc19f91c999092429c099'],
      [SAFE_LABELS, 652527, 'bfa9d146cc5877f6bf07b67c446245bbde3811b4eba48f58ecbe19301e62a895'],
    ];
    for (const [name, size, sha] of expected) {
      const bytes = corpus(name);
      expect(bytes.length, name).toBe(size);
      expect(createHash('sha256').update(bytes).digest('hex'), name).toBe(sha);
    }
  });

  it('picks the mode from metadata, or from the module shape when unannotated', () => {
    expect(policyRunInfo(corpus(GATEKEEPER))).toMatchObject({
      mode: 'gatekeeper',
      fromMetadata: true,
      isRego: true,
    });
    expect(policyRunInfo(corpus(REGO_NS))).toMatchObject({ mode: 'opa', fromMetadata: false, isRego: true });
    expect(policyRunInfo(corpus(JAVY))).toMatchObject({ mode: 'wasi', fromMetadata: true, isRego: false });
    expect(policyRunInfo(corpus(SAFE_LABELS))).toMatchObject({
      mode: 'kubewarden-wapc',
      policyType: 'kubernetes',
    });
    expect(policyRunInfo(corpus('kw-javy-js-sdk-demo-unannotated.wasm'))).toMatchObject({
      mode: 'wasi',
      fromMetadata: false,
    });
  });

  it('Gatekeeper always-unhappy rejects with its violation message', async () => {
    const r = await evaluatePolicy({
      bytes: corpus(GATEKEEPER),
      mode: 'gatekeeper',
      request: readAdmissionRequest(createPodReview({ namespace: 'team-a' })),
      settings: {},
    });
    expect(r.error).toBeUndefined();
    expect(r.verdict).toEqual({ accepted: false, message: 'failing as expected' });
  });

  it('Rego no-default-namespace (run as opa) rejects namespace default and accepts another', async () => {
    const bytes = corpus(REGO_NS);
    const run = (namespace: string) =>
      evaluatePolicy({
        bytes,
        mode: 'opa',
        request: readAdmissionRequest(createPodReview({ namespace })),
        settings: {},
      });
    const rejected = await run('default');
    expect(rejected.verdict).toEqual({ accepted: false, message: 'you cannot use the default namespace' });
    const accepted = await run('team-a');
    expect(accepted.verdict).toEqual({ accepted: true });
  });

  it('the same Rego module in gatekeeper mode cannot be interpreted as violations, so it accepts', async () => {
    // Kubewarden reads a Gatekeeper result set as `{result: [violations]}`; this OPA-shaped policy has none.
    const r = await evaluatePolicy({
      bytes: corpus(REGO_NS),
      mode: 'gatekeeper',
      request: readAdmissionRequest(createPodReview({ namespace: 'default' })),
      settings: {},
    });
    expect(r.verdict?.accepted).toBe(true);
  });

  it('Javy demo (WASI) rejects a privileged Pod and accepts an unprivileged one', async () => {
    const bytes = corpus(JAVY);
    const run = (privileged: boolean, settings = {}) =>
      evaluatePolicy({
        bytes,
        mode: 'wasi',
        request: readAdmissionRequest(createPodReview({ namespace: 'team-a', privileged })),
        settings,
      });
    const rejected = await run(true);
    expect(rejected.error).toBeUndefined();
    expect(rejected.verdict).toEqual({ accepted: false, message: 'privileged containers are not allowed' });
    expect(rejected.console.some((l) => l.stream === 'stderr' && l.text === 'Action: validate')).toBe(true);
    expect((await run(false)).verdict).toEqual({ accepted: true });
    // Its own settings: a namespace listed in ignoredNamespaces may run privileged Pods.
    expect((await run(true, { ignoredNamespaces: ['team-a'] })).verdict).toEqual({ accepted: true });
  });

  it('Javy demo: settings validation rejects an unknown testScenario', async () => {
    const r = await evaluatePolicy({
      bytes: corpus(JAVY),
      mode: 'wasi',
      request: readAdmissionRequest(createPodReview()),
      settings: { testScenario: 'bogus' },
    });
    expect(r.settings).toEqual({ valid: false, message: 'Error: Unknown testScenario: bogus' });
    expect(r.verdict).toBeNull();
  });

  it('Javy demo: host.call is answered from fixtures, and fails naming the capability without one', async () => {
    const bytes = corpus(JAVY);
    const request = readAdmissionRequest(createPodReview());
    const settings = { testScenario: 'dns-lookup-success' };
    const ok = await evaluatePolicy({
      bytes,
      mode: 'wasi',
      request,
      settings,
      fixtures: { 'net/v1/dns_lookup_host': { ips: ['192.0.2.7'] } },
    });
    expect(ok.verdict?.accepted).toBe(true);
    expect(ok.console).toContainEqual({
      stream: 'host',
      text: '✓ kubewarden/net/v1/dns_lookup_host "google.com"',
    });
    const failed = await evaluatePolicy({ bytes, mode: 'wasi', request, settings });
    expect(failed.verdict?.accepted ?? false).toBe(false);
    const text = [failed.error?.message ?? '', ...failed.console.map((l) => l.text)].join('\n');
    expect(text).toContain('✗ kubewarden/net/v1/dns_lookup_host');
  });
});
