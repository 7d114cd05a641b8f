// The Registry view's state: typed references are kept, suggestions follow the policy's metadata, and a result
// is shown only next to the file and reference it is about.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OpenDocument } from '../../src/state/document.svelte';
import { connections } from '../../src/state/connections.svelte';
import { policyOf } from '../../src/state/policy';
import { RegistryViewState, suggestPushReference } from '../../src/state/registry-view.svelte';
import { fixture } from '../unit/helpers';
import { hostOf, matching, registries, unique } from './helpers';

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
});
