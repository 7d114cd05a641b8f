import { join } from 'node:path';
import { test, expect, openFile, FIXTURES, corpusPath } from './helpers';

const safeLabels = corpusPath('kw-tinygo-safe-labels-annotated-kwctl1.6.0.wasm');

test('Annotate asks a waPC policy for its protocol version, in a worker', async ({ page, problems: _ }) => {
  test.skip(!safeLabels, 'WASMLENS_CORPUS is not set');
  await page.goto('/');
  await openFile(page, safeLabels!);
  await page.getByRole('link', { name: 'Annotate' }).click();
  await expect(page.getByTestId('annotate-protocol')).toHaveText(
    /^v1 \(detected: the module answered protocol_version\)$/,
  );
  await expect(page.getByRole('button', { name: 'Download annotated .wasm' })).toBeEnabled();
});

test('a failed detection blocks the download until the user explicitly assumes v1', async ({
  page,
  problems: _,
}) => {
  await page.goto('/');
  // minimal.wasm has no __guest_call: kwctl cannot detect a protocol version on it either.
  await openFile(page, join(FIXTURES, 'minimal.wasm'));
  await page.getByRole('link', { name: 'Annotate' }).click();
  await expect(page.getByText(/^Error while detecting Kubewarden protocol version: /)).toBeVisible();
  await expect(page.getByTestId('annotate-protocol')).toHaveText(/^Unknown/);
  const download = page.getByRole('button', { name: 'Download annotated .wasm' });
  await expect(download).toBeDisabled();
  await page.getByLabel('Assume protocol version v1 anyway').check();
  await expect(page.getByTestId('annotate-protocol')).toHaveText(/^v1 \(assumed by you: detection failed\)$/);
  await expect(download).toBeEnabled();
});
