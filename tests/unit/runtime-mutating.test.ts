// A mutating waPC policy (the WAT mutating-guest) through the library: accepted, with a mutated object and a patch.
import { describe, expect, it } from 'vitest';
import {
  REQUEST_TEMPLATES,
  evaluatePolicy,
  policyRunInfo,
  readAdmissionRequest,
} from '../../src/lib/runtime';
import { annotate, metadataFromYaml } from '../../src/lib/kubewarden';
import { fixture } from './helpers';
import { applyPatch } from './json-patch';

const LABELLED = { 'mutated-by': 'wasmlens' };

function template(id: string): string {
  const t = REQUEST_TEMPLATES.find((x) => x.id === id);
  if (!t) throw new Error(`no request template ${id}`);
  return t.text;
}

describe('mutating waPC guest', () => {
  const bytes = fixture('mutating-guest.wasm');

  it('accepts the create-Pod request with the labelled Pod and an add patch that produces it', async () => {
    const request = readAdmissionRequest(template('create-pod'));
    const before = structuredClone(request.object);
    const r = await evaluatePolicy({ bytes, mode: 'kubewarden-wapc', request, settings: {} });
    expect(r.error).toBeUndefined();
    expect(r.settings).toEqual({ valid: true });
    expect(r.verdict?.accepted).toBe(true);
    const object = request.object as { metadata: Record<string, unknown> };
    expect(object.metadata.labels).toBeUndefined();
    // The guest's object is the request's Pod with one label more.
    expect(r.verdict?.mutatedObject).toEqual({
      ...object,
      metadata: { ...object.metadata, labels: LABELLED },
    });
    // The template Pod has no labels, so the patch adds the whole labels map, and nothing else.
    expect(r.verdict?.patch).toEqual([{ op: 'add', path: '/metadata/labels', value: LABELLED }]);
    expect(applyPatch(request.object, r.verdict!.patch!)).toEqual(r.verdict!.mutatedObject);
    // Evaluating does not change the caller's request.
    expect(request.object).toEqual(before);
  });

  it('against another Pod, the patch holds every difference and still yields the mutated object', async () => {
    // The guest's reply is constant: for a Pod with other labels the patch removes them and adds its own.
    const request = readAdmissionRequest(template('create-pod-labels'));
    const r = await evaluatePolicy({ bytes, mode: 'kubewarden-wapc', request, settings: {} });
    const patch = r.verdict!.patch!;
    // Additions before removals, each sorted: json-patch's order, as in kwctl's base64 patch.
    expect(patch).toEqual([
      { op: 'add', path: '/metadata/labels/mutated-by', value: 'wasmlens' },
      { op: 'remove', path: '/metadata/labels/app' },
      { op: 'remove', path: '/metadata/labels/foo' },
    ]);
    expect(applyPatch(request.object, patch)).toEqual(r.verdict!.mutatedObject);
  });

  it('annotated as mutating, the run info says so and keeps the waPC mode', () => {
    const { metadata } = metadataFromYaml(
      'rules: []\nmutating: true\nexecutionMode: kubewarden-wapc\nannotations:\n  io.kubewarden.policy.title: mutating-guest\n',
    );
    const info = policyRunInfo(annotate(bytes, metadata));
    expect(info).toMatchObject({ mode: 'kubewarden-wapc', mutating: true, fromMetadata: true });
  });
});
