// E2E: the Inspect view shows kwctl inspect's output for real policies, its YAML export, and clear messages.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, openFile, corpusPath, customSection, writeModule, FIXTURES } from './helpers';

const SAFE_LABELS = 'kw-tinygo-safe-labels-annotated-kwctl1.6.0.wasm';
const GATEKEEPER = 'kw-opa-gatekeeper-always-unhappy-annotated-kwctl1.16.1.wasm';

const META = (title: string, extra = '') =>
  `{"protocolVersion":"Unknown","rules":[],"annotations":{"io.kubewarden.policy.title":"${title}"},` +
  `"mutating":false,"executionMode":"wasi"${extra}}`;

test.describe('corpus policies', () => {
  test('safe-labels: kwctl details in order, protocol version 1, 7 annotation rows, usage', async ({
    page,
    problems: _,
  }) => {
    const path = corpusPath(SAFE_LABELS);
    test.skip(!path, 'WASMLENS_CORPUS is not set');
    await page.goto('/#/inspect');
    await openFile(page, path!);
    const details = page.getByTestId('inspect-details');
    await expect(details.getByRole('row', { name: 'title: safe-labels', exact: true })).toBeVisible();
    await expect(details.getByRole('row', { name: 'protocol version: 1', exact: true })).toBeVisible();
    await expect(
      details.getByRole('row', { name: 'background audit support: false', exact: true }),
    ).toBeVisible();
    await expect(details.getByRole('row', { name: 'policy type: kubernetes', exact: true })).toBeVisible();
    const labels = await details.locator('th').allInnerTexts();
    expect(labels[0]).toBe('title:');
    expect(labels.slice(-6)).toEqual([
      'mutating:',
      'background audit support:',
      'context aware:',
      'policy type:',
      'execution mode:',
      'protocol version:',
    ]);
    expect(labels).toContain('source:');
    await expect(page.getByTestId('inspect-annotations').getByRole('row')).toHaveCount(7);
    const keys = await page.getByTestId('inspect-annotations').locator('th').allInnerTexts();
    expect(keys).toEqual([...keys].sort());
    expect(keys).toContain('io.kubewarden.policy.ociUrl');
    expect(keys).not.toContain('io.kubewarden.policy.usage');
    await expect(page.getByTestId('inspect-rules')).toContainText('- CREATE');
    await expect(page.getByRole('heading', { name: 'Context Aware' })).toHaveCount(0);
    const usage = page.getByRole('region', { name: 'Usage' });
    await expect(
      usage.getByText('This policy validates the labels of generic Kubernetes objects.'),
    ).toBeVisible();
    // Markdown, not raw text: the fenced settings example is a code block.
    await expect(usage.locator('pre code').first()).toContainText('# List of labels');
    await expect(page.getByTestId('inspect-host-capabilities')).toHaveText('Not declared.');
  });

  test('gatekeeper: context aware true, the Context Aware block, and the YAML tab', async ({
    page,
    context,
    problems: _,
  }, info) => {
    const path = corpusPath(GATEKEEPER);
    test.skip(!path, 'WASMLENS_CORPUS is not set');
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.goto('/#/inspect');
    await openFile(page, path!);
    const details = page.getByTestId('inspect-details');
    await expect(details.getByRole('row', { name: 'context aware: true', exact: true })).toBeVisible();
    await expect(details.getByRole('row', { name: 'execution mode: gatekeeper', exact: true })).toBeVisible();
    await expect(details.getByRole('row', { name: /protocol version/ })).toHaveCount(0);
    const block = page.getByTestId('inspect-context-aware');
    await expect(block).toContainText(
      'The policy requires access to the following Kubernetes resources at evaluation time:',
    );
    await expect(block).toContainText('kind: Namespace');
    await expect(block).toContainText(
      'To avoid abuses, review carefully what the policy requires access to.',
    );
    await expect(page.getByTestId('inspect-rules')).toContainText('clusterrolebindings');

    await page.getByRole('tab', { name: 'YAML' }).click();
    const yaml = page.getByTestId('inspect-yaml');
    await expect(yaml).toContainText('executionMode: gatekeeper');
    await expect(yaml).toContainText('contextAwareResources:');
    await expect(yaml).toContainText('io.kubewarden.policy.usage');
    await page.getByRole('button', { name: 'Copy YAML' }).click();
    await expect(page.getByText('Copied.')).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await yaml.innerText());
    const pending = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download YAML' }).click();
    const file = await pending;
    expect(file.suggestedFilename()).toBe(
      'kw-opa-gatekeeper-always-unhappy-annotated-kwctl1.16.1-metadata.yml',
    );
    const saved = info.outputPath('metadata.yml');
    await file.saveAs(saved);
    expect(readFileSync(saved, 'utf8')).toContain('kind: Namespace');
    // The tabs work from the keyboard too.
    await page.getByRole('tab', { name: 'YAML' }).press('ArrowLeft');
    await expect(page.getByRole('tab', { name: 'Details' })).toBeFocused();
    await expect(page.getByRole('tab', { name: 'Details' })).toHaveAttribute('aria-selected', 'true');
  });
});

