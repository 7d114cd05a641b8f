// Screenshots of the main views at 1280×800 in the light theme, for docs/tour.md. They go to
// test-results/screenshots/, or to docs/screenshots/ when WASMLENS_SCREENSHOTS=docs (to refresh the committed ones).
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, ROOT } from './helpers';
import { tourEveryScreen } from './screens';

const OUT =
  process.env.WASMLENS_SCREENSHOTS === 'docs'
    ? join(ROOT, 'docs', 'screenshots')
    : join(ROOT, 'test-results', 'screenshots');

test.use({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });

/** The tour's screens that become pictures, and their file names. */
const SHOTS: Record<string, string> = {
  Welcome: 'welcome',
  Inspect: 'inspect',
  'Explorer (module)': 'explorer',
  Annotate: 'annotate',
  Evaluate: 'evaluate',
  Registry: 'registry',
  Artifacts: 'artifacts',
};

test('screenshots of every main view', async ({ page, problems: _ }, info) => {
  mkdirSync(OUT, { recursive: true });
  const shots: string[] = [];
  await tourEveryScreen(page, info, 'policies/no-privileged-pods', async (screen) => {
    const name = SHOTS[screen];
    if (!name) return;
    if (screen === 'Evaluate') await page.getByTestId('verdict').scrollIntoViewIfNeeded();
    // Nothing focused or hovered, so the pictures show the page at rest.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.mouse.move(0, 0);
    const path = join(OUT, `${name}.png`);
    await page.screenshot({ path, animations: 'disabled' });
    shots.push(path);
  });

  // Every picture was written and is not empty.
  expect(shots).toHaveLength(7);
  for (const p of shots) expect(statSync(p).size, p).toBeGreaterThan(10_000);
});
