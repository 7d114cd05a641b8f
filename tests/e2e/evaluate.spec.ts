// The Evaluate panel in Chromium: each kind of corpus policy accepts one request and rejects another, and a
// looping waPC guest is stopped by the time limit while the page stays responsive.
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { test, expect, openFile, corpusPath, FIXTURES } from './helpers';

async function openEvaluate(page: Page, path: string) {
  await page.goto('/');
  await openFile(page, path);
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Evaluate' }).click();
  await expect(page.getByRole('heading', { name: 'Evaluate' })).toBeVisible();
}

async function template(page: Page, label: string) {
  await page.getByLabel('Request template').selectOption({ label });
  await page.getByRole('button', { name: 'Load template' }).click();
}

async function run(page: Page) {
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('verdict')).toBeVisible({ timeout: 30_000 });
  return page.getByTestId('verdict');
}

test.describe('with the corpus', () => {
  test.skip(!corpusPath('kw-tinygo-safe-labels-annotated-kwctl1.6.0.wasm'), 'WASMLENS_CORPUS is not set');

  test('waPC safe-labels: denied label rejected, other labels accepted', async ({ page, problems: _ }) => {
    await openEvaluate(page, corpusPath('kw-tinygo-safe-labels-annotated-kwctl1.6.0.wasm')!);
    await expect(page.getByLabel('Execution mode')).toHaveValue('kubewarden-wapc');
    await page.getByLabel('Settings (JSON or YAML)').fill('denied_labels:\n  - foo\n');
    await template(page, 'Create a Pod with labels');
    await expect(await run(page)).toHaveText('Rejected: The following labels are denied: foo');
    await template(page, 'Create a Pod');
    await expect(await run(page)).toHaveText('Accepted');
  });

  test('Gatekeeper always-unhappy rejects', async ({ page, problems: _ }) => {
    await openEvaluate(page, corpusPath('kw-opa-gatekeeper-always-unhappy-annotated-kwctl1.16.1.wasm')!);
    await expect(page.getByLabel('Execution mode')).toHaveValue('gatekeeper');
    await expect(await run(page)).toHaveText('Rejected: failing as expected');
    await expect(page.getByRole('list', { name: 'Console output' })).toContainText('failing as expected');
    const axe = await new AxeBuilder({ page })
      .include('section[aria-labelledby="evaluate-heading"]')
      .analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  });

  test('Rego no-default-namespace as opa: default rejected, team-a accepted', async ({
    page,
    problems: _,
  }) => {
    await openEvaluate(page, corpusPath('kw-opa-rego-no-default-namespace-unannotated.wasm')!);
    await expect(page.getByLabel('Execution mode')).toHaveValue('opa');
    await template(page, 'Create a Pod in namespace default');
    await expect(await run(page)).toHaveText('Rejected: you cannot use the default namespace');
    await template(page, 'Create a Pod');
    await expect(await run(page)).toHaveText('Accepted');
  });

  test('Javy WASI demo: privileged Pod rejected, plain Pod accepted, console shown', async ({
    page,
    problems: _,
  }) => {
    await openEvaluate(page, corpusPath('kw-javy-js-sdk-demo-annotated-kwctl1.25.0.wasm')!);
    await expect(page.getByLabel('Execution mode')).toHaveValue('wasi');
    await template(page, 'Create a privileged Pod');
    await expect(await run(page)).toHaveText('Rejected: privileged containers are not allowed');
    await expect(page.getByRole('list', { name: 'Console output' })).toContainText('Action: validate');
    await template(page, 'Create a Pod');
    await expect(await run(page)).toHaveText('Accepted');
  });

  test('a host capability without a fixture fails naming it; with one it is answered', async ({
    page,
    problems: _,
  }) => {
    await openEvaluate(page, corpusPath('kw-javy-js-sdk-demo-annotated-kwctl1.25.0.wasm')!);
    await page.getByLabel('Settings (JSON or YAML)').fill('{"testScenario": "dns-lookup-success"}');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect(page.getByRole('list', { name: 'Console output' })).toContainText(
      'Host capability net/v1/dns_lookup_host is not available',
      { timeout: 30_000 },
    );
    await page
      .getByLabel('Fixtures (JSON) or a kwctl session (YAML)')
      .fill('{"net/v1/dns_lookup_host": {"ips": ["192.0.2.1"]}}');
    await expect(await run(page)).toHaveText('Accepted');
  });
});

test('a looping waPC guest is stopped by the time limit and the page stays usable', async ({
  page,
  problems: _,
}) => {
  await openEvaluate(page, join(FIXTURES, 'loop-guest.wasm'));
  await page.getByLabel('Time limit (seconds)').fill('1');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText('Running in a worker…');
  // The page answers while the guest spins in its worker.
  await page.getByLabel('Settings (JSON or YAML)').fill('{"still": "typing"}');
  await expect(page.getByLabel('Settings (JSON or YAML)')).toHaveValue('{"still": "typing"}');
  await expect(page.getByTestId('run-failure')).toHaveText(
    'Stopped. The policy was stopped after 1 s: it did not finish within the time limit.',
  );
  await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
});

test('bad request text gets a clear message, and Stop ends a run', async ({ page, problems: _ }) => {
  await openEvaluate(page, join(FIXTURES, 'loop-guest.wasm'));
  await page.getByLabel('Request (AdmissionReview, JSON or YAML)').fill('[1, 2');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('run-failure')).toContainText('The request is neither JSON nor YAML');
  await template(page, 'Create a Pod');
  await page.getByLabel('Request (AdmissionReview, JSON or YAML)').focus();
  await page.keyboard.press('Control+Enter');
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
  await expect(page.getByTestId('run-failure')).toHaveCount(0);
});
