// Hostile registries in Chromium (issue 19): a small lying registry started by this spec (127.0.0.1 only, stops by
// itself) sends repeated tags, 100,000 tags, a Link header of 200,000 "<", answers that never come, a blob larger
// than its descriptor says, and a manifest nesting 200,000 arrays. In each the view shows what happened and the
// page stays responsive: a click on the theme button is answered within 1 s.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { startLyingRegistry } from '../../scripts/lib/lying-registry.mjs';
import { encodeCustomSection } from '../../src/lib/wasm';
import { test, expect, openFile, registries } from './helpers';
import { gotoRegistry } from './registry-helpers';

let liar: Awaited<ReturnType<typeof startLyingRegistry>>;
test.beforeAll(async () => {
  liar = await startLyingRegistry({ origin: process.env.WASMLENS_APP_URL!, lifetimeMs: 5 * 60_000 });
});
test.afterAll(() => liar.close());

/** A click is answered within 1 s: the theme button's label changes. */
async function expectResponsive(page: Page) {
  const theme = page.getByRole('button', { name: /^Theme:/ });
  const before = await theme.textContent();
  const started = Date.now();
  await theme.click();
  await expect(theme).not.toHaveText(before!, { timeout: 1000 });
  expect(Date.now() - started).toBeLessThan(1000);
}

async function listTags(page: Page, reference: string) {
  await page.goto('/');
  await gotoRegistry(page);
  await page
    .getByRole('form', { name: 'Pull a policy' })
    .getByLabel('Reference (tag or digest)')
    .fill(reference);
  await page.getByRole('button', { name: 'List tags' }).click();
}

test('repeated tags are all listed', async ({ page, problems: _ }) => {
  await listTags(page, `${liar.host}/dup:v1`);
  const tags = page.getByRole('list', { name: 'Tags' }).getByRole('listitem');
  await expect(tags).toHaveCount(4);
  await expect(tags.locator('code')).toHaveText(['latest', 'v1', 'v1', 'v1']);
  await expectResponsive(page);
});

test('100,000 tags appear a page at a time, with a filter', async ({ page, problems: _ }) => {
  await listTags(page, `${liar.host}/many:x`);
  await expect(page.getByRole('heading', { name: /Tags of .*many \(100000\)/ })).toBeVisible({
    timeout: 20_000,
  });
  const tags = page.getByRole('list', { name: 'Tags' }).getByRole('listitem');
  await expect(tags).toHaveCount(200);
  await expect(page.getByText('Showing 200 of 100,000 tags.')).toBeVisible();
  await expectResponsive(page);
  await page.getByRole('searchbox', { name: 'Filter tags' }).fill('t099999');
  await expect(tags).toHaveCount(1);
  await expectResponsive(page);
});

test('a Link header of 200,000 "<" ends the list at once', async ({ page, problems: _ }) => {
  await listTags(page, `${liar.host}/link:x`);
  await expect(page.getByRole('list', { name: 'Tags' }).getByRole('listitem')).toHaveText(['only Open']);
  await expectResponsive(page);
});

test('a registry that never answers, or stops half way: Cancel ends the wait, and the timeout ends it by itself', async ({
  page,
  problems: _,
}) => {
  await page.goto('/#/artifacts');
  await page.getByLabel('Reference').fill(`${liar.host}/hang:v1`);
  await page.getByRole('button', { name: 'Open reference' }).click();
  const reading = page.getByRole('status').filter({ hasText: 'Reading' });
  await expect(reading).toBeVisible();
  await expectResponsive(page);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(reading).toHaveCount(0);

  // The registry's own timeout setting, at its minimum.
  await gotoRegistry(page);
  const form = page.getByRole('form', { name: 'Add a registry' });
  await form.getByLabel('Registry host').fill(liar.host);
  await form.getByText('Advanced').click();
  await form.getByLabel(/Request timeout in seconds/).fill('1');
  await form.getByRole('button', { name: 'Add registry' }).click();
  await expect(page.getByText(`Added ${liar.host} for this tab only.`)).toBeVisible();
  await page.getByRole('link', { name: 'Artifacts' }).click();
  await page.getByLabel('Reference').fill(`${liar.host}/hang:v2`);
  await page.getByRole('button', { name: 'Open reference' }).click();
  await expect(page.getByText('The registry did not answer in time')).toBeVisible({ timeout: 5000 });
  await expect(page.getByText(/did not answer within 1 s/)).toBeVisible();
  await expectResponsive(page);

  // Headers and half a manifest, then silence: the same limit ends the read, a second after the last byte.
  await page.getByLabel('Reference').fill(`${liar.host}/stall:v1`);
  await page.getByRole('button', { name: 'Open reference' }).click();
  await expect(page.getByText(/sent part of the answer, then nothing for 1 s/)).toBeVisible({
    timeout: 5000,
  });
  await expect(page.getByText('The registry did not answer in time')).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Reading' })).toHaveCount(0);
});

test('a blob larger than its descriptor is refused, not shown', async ({ page, problems: _ }) => {
  await page.goto(`/#/ref/${liar.host}/lie:v1`);
  await page.getByRole('button', { name: 'View layer 1' }).click();
  await expect(page.getByText('The content does not have its declared size')).toBeVisible();
  await expectResponsive(page);
});

