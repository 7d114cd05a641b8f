// Dropping files on the Kyverno and Flux push forms: the form takes them, the page-wide Wasm opener does not.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, FIXTURES } from './helpers';

async function dropFiles(page: Page, target: string, files: { name: string; text: string }[]) {
  const transfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([f.text], f.name, { type: 'text/yaml' }));
    return dt;
  }, files);
  const zone = page.getByRole('group', { name: target });
  await zone.dispatchEvent('dragover', { dataTransfer: transfer });
  await zone.dispatchEvent('drop', { dataTransfer: transfer });
}

test('YAML dropped on the Kyverno form is listed there and not opened as a module', async ({
  page,
  problems: _,
}) => {
  await page.goto('/#/artifacts');
  await page.getByText('Push Kyverno policies or a Flux artifact').click();
  const text = readFileSync(join(FIXTURES, 'artifacts', 'kyverno-policies.yaml'), 'utf8');
  await dropFiles(page, 'Drop YAML policies here', [{ name: 'policies.yaml', text }]);
  const listed = page.getByRole('list', { name: 'Policies to push' });
  await expect(listed).toContainText('ClusterPolicy require-labels');
  await expect(listed).toContainText('Policy disallow-latest');
  await expect(page.getByTestId('open-error')).toHaveCount(0);
});

test('files dropped on the Flux form are listed for packaging', async ({ page, problems: _ }) => {
  await page.goto('/#/artifacts');
  await page.getByText('Push Kyverno policies or a Flux artifact').click();
  await dropFiles(page, 'Drop files or a folder here', [
    { name: 'kustomization.yaml', text: 'resources: [release.yaml]\n' },
    { name: 'release.yaml', text: 'kind: HelmRelease\n' },
  ]);
  const files = page.getByRole('list', { name: 'Files to package' });
  await expect(files).toContainText('kustomization.yaml');
  await expect(files).toContainText('release.yaml');
  await expect(page.getByTestId('open-error')).toHaveCount(0);
});
