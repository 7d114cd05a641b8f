// kwctl's push and pull rules, its artifact layout, and the one policy model of a module (kubewarden.md §12).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { EMPTY_CONFIG_DIGEST } from '../../src/lib/common';
import {
  annotate,
  buildPolicyArtifact,
  checkPushAllowed,
  decideExecution,
  emptyMetadata,
  readPolicyModel,
  REGO_REFUSAL,
  UNANNOTATED_REFUSAL,
  UNANNOTATED_WARNING,
} from '../../src/lib/kubewarden';
import { parseWasm } from '../../src/lib/wasm';
import { corpus, corpusDir, fixture } from './helpers';

describe('kwctl layout', () => {
  it('builds the kwctl layout for a synthetic module', async () => {
    const wasm = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    const m = await buildPolicyArtifact(wasm);
    const json = JSON.parse(new TextDecoder().decode(m.manifestBytes));
    expect(json).toEqual({
      schemaVersion: 2,
      config: { mediaType: 'application/vnd.wasm.config.v1+json', digest: EMPTY_CONFIG_DIGEST, size: 2 },
      layers: [
        { mediaType: 'application/vnd.wasm.content.layer.v1+wasm', digest: m.blobs[0].digest, size: 8 },
      ],
    });
    expect(new TextDecoder().decode(m.manifestBytes)).toMatch(/^\{"config":\{"digest"/);
    expect(new TextDecoder().decode(m.blobs[1].bytes)).toBe('{}');
  });
});

describe.skipIf(!corpusDir())('corpus: push rules and exact kwctl manifests', () => {
  it.each([
    [
      'kw-javy-js-sdk-demo-annotated-kwctl1.25.0.wasm',
      433,
      '648fd1ad3a21b131336a7061339ff2b1fe94369da402494625d5c6d9acd85422',
      2,
    ],
    [
      'kw-opa-gatekeeper-always-unhappy-annotated-kwctl1.16.1.wasm',
      1110,
      '201e8146beca82c596178ae5cd2e4858065bbafa4321d3e469adb19ba79dbbb3',
      14,
    ],
    [
      'kw-opa-rego-container-limits-annotated-regorodeo.wasm',
      1014,
      '9a734b31b7f46da1ccfa5476b0f1b672902093cbe267b96ba46ed9d96264889d',
      9,
    ],
    [
      'kw-tinygo-safe-labels-annotated-kwctl1.6.0.wasm',
      1176,
      'c2ea90015ce61ea6c326a99c63e77f7a7fd1bbf8149b44ca409160370df94b0c',
      14,
    ],
  ])('%s', async (file, size, sha, count) => {
    const bytes = corpus(file);
    const check = checkPushAllowed(bytes);
    expect(check.allowed).toBe(true);
    const m = await buildPolicyArtifact(bytes, check.annotations);
    expect(m.manifestBytes.length).toBe(size);
    expect(m.manifestDigest).toBe(`sha256:${sha}`);
    expect(Object.keys(check.annotations!).length).toBe(count);
  });
  it('refuses unannotated policies, and Rego even when forced', () => {
    const js = corpus('kw-javy-js-sdk-demo-unannotated.wasm');
    expect(checkPushAllowed(js)).toMatchObject({ allowed: false, reason: UNANNOTATED_REFUSAL });
    expect(checkPushAllowed(js, { force: true })).toMatchObject({
      allowed: true,
      warnings: [UNANNOTATED_WARNING],
    });
    const rego = corpus('kw-opa-rego-no-default-namespace-unannotated.wasm');
    expect(checkPushAllowed(rego, { force: true })).toMatchObject({
      allowed: false,
      reason: REGO_REFUSAL,
      rego: true,
    });
    const plugin = corpus('rust-javy-plugin-kubewarden-rustc1.86.wasm');
    expect(checkPushAllowed(plugin).allowed).toBe(false);
  });
  it('drops the multi-line usage of file 6 with a warning', () => {
    const check = checkPushAllowed(corpus('kw-javy-js-sdk-demo-annotated-kwctl1.25.0.wasm'));
    expect(check.warnings.join('\n')).toContain('io.kubewarden.policy.usage');
    expect(check.annotations).toEqual({
      'io.kubewarden.kwctl': '1.25.0',
      'io.kubewarden.policy.title': 'js-demo-policy',
    });
  });
});

describe('the policy model', () => {
  it('decides the execution mode from the metadata first, then from the module shape', () => {
    const wapc = emptyMetadata('kubewarden-wapc');
    expect(decideExecution({ ...wapc, executionMode: 'gatekeeper' }, ['opa_eval'], [])).toMatchObject({
      mode: 'gatekeeper',
      fromMetadata: true,
    });
    // kwctl's rego_policy_detector: any export starting with opa_ (crates/kwctl/src/backend.rs).
    expect(decideExecution(null, ['memory', 'opa_eval'], [])).toMatchObject({
      mode: 'opa',
      fromMetadata: false,
    });
    expect(decideExecution(null, ['__guest_call'], []).mode).toBe('kubewarden-wapc');
    expect(decideExecution(null, [], [{ module: 'wapc' }]).mode).toBe('kubewarden-wapc');
    expect(decideExecution(null, ['_start', 'memory'], []).mode).toBe('wasi');
    expect(decideExecution(null, ['memory'], []).mode).toBe('kubewarden-wapc');
  });

  it('reads the sample policy once: metadata, mode, push check and scan agree with the libraries', () => {
    const bytes = new Uint8Array(
      readFileSync(new URL('../../public/sample/no-privileged-pods.wasm', import.meta.url)),
    );
    const model = readPolicyModel(bytes, parseWasm(bytes));
    expect(model.metadataError).toBeNull();
    expect(model.metadata?.executionMode).toBe('kubewarden-wapc');
    expect(model.execution).toMatchObject({ mode: 'kubewarden-wapc', fromMetadata: true });
    expect(model.pushCheck(false)).toEqual(checkPushAllowed(bytes));
    expect(model.capabilityScan).toBe(model.capabilityScan);
  });

  it('keeps a broken metadata section as an error instead of throwing, and refuses to push it', () => {
    const plain = fixture('minimal.wasm');
    const broken = annotate(plain, emptyMetadata());
    // Overwrite the JSON's first byte: the section exists, its payload no longer parses.
    const at = broken.lastIndexOf(0x7b);
    const bad = broken.slice();
    bad[at] = 0x5b;
    const model = readPolicyModel(bad, parseWasm(bad));
    expect(model.metadata).toBeNull();
    expect(model.metadataError?.name).toBe('MetadataError');
    expect(model.pushCheck(true)).toMatchObject({ allowed: false });
    expect(model.pushCheck(true).reason).toContain('cannot be read');
  });
});
