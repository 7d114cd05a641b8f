// The Annotate form's pure helpers: reserved keys typed as annotation rows, issue labels as the form names fields.
import { describe, expect, it } from 'vitest';
import { emptyMetadata } from '../../src/lib/kubewarden';
import { annotationRowIssues, formFromMetadata, metadataFromForm } from '../../src/state/annotate-form';
import { fieldId, fieldLabel } from '../../src/ui/annotate/issues';

const form = (rows: { key: string; value: string }[], title = '') => {
  const f = formFromMetadata(emptyMetadata());
  f.text.title = title;
  f.annotations = rows;
  return f;
};

describe('a reserved key typed as an annotation row', () => {
  it('is not written, and the row says which field owns it', () => {
    const f = form([{ key: 'io.kubewarden.policy.title', value: 'from-row' }], 'from-field');
    expect(metadataFromForm(f).annotations['io.kubewarden.policy.title']).toBe('from-field');
    // Not written even when the Title field is empty: the field is the one place for the key.
    expect(metadataFromForm(form([{ key: 'io.kubewarden.policy.title', value: 'x' }])).annotations).toEqual(
      {},
    );
    expect(annotationRowIssues(f)).toEqual([
      {
        severity: 'warning',
        field: 'annotationRow.0',
        message:
          'io.kubewarden.policy.title is set by the Title field: this row is not written. Put the value there instead.',
      },
    ]);
  });

  it('says io.kubewarden.kwctl is reserved, and that a repeated key keeps only its last row', () => {
    const f = form([
      { key: 'io.kubewarden.kwctl', value: '9.9.9' },
      { key: 'a', value: '1' },
      { key: 'a', value: '2' },
    ]);
    expect(metadataFromForm(f).annotations).toEqual({ a: '2' });
    expect(annotationRowIssues(f).map((i) => [i.field, i.message])).toEqual([
      [
        'annotationRow.0',
        'io.kubewarden.kwctl is reserved for the kwctl version that annotated the file: this row is not written. Put the value there instead.',
      ],
      ['annotationRow.1', 'a is typed again in annotation 3; only that row is written.'],
    ]);
  });
});

describe('issue labels: the field as the form names it, counted from 1', () => {
  it.each([
    ['rules.0.apiGroups', 'Rule 1 › API groups'],
    ['rules.2.resources', 'Rule 3 › Resources'],
    ['rules.1.operations', 'Rule 2 › Operations'],
    ['rules.0', 'Rule 1'],
    ['contextAwareResources.0.kind', 'Context-aware resource 1 › Kind'],
    ['contextAwareResources.1.apiVersion', 'Context-aware resource 2 › API version'],
    ['annotations.io.kubewarden.policy.title', 'Title'],
    ['annotations.io.kubewarden.kwctl', 'Annotation io.kubewarden.kwctl'],
    ['annotationRow.2', 'Annotation 3'],
    ['executionMode', 'Execution mode'],
    ['minimumKubewardenVersion', 'Minimum Kubewarden version'],
    ['', 'Metadata'],
  ])('%s → %s', (path, label) => {
    expect(fieldLabel(path)).toBe(label);
  });

  it('gives every path a stable control id', () => {
    expect(fieldId('rules.0.apiGroups')).toBe('field-rules_0_apiGroups');
    expect(fieldId('annotations.io.kubewarden.policy.title')).toBe(
      'field-annotations_io_kubewarden_policy_title',
    );
  });
});
