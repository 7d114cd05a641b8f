import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, openFile, FIXTURES } from './helpers';

test('opening a WAT-built module shows its kind, size and section count', async ({ page, problems: _ }) => {
  await page.goto('/');
  await openFile(page, join(FIXTURES, 'minimal.wasm'));
  const size = readFileSync(join(FIXTURES, 'minimal.wasm')).length;
  await expect(page.getByTestId('summary-kind')).toHaveText('Core module');
  await expect(page.getByTestId('summary-size')).toHaveText(`${size} B`);
  await expect(page.getByTestId('summary-sections')).toHaveText('7');
  await expect(page.getByTestId('summary-sha256')).toHaveText(/^[0-9a-f]{64}$/);
});

test('dropping a file on the page opens it', async ({ page, problems: _ }) => {
  await page.goto('/');
  const bytes = [...readFileSync(join(FIXTURES, 'minimal.wasm'))];
  const transfer = await page.evaluateHandle((data) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(data)], 'dropped.wasm', { type: 'application/wasm' }));
    return dt;
  }, bytes);
  await page.dispatchEvent('body', 'dragenter', { dataTransfer: transfer });
  await page.dispatchEvent('body', 'drop', { dataTransfer: transfer });
  await expect(page.getByRole('heading', { name: 'dropped.wasm' })).toBeVisible();
  await expect(page.getByTestId('summary-kind')).toHaveText('Core module');
});

test('a text file gets a clear "not a WebAssembly file" message', async ({ page, problems: _ }) => {
  await page.goto('/');
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Open a Wasm file' }).click();
  await (
    await chooser
  ).setFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello, world\n') });
  await expect(page.getByRole('alert')).toContainText(
    'This is not a WebAssembly file: it looks like a text file.',
  );
});