test('a manifest nesting 200,000 arrays renders, a page of lines at a time', async ({
  page,
  problems: _,
}) => {
  await page.goto(`/#/ref/${liar.host}/deep:v1`);
  const json = page.getByRole('region', { name: 'Manifest JSON' });
  await expect(json).toContainText('"schemaVersion": 2');
  await expect(json).toContainText('Showing the first 2,000 lines.');
  await expectResponsive(page);
  await json.getByRole('button', { name: 'Show 2,000 more lines' }).click();
  await expect(json.locator('.line')).toHaveCount(4000);
  await expectResponsive(page);
});

test("Wasmlens's own Kyverno push of one policy in two files opens, both listed", async ({
  page,
  problems: _,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'wasmlens-kyverno-'));
  const policy =
    'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: same-policy\nspec:\n  rules: []\n';
  writeFileSync(join(dir, 'a.yaml'), policy);
  writeFileSync(join(dir, 'b.yaml'), policy);
  const ref = `127.0.0.1:${registries().noauth!.port}/hostile/kyverno-twice-${Date.now().toString(36)}:v1`;
  try {
    await page.goto('/#/artifacts');
    await page.getByText('Push Kyverno policies or a Flux artifact').click();
    await page.getByLabel('Kyverno policy files').setInputFiles([join(dir, 'a.yaml'), join(dir, 'b.yaml')]);
    await expect(page.getByRole('list', { name: 'Policies to push' }).getByRole('listitem')).toHaveCount(2);
    await page.getByLabel('Push Kyverno policies to').fill(ref);
    await page.getByRole('button', { name: 'Push Kyverno policies' }).click();
    await expect(page.getByText(/Pushed .* as sha256:/)).toBeVisible();
    await page.goto(`/#/ref/${ref}`);
    await expect(page.getByTestId('artifact-kind')).toHaveText('Kyverno policies (2)');
    const policies = page.getByRole('list', { name: 'Kyverno policies' }).getByRole('listitem');
    await expect(policies).toHaveCount(2);
    await expect(policies).toHaveText([/ClusterPolicy\s+same-policy/, /ClusterPolicy\s+same-policy/]);
    // Both layers carry one digest; each row still opens its blob.
    await expect(page.getByRole('table', { name: 'Descriptors' }).getByRole('row')).toHaveCount(1 + 3);
    await page.getByRole('button', { name: 'View layer 2' }).click();
    await expect(page.getByRole('list', { name: 'YAML documents' })).toContainText('same-policy');
    await expectResponsive(page);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a module with 50,000 annotations: Inspect and Annotate open a page at a time and stay responsive', async ({
  page,
  problems: _,
}) => {
  const annotations = Object.fromEntries(
    Array.from({ length: 50_000 }, (_, i) => [`example.com/a${String(i).padStart(5, '0')}`, `value ${i}`]),
  );
  const metadata = JSON.stringify({ protocolVersion: 'v1', rules: [], mutating: false, annotations });
  const wasm = Buffer.concat([
    Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]),
    Buffer.from(encodeCustomSection('io.kubewarden.metadata', new TextEncoder().encode(metadata))),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'wasmlens-annotations-'));
  try {
    writeFileSync(join(dir, 'many-annotations.wasm'), wasm);
    await page.goto('/#/inspect');
    await openFile(page, join(dir, 'many-annotations.wasm'));
    await expect(page.getByText('Showing 200 of 50,000 annotations.')).toBeVisible({ timeout: 20_000 });
    await expect(page.getByTestId('inspect-annotations').getByRole('row')).toHaveCount(200);
    await expectResponsive(page);

    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Annotate' }).click();
    const pages = page.getByRole('navigation', { name: 'Pages of annotations' });
    await expect(pages).toContainText('1–100 of 50,000 annotations', { timeout: 20_000 });
    await expectResponsive(page);
    await pages.getByRole('button', { name: 'Next annotations' }).click();
    await expect(pages).toContainText('101–200 of 50,000 annotations');
    await expect(page.getByLabel('Annotation 101 value')).toHaveValue('value 100');
    await page.getByLabel('Annotation 101 value').fill('edited');
    await pages.getByRole('button', { name: 'Previous annotations' }).click();
    await pages.getByRole('button', { name: 'Next annotations' }).click();
    await expect(page.getByLabel('Annotation 101 value')).toHaveValue('edited');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an issue link to an annotation row on another page turns to that page and focuses the row', async ({
  page,
  problems: _,
}) => {
  const annotations = Object.fromEntries(
    Array.from({ length: 150 }, (_, i) => [`example.com/k${i}`, `v${i}`]),
  );
  const metadata = JSON.stringify({ protocolVersion: 'v1', rules: [], mutating: false, annotations });
  const wasm = Buffer.concat([
    Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]),
    Buffer.from(encodeCustomSection('io.kubewarden.metadata', new TextEncoder().encode(metadata))),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'wasmlens-reveal-'));
  try {
    writeFileSync(join(dir, 'paged.wasm'), wasm);
    await page.goto('/#/annotate');
    await openFile(page, join(dir, 'paged.wasm'));
    const pages = page.getByRole('navigation', { name: 'Pages of annotations' });
    await expect(pages).toContainText('1–100 of 150 annotations');
    // A new row lands on the last page; typing a key that row 4 already has makes row 4 the one warned about.
    await page.getByRole('button', { name: 'Add annotation' }).click();
    await expect(pages).toContainText('101–151 of 151 annotations');
    await page.getByLabel('Annotation 151 key').fill('example.com/k3');
    const link = page.getByTestId('annotate-issues').getByRole('link', { name: 'Annotation 4', exact: true });
    await link.click();
    await expect(pages).toContainText('1–100 of 151 annotations');
    await expect(page.getByLabel('Annotation 4 key')).toBeFocused();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
