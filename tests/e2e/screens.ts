// A tour of every screen of the app (Welcome, the Local data dialog, each view with real content), calling
// `check(screen)` on each; the axe spec runs it per theme, the narrow-layout spec per viewport width.
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page, TestInfo } from '@playwright/test';
import { expect, openFile, corpusPath, registries, ROOT } from './helpers';

const SAMPLE = join(ROOT, 'public', 'sample', 'no-privileged-pods.wasm');
const COMPONENT = 'component-adder-jco-fixture.wasm';

/** Shows a view from the tabs; Explorer's heading is the file name, the others start with the view's name. */
export async function view(page: Page, name: string) {
  const link = page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name });
  await link.click();
  await expect(link).toHaveAttribute('aria-current', 'page');
  const heading =
    name === 'Explorer'
      ? page.locator('#summary-heading')
      : page.getByRole('heading', { level: 2, name: new RegExp(`^${name}`) });
  await expect(heading).toBeVisible();
}

/**
 * Visits every screen from a fresh start at '/'. `repository` (under the no-auth test registry) is where the
 * Registry screen pushes the sample, at tag v0.1.0; each caller names its own.
 */
export async function tourEveryScreen(
  page: Page,
  info: TestInfo,
  repository: string,
  check: (screen: string) => Promise<void>,
): Promise<void> {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Look inside a WebAssembly policy' })).toBeVisible();
  await check('Welcome');

  await page.getByRole('button', { name: 'Local data' }).click();
  const dialog = page.getByRole('dialog', { name: 'Local data' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Clear all local data' }).click();
  await expect(dialog.getByRole('button', { name: 'Keep my data' })).toBeVisible();
  await check('Local data dialog');
  await dialog.getByRole('button', { name: 'Keep my data' }).click();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();

  const component = corpusPath(COMPONENT);
  if (component) {
    await openFile(page, component);
    await expect(page.getByTestId('summary-kind')).toHaveText('Component');
    await expect(page.getByTestId('component-core-modules')).toBeVisible();
    await check('Explorer (component)');
  } else info.annotations.push({ type: 'skipped', description: 'Explorer (component): no corpus' });

  // A policy lands in Inspect; Explorer shows its metadata as JSON.
  await openFile(page, SAMPLE);
  await expect(page.getByRole('heading', { level: 2, name: /^Inspect/ })).toBeVisible();
  await check('Inspect');

  await view(page, 'Explorer');
  await expect(page.getByTestId('summary-kind')).toHaveText('Core module');
  await check('Explorer (module)');

  await view(page, 'Annotate');
  await expect(page.getByTestId('annotate-valid')).toBeVisible();
  await check('Annotate');

  await view(page, 'Evaluate');
  await page.getByRole('button', { name: 'Load template' }).click();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('verdict')).toBeVisible({ timeout: 30_000 });
  await check('Evaluate');

  await view(page, 'Registry');
  const ref = `127.0.0.1:${registries().noauth!.port}/${repository}:v0.1.0`;
  // The view suggests a reference once the local registry answers; wait, so it cannot land mid-typing.
  await expect(page.getByTestId('default-registry')).toHaveText(/ — reachable$/);
  const form = page.getByRole('form', { name: 'Push the open policy' });
  await form.getByLabel('Push to reference').fill(ref);
  await form.getByRole('button', { name: 'Push', exact: true }).click();
  await expect(page.getByTestId('pushed-reference')).toBeVisible({ timeout: 30_000 });
  await check('Registry');

  await page.goto(`/#/ref/${ref}`);
  await expect(page.getByTestId('artifact-kind')).toHaveText('Kubewarden policy');
  await check('Artifacts');

  // Browse: a repository's tags, the delete confirmation, the catalog, and a comparison.
  const repo = ref.replace(/:v0\.1\.0$/, '');
  await page.goto(`/#/repo/${repo}`);
  await expect(page.locator('tr[data-tag="v0.1.0"] .badge[data-kind]')).toHaveText('Kubewarden');
  await check('Browse (tags)');
  await page.getByRole('button', { name: 'Delete v0.1.0', exact: true }).click();
  await expect(page.getByRole('alertdialog')).toBeVisible();
  await check('Browse (delete confirmation)');
  await page.getByRole('button', { name: 'Keep it' }).click();
  await page.goto(`/#/registry/${repo.split('/')[0]}`);
  await expect(page.getByRole('list', { name: 'Repositories' })).toBeVisible();
  await check('Browse (catalog)');
  await page.goto(`/#/diff/${ref}..${ref}`);
  await expect(page.getByTestId('diff-identical')).toBeVisible({ timeout: 30_000 });
  await check('Browse (comparison)');
}

/** axe on the page: serious and critical violations into `failing`, the rest into `minor`. */
export async function axe(page: Page, screen: string, failing: string[], minor: string[]): Promise<void> {
  // Let transitions and lazy panels settle so colours are measured as a person sees them.
  await page.waitForLoadState('networkidle');
  const { violations, passes } = await new AxeBuilder({ page }).analyze();
  // axe really looked: rules such as contrast and labels passed on this screen.
  expect(passes.length, `axe checks that passed on ${screen}`).toBeGreaterThan(10);
  for (const v of violations) {
    const line = `${screen}: ${v.impact} ${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`;
    (v.impact === 'serious' || v.impact === 'critical' ? failing : minor).push(line);
  }
}
