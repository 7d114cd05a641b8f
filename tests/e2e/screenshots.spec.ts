// Screenshots of the main views at 1280×800 in the light theme, for docs/tour.md. They go to
// test-results/screenshots/, or to docs/screenshots/ when WASMLENS_SCREENSHOTS=docs (to refresh the committed ones).
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, openFile, registries, ROOT } from './helpers';
import { view } from './screens';

const SAMPLE = join(ROOT, 'public', 'sample', 'no-privileged-pods.wasm');
const OUT =
  process.env.WASMLENS_SCREENSHOTS === 'docs'
    ? join(ROOT, 'docs', 'screenshots')
    : join(ROOT, 'test-results', 'screenshots');

test.use({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });

test('screenshots of every main view', async ({ page, problems: _ }) => {
  mkdirSync(OUT, { recursive: true });
  const shots: string[] = [];
  const shoot = async (name: string) => {
    // Nothing focused or hovered, so the pictures show the page at rest.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.mouse.move(0, 0);
    const path = join(OUT, `${name}.png`);
    await page.screenshot({ path, animations: 'disabled' });
    shots.push(path);
  };

  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Look inside a WebAssembly policy' })).toBeVisible();
  await shoot('welcome');

  // A policy lands in Inspect.
  await openFile(page, SAMPLE);
  await expect(page.getByTestId('inspect-details')).toBeVisible();
  await shoot('inspect');

  await view(page, 'Explorer');
  await expect(page.getByTestId('summary-kind')).toHaveText('Core module');
  await shoot('explorer');

  await view(page, 'Annotate');
  await expect(page.getByTestId('annotate-valid')).toBeVisible();
  await shoot('annotate');

  await view(page, 'Evaluate');
  await page.getByLabel('Request template').selectOption({ index: 0 });
  await page.getByRole('button', { name: 'Load template' }).click();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('verdict')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('verdict').scrollIntoViewIfNeeded();
  await shoot('evaluate');

  await view(page, 'Registry');
  const ref = `127.0.0.1:${registries().noauth!.port}/policies/no-privileged-pods:v0.1.0`;
  // The view suggests a reference once the local registry answers; wait, so it cannot land mid-typing.
  await expect(page.getByTestId('default-registry')).toHaveText(/ — reachable$/);
  const form = page.getByRole('form', { name: 'Push the open policy' });
  await form.getByLabel('Push to reference').fill(ref);
  await form.getByRole('button', { name: 'Push', exact: true }).click();
  await expect(page.getByTestId('pushed-reference')).toBeVisible({ timeout: 30_000 });
  await shoot('registry');

  await page.goto(`/#/ref/${ref}`);
  await expect(page.getByTestId('artifact-kind')).toHaveText('Kubewarden policy');
  await shoot('artifacts');

  // Every picture was written and is not empty.
  expect(shots).toHaveLength(7);
  for (const p of shots) expect(statSync(p).size, p).toBeGreaterThan(10_000);
});
