// E2E: a returning user with the network off opens a corpus policy, edits its annotations, downloads the result,
// and after another offline reload finds the draft restored.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, openFile, corpusPath, ROOT, visitUntilOfflineReady } from './helpers';

const GATEKEEPER = 'kw-opa-gatekeeper-always-unhappy-annotated-kwctl1.16.1.wasm';
const GATEKEEPER_SHA = '20fb34bd2e95eb92a6cae76021d082ec1c896d552d87d34c158233dbf85bb019';

test('offline: open, edit, download, reload, and the draft is back', async ({
  page,
  context,
  problems: _,
}, info) => {
  // The corpus policy when there is one (corpus README: 130,650 B, title `policy-name`), else the shipped sample.
  const corpusFile = corpusPath(GATEKEEPER);
  const file = corpusFile ?? join(ROOT, 'public', 'sample', 'no-privileged-pods.wasm');
  const title0 = corpusFile ? 'policy-name' : 'no-privileged-pods';

  await visitUntilOfflineReady(page);

  await context.setOffline(true);
  try {
    // Proof the network is really gone: a request the service worker does not answer fails.
    expect(
      await page.evaluate(() =>
        fetch(`/not-cached-${Date.now()}`).then(
          (r) => r.status,
          () => 'failed',
        ),
      ),
    ).not.toBe(200);
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Look inside a WebAssembly policy' })).toBeVisible();

    await openFile(page, file);
    // A policy lands in Inspect; Explorer (never opened online either) shows its digest.
    await expect(page.getByRole('heading', { level: 2, name: /^Inspect / })).toBeVisible();
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Explorer' }).click();
    await expect(page.getByTestId('summary-kind')).toHaveText('Core module');
    if (corpusFile) await expect(page.getByTestId('summary-sha256')).toHaveText(GATEKEEPER_SHA);
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Annotate' }).click();
    const title = page.getByLabel('Title io.kubewarden.policy.title');
    await expect(title).toHaveValue(title0);
    await title.fill('offline-edited');
    await page.getByLabel('Description io.kubewarden.policy.description').fill('Edited with the network off');
    await expect(page.getByText('Draft saved in this browser.')).toBeVisible();
    await expect(page.getByTestId('annotate-valid')).toBeVisible();

    const pending = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download annotated .wasm' }).click();
    const saved = info.outputPath('offline-annotated.wasm');
    await (await pending).saveAs(saved);
    const bytes = readFileSync(saved);
    const original = readFileSync(file);
    // Annotating appends: the original bytes come first, the new metadata after them (kwctl's layout).
    expect(bytes.length).toBeGreaterThan(original.length);
    const text = bytes.toString('latin1');
    expect(text).toContain('"io.kubewarden.policy.title":"offline-edited"');
    expect(text).toContain('"io.kubewarden.policy.description":"Edited with the network off"');

    await page.reload();
    // Still offline; the address keeps the view, which waits for a file to be opened again.
    await expect(page).toHaveURL(/#\/annotate$/);
    await expect(page.getByRole('heading', { name: 'Look inside a WebAssembly policy' })).toBeVisible();
    await openFile(page, file);
    await expect(page.getByText(/^Draft restored/)).toBeVisible();
    await expect(title).toHaveValue('offline-edited');
    await expect(page.getByLabel('Description io.kubewarden.policy.description')).toHaveValue(
      'Edited with the network off',
    );
  } finally {
    await context.setOffline(false);
  }
});
