import { join } from 'node:path';
import { test, expect, openFile, FIXTURES, storedValues } from './helpers';

const wasmlensDatabases = (page: import('@playwright/test').Page) =>
  page.evaluate(async () =>
    (await indexedDB.databases()).map((d) => d.name).filter((n) => n?.startsWith('wasmlens-')),
  );

/** How many recent entries say their file's bytes were kept (read straight from IndexedDB). */
const keptRecents = async (page: import('@playwright/test').Page) =>
  ((await storedValues(page, 'wasmlens-recents', 'recents')) as { kept?: boolean }[]).filter((r) => r.kept)
    .length;

test('opened files are listed as recent by name and digest, without their bytes unless asked', async ({
  page,
  problems: _,
}) => {
  await page.goto('/');
  await openFile(page, join(FIXTURES, 'minimal.wasm'));
  await expect(page.getByTestId('summary-sha256')).toHaveText(/^[0-9a-f]{64}$/);
  const sha = (await page.getByTestId('summary-sha256').textContent())!;
  await page.reload();
  const recent = page.getByRole('list', { name: 'Recently opened' });
  await expect(recent).toContainText('minimal.wasm');
  await expect(recent).toContainText(`sha256:${sha.slice(0, 12)}`);
  await expect(recent.getByRole('button', { name: 'Open minimal.wasm again' })).toHaveCount(0);
  expect(await wasmlensDatabases(page)).toEqual(['wasmlens-recents']);

  // Opt in to keeping copies: the file can then be reopened from the list.
  await page.getByLabel(/Keep a copy of files I open/).check();
  await openFile(page, join(FIXTURES, 'minimal.wasm'));
  // The copy is written after the file opened; reload only once the recent entry says it is kept.
  await expect.poll(() => keptRecents(page)).toBe(1);
  await page.reload();
  await page.getByRole('button', { name: 'Open minimal.wasm again' }).click();
  await expect(page.getByTestId('summary-kind')).toHaveText('Core module');
});

test('"Clear all local data" asks first, then leaves no Wasmlens database behind', async ({
  page,
  problems: _,
}) => {
  await page.goto('/');
  await page.getByLabel(/Keep a copy of files I open/).check();
  await openFile(page, join(FIXTURES, 'minimal.wasm'));
  await expect(page.getByTestId('summary-sha256')).toHaveText(/^[0-9a-f]{64}$/);
  await expect.poll(() => wasmlensDatabases(page)).toContain('wasmlens-recent-files');

  await page.getByRole('button', { name: 'Local data' }).click();
  const dialog = page.getByRole('dialog', { name: 'Local data' });
  await expect(dialog.getByTestId('local-databases')).toContainText('wasmlens-recents');
  await dialog.getByRole('button', { name: 'Clear all local data' }).click();
  await expect(dialog).toContainText('cannot be undone');
  await dialog.getByRole('button', { name: 'Yes, clear everything' }).click();
  await expect(dialog.getByRole('status')).toContainText('Cleared');
  expect(await wasmlensDatabases(page)).toEqual([]);
  await expect(dialog.getByTestId('local-databases')).toHaveText('Nothing is stored now.');
});
