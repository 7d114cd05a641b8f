// The Registry view's state: typed references are kept, suggestions follow the policy's metadata, and a result
// is shown only next to the file and reference it is about.
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { OpenDocument } from '../../src/state/document.svelte';
import { connections } from '../../src/state/connections.svelte';
import { policyOf } from '../../src/state/policy';
import { RegistryViewState, suggestPushReference } from '../../src/state/registry-view.svelte';
import { fixture } from '../unit/helpers';
import { annotate, readMetadata } from '../../src/lib/kubewarden';
import { parseWasm } from '../../src/lib/wasm';
import { hostOf, matching, registries, requests, unique } from './helpers';

const sample = () =>
  new Uint8Array(readFileSync(new URL('../../public/sample/no-privileged-pods.wasm', import.meta.url)));

describe('suggestPushReference', () => {
  it('builds kwctl users’ tag from ociUrl and version, else falls back to the file name and latest', () => {
    const meta = (annotations: Record<string, string>) => ({ metadata: { annotations } }) as never;
    expect(
      suggestPushReference(
        '127.0.0.1:5000',
        'x.wasm',
        meta({
          'io.kubewarden.policy.ociUrl': 'ghcr.io/kubewarden/policies/safe-labels',
          'io.kubewarden.policy.version': '1.2.0',
        }),
      ),
    ).toBe('127.0.0.1:5000/kubewarden/policies/safe-labels:v1.2.0');
    expect(suggestPushReference('r:1', 'My Policy.WASM', null)).toBe('r:1/policies/my-policy:latest');
    expect(suggestPushReference('r:1', 'p.wasm', meta({ 'io.kubewarden.policy.ociUrl': 'not a ref!' }))).toBe(
      'r:1/policies/p:latest',
    );
  });
});

describe('policyOf', () => {
  it('reads a document once: the same model for the same bytes, a new one for new bytes', async () => {
    const doc = new OpenDocument();
    await doc.openBytes('sample.wasm', sample());
    const first = policyOf(doc);
    expect(first?.metadata?.annotations['io.kubewarden.policy.title']).toBeTruthy();
    expect(policyOf(doc)).toBe(first);
    await doc.openBytes('minimal.wasm', fixture('minimal.wasm'));
    expect(policyOf(doc)).not.toBe(first);
    expect(policyOf(doc)?.metadata).toBeNull();
  });
});

describe.skipIf(!registries)('registry view state', () => {
  it('shows a push result only next to the file and reference it is about', async () => {
    await connections.load();
    const view = new RegistryViewState();
    const doc = new OpenDocument();
    await doc.openBytes('sample.wasm', sample());
    view.pushTyped = `${hostOf(registries!.noauth.url)}/state/${unique()}:v1`;
    await view.pushOpenPolicy(doc);
    expect(view.push.state.status).toBe('done');
    expect(view.visiblePush(doc)?.result?.immutableRef).toMatch(/@sha256:/);
    expect(matching('/manifests/').filter((r) => r.method === 'PUT')).toHaveLength(1);

    // Another file: the first file's result is not shown, and its "Push anyway" does not carry over.
    view.setForced(doc, true);
    await doc.openBytes('minimal.wasm', fixture('minimal.wasm'));
    expect(view.visiblePush(doc)).toBeNull();
    expect(view.isForced(doc)).toBe(false);
    expect(view.pushTyped).toMatch(/:v1$/);
  });

  it('checks the tag first and asks before moving it to another manifest', async () => {
    await connections.load();
    const view = new RegistryViewState();
    const doc = new OpenDocument();
    const first = sample();
    await doc.openBytes('sample.wasm', first);
    view.pushTyped = `${hostOf(registries!.noauth.url)}/state/move-${unique()}:v1`;
    await view.pushOpenPolicy(doc);
    const firstDigest = view.push.state.result?.digest;
    expect(firstDigest).toMatch(/^sha256:/);
    expect(view.push.state.result?.moved).toBeUndefined();

    // The same bytes again: the tag already names this manifest, nothing to ask.
    await view.pushOpenPolicy(doc);
    expect(view.moveQuestion).toBeNull();
    expect(view.push.state.result?.digest).toBe(firstDigest);

    // Other bytes for the same tag: the tag is checked while the blobs travel, the question comes as soon as the
    // HEAD answers, and no manifest is written while it is open.
    const meta = readMetadata(first, parseWasm(first))!.metadata;
    const second = annotate(first, {
      ...meta,
      annotations: { ...meta.annotations, 'io.kubewarden.policy.title': 'moved' },
    });
    await doc.openBytes('second.wasm', second);
    requests.length = 0;
    const kept = view.pushOpenPolicy(doc);
    await vi.waitFor(() => expect(view.visibleMoveQuestion(doc)).toMatchObject({ current: firstDigest }));
    expect(view.moveQuestion?.next).not.toBe(firstDigest);
    expect(view.awaitingAnswer).toBe(true);
    await vi.waitFor(() => expect(view.push.state.done).toBe(view.push.state.total));
    expect(matching('/manifests/').map((r) => r.method)).toEqual(['HEAD']);

    // "Keep the tag": the push ends there, with the blobs stored and the tag where it was.
    view.answerMove(doc, false);
    await kept;
    expect(view.push.state.status).toBe('done');
    expect(view.push.state.result).toBeNull();
    expect(view.moveQuestion).toBeNull();
    expect(matching('/manifests/').map((r) => r.method)).toEqual(['HEAD']);
    expect(requests.filter((r) => r.method === 'PUT').every((r) => r.url.includes('/blobs/uploads/'))).toBe(
      true,
    );

    // Asked again and answered yes: the blobs are there already, so the answer costs the manifest alone.
    requests.length = 0;
    const moving = view.pushOpenPolicy(doc);
    await vi.waitFor(() => expect(view.moveQuestion).not.toBeNull());
    view.answerMove(doc, true);
    await moving;
    expect(view.moveQuestion).toBeNull();
    expect(view.push.state.result?.moved).toEqual({ from: firstDigest });
    expect(requests.filter((r) => r.method === 'PUT').map((r) => new URL(r.url).pathname)).toEqual([
      expect.stringMatching(/\/manifests\/v1$/),
    ]);

    const secondDigest = view.push.state.result?.digest;

    // `moveTag` answers ahead: no question at all.
    await doc.openBytes('first.wasm', first);
    requests.length = 0;
    await view.pushOpenPolicy(doc, { moveTag: true });
    expect(view.moveQuestion).toBeNull();
    expect(view.push.state.result?.moved).toEqual({ from: secondDigest });
    expect(matching('/manifests/').filter((r) => r.method === 'PUT')).toHaveLength(1);
  });
});
