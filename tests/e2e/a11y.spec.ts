// E2E: axe-core on every screen (Welcome, each view, the Local data dialog) in the light and the dark theme.
// Serious and critical violations fail the test; lesser ones are attached to the report and printed.
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect, openFile, corpusPath, registries, ROOT } from './helpers';

const SAMPLE = join(ROOT, 'public', 'sample', 'no-privileged-pods.wasm');
const COMPONENT = 'component-adder-jco-fixture.wasm';

async function view(page: Page, name: string) {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name }).click();
  await expect(page.getByRole('heading', { level: 2, name: new RegExp(`^${name}`) })).toBeVisible();
}

for (const theme of ['light', 'dark'] as const) {
  test(`no serious or critical axe violation on any screen, ${theme} theme`, async ({
    page,
    problems: _,
  }, info) => {
    const failing: string[] = [];
    const minor: string[] = [];
    const check = async (screen: string) => {
      // Let transitions and lazy panels settle so colours are measured as a person sees them.
      await page.waitForLoadState('networkidle');
      const { violations, passes } = await new AxeBuilder({ page }).analyze();
      // axe really looked: rules such as contrast and labels passed on this screen.
      expect(passes.length, `axe checks that passed on ${screen}`).toBeGreaterThan(10);
      for (const v of violations) {
        const line = `${screen}: ${v.impact} ${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`;
        (v.impact === 'serious' || v.impact === 'critical' ? failing : minor).push(line);
      }
    };

    await page.emulateMedia({ colorScheme: theme });
    await page.goto('/');
    // The theme really applies: dark has a dark background, light a light one.
    const bg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    expect(bg).toBe(theme === 'dark' ? 'rgb(21, 21, 28)' : 'rgb(255, 255, 255)');

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

    await openFile(page, SAMPLE);
    await expect(page.getByTestId('summary-kind')).toHaveText('Core module');
    await check('Explorer (module)');

    await view(page, 'Inspect');
    await check('Inspect');

    await view(page, 'Annotate');
    await expect(page.getByTestId('annotate-valid')).toBeVisible();
    await check('Annotate');

    await view(page, 'Evaluate');
    await page.getByRole('button', { name: 'Load template' }).click();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect(page.getByTestId('verdict')).toBeVisible({ timeout: 30_000 });
    await check('Evaluate');

    await view(page, 'Registry');
    const ref = `127.0.0.1:${registries().noauth!.port}/e2e/a11y-${theme}:v1`;
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
    const repo = ref.replace(/:v1$/, '');
    await page.goto(`/#/repo/${repo}`);
    await expect(page.locator('tr[data-tag="v1"] .badge')).toHaveText('Kubewarden');
    await check('Browse (tags)');
    await page.getByRole('button', { name: 'Delete v1', exact: true }).click();
    await expect(page.getByRole('alertdialog')).toBeVisible();
    await check('Browse (delete confirmation)');
    await page.getByRole('button', { name: 'Keep it' }).click();
    await page.goto(`/#/registry/${repo.split('/')[0]}`);
    await expect(page.getByRole('list', { name: 'Repositories' })).toBeVisible();
    await check('Browse (catalog)');
    await page.goto(`/#/diff/${ref}..${ref}`);
    await expect(page.getByTestId('diff-identical')).toBeVisible({ timeout: 30_000 });
    await check('Browse (comparison)');

    if (minor.length) {
      info.annotations.push({ type: 'axe (moderate/minor)', description: minor.join('\n') });
      console.log(`axe, ${theme}, not failing:\n  ${minor.join('\n  ')}`);
    }
    expect(failing, 'serious or critical axe violations').toEqual([]);
  });
}
