// The Evaluate panel with a mutating policy: the WAT mutating-guest, annotated `mutating: true`, shows its verdict,
// the JSON patch and the object after it.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, openFile, FIXTURES } from './helpers';
import { annotate, metadataFromYaml } from '../../src/lib/kubewarden';

const METADATA_YAML = `rules:
  - apiGroups: [""]
    apiVersions: ["v1"]
    resources: ["pods"]
    operations: ["CREATE"]
mutating: true
executionMode: kubewarden-wapc
annotations:
  io.kubewarden.policy.title: mutating-guest
  io.kubewarden.policy.description: Adds the label mutated-by=wasmlens to Pods
`;

/** The WAT-built mutating guest annotated by the library as a mutating waPC policy, in a temporary folder. */
function annotatedGuest(): string {
  const { metadata } = metadataFromYaml(METADATA_YAML);
  const bytes = annotate(new Uint8Array(readFileSync(join(FIXTURES, 'mutating-guest.wasm'))), metadata);
  const path = join(mkdtempSync(join(tmpdir(), 'wasmlens-mutating-')), 'mutating-guest.wasm');
  writeFileSync(path, bytes);
  return path;
}

test('a mutating policy shows Accepted, the add patch of the label and the labelled object', async ({
  page,
  problems: _,
}) => {
  await page.goto('/');
  await openFile(page, annotatedGuest());
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Evaluate' }).click();
  await expect(page.getByRole('heading', { name: 'Evaluate' })).toBeVisible();
  await expect(page.getByLabel('Execution mode')).toHaveValue('kubewarden-wapc');
  await expect(page.getByTestId('evaluate-mode-reason')).toContainText('from the policy');

  await page.getByLabel('Request template').selectOption({ label: 'Create a Pod' });
  await page.getByRole('button', { name: 'Load template' }).click();
  // The request as loaded has no labels: the label in the output can only come from the policy.
  expect(
    JSON.parse(await page.getByLabel('Request (AdmissionReview, JSON or YAML)').inputValue()).request.object
      .metadata.labels,
  ).toBeUndefined();
  await page.getByRole('button', { name: 'Run', exact: true }).click();

  await expect(page.getByTestId('verdict')).toHaveText('Accepted', { timeout: 30_000 });
  const patch = JSON.parse(await page.getByLabel('JSON patch').innerText());
  expect(patch).toEqual([{ op: 'add', path: '/metadata/labels', value: { 'mutated-by': 'wasmlens' } }]);
  const mutated = JSON.parse(await page.getByLabel('Mutated object').innerText());
  expect(mutated).toMatchObject({
    kind: 'Pod',
    metadata: { name: 'nginx', namespace: 'team-a', labels: { 'mutated-by': 'wasmlens' } },
    spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] },
  });
  await expect(page.getByRole('heading', { name: 'Object after the patch' })).toBeVisible();
});

test('a validating policy shows no patch', async ({ page, problems: _ }) => {
  await page.goto('/');
  await openFile(page, join(FIXTURES, 'no-privileged-pods.wasm'));
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Evaluate' }).click();
  await page.getByLabel('Request template').selectOption({ label: 'Create a Pod' });
  await page.getByRole('button', { name: 'Load template' }).click();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('verdict')).toHaveText('Accepted', { timeout: 30_000 });
  await expect(page.getByLabel('JSON patch')).toHaveCount(0);
  await expect(page.getByLabel('Mutated object')).toHaveCount(0);
});