test('a module without metadata says so and offers Annotate', async ({ page, problems: _ }) => {
  await page.goto('/#/inspect');
  await openFile(page, join(FIXTURES, 'minimal.wasm'));
  await expect(page.getByText('No Kubewarden metadata found.')).toBeVisible();
  await page.getByRole('button', { name: 'Annotate' }).click();
  await expect(page).toHaveURL(/#\/annotate$/);
  await expect(page.getByRole('heading', { name: 'Annotate minimal.wasm' })).toBeVisible();
});

test('invalid metadata JSON gives kwctl error text', async ({ page, problems: _ }) => {
  await page.goto('/#/inspect');
  await openFile(page, writeModule('bad-json.wasm', customSection('io.kubewarden.metadata', '{"rules": [')));
  await expect(page.getByRole('alert')).toContainText('Error parsing policy metadata:');
});

test('several metadata sections and unknown keys are reported; the first section wins', async ({
  page,
  problems: _,
}) => {
  const path = writeModule(
    'two-sections.wasm',
    customSection('io.kubewarden.metadata', META('first', ',"backgroundaudit":false')),
    customSection('io.kubewarden.metadata', META('second')),
  );
  await page.goto('/#/inspect');
  await openFile(page, path);
  const warnings = page.getByRole('list', { name: 'Metadata warnings' });
  await expect(warnings).toContainText('2 io.kubewarden.metadata sections');
  await expect(warnings).toContainText('backgroundaudit');
  await expect(page.getByTestId('inspect-details').getByRole('row', { name: 'title: first' })).toBeVisible();
  await page.getByText('Metadata sections and raw JSON').click();
  await expect(page.getByTestId('inspect-raw-json')).toContainText('"backgroundaudit": false');
});

const annotated = (annotations: Record<string, string>) =>
  JSON.stringify({ protocolVersion: 'v1', rules: [], annotations, mutating: false, executionMode: 'wasi' });

test('a policy lands in Inspect; Explorer shows its metadata as JSON with a link back', async ({
  page,
  problems: _,
}) => {
  const json = annotated({ 'io.kubewarden.policy.title': 'lands-in-inspect' });
  const path = writeModule('lands.wasm', customSection('io.kubewarden.metadata', json));
  await page.goto('/');
  await openFile(page, path);
  await expect(page).toHaveURL(/#\/inspect$/);
  await expect(page.getByRole('heading', { name: 'Inspect lands.wasm' })).toBeVisible();

  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Explorer' }).click();
  const card = page.getByRole('article', { name: 'Custom section io.kubewarden.metadata' });
  // JSON.stringify's own indentation of the same value is the expected text.
  await expect(card.getByRole('figure', { name: 'io.kubewarden.metadata as JSON' })).toHaveText(
    JSON.stringify(JSON.parse(json), null, 2),
  );
  await card.getByRole('link', { name: 'Read it as kwctl inspect shows it' }).click();
  await expect(page.getByRole('heading', { name: 'Inspect lands.wasm' })).toBeVisible();

  // A module without metadata lands in Explorer (from a view that does not show the open file).
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Registry' }).click();
  await openFile(page, join(FIXTURES, 'minimal.wasm'));
  await expect(page).toHaveURL(/#\/explorer$/);
  await expect(page.getByTestId('summary-kind')).toHaveText('Core module');
});

test('url and source link only to https; usage headings stay below the title; raw JSON indented with Copy', async ({
  page,
  context,
  problems: _,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const json = annotated({
    'io.kubewarden.policy.title': 'links',
    'io.kubewarden.policy.url': 'https://example.org/policy',
    'io.kubewarden.policy.source': 'javascript:alert(1)',
    'io.kubewarden.policy.usage': '# Big usage heading\n\nSome text.\n\n## Second level',
  });
  await page.goto('/');
  await openFile(page, writeModule('links.wasm', customSection('io.kubewarden.metadata', json)));
  const details = page.getByTestId('inspect-details');
  const url = details.getByRole('link', { name: 'https://example.org/policy' });
  await expect(url).toHaveAttribute('href', 'https://example.org/policy');
  await expect(url).toHaveAttribute('target', '_blank');
  await expect(url).toHaveAttribute('rel', 'noopener noreferrer');
  await expect(details.getByRole('row', { name: 'source: javascript:alert(1)' })).toBeVisible();
  await expect(details.getByRole('link')).toHaveCount(1);

  // `#` in usage text is a level-4 heading under the "Usage" section, and no larger than it.
  const usage = page.getByRole('region', { name: 'Usage' });
  const big = usage.getByRole('heading', { level: 4, name: 'Big usage heading' });
  await expect(big).toBeVisible();
  await expect(usage.getByRole('heading', { level: 5, name: 'Second level' })).toBeVisible();
  const size = (l: import('@playwright/test').Locator) =>
    l.evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  const title = await size(page.getByRole('heading', { level: 2, name: 'Inspect links.wasm' }));
  const section = await size(page.getByRole('heading', { level: 3, name: 'Usage' }));
  expect(await size(big)).toBeLessThan(title);
  expect(await size(big)).toBeLessThanOrEqual(section);

  await page.getByText('Metadata sections and raw JSON').click();
  const pretty = JSON.stringify(JSON.parse(json), null, 2);
  await expect(page.getByTestId('inspect-raw-json')).toHaveText(pretty);
  await page.getByRole('button', { name: 'Copy the metadata JSON' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(pretty);
});
