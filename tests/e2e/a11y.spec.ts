// E2E: axe-core on every screen (Welcome, each view, the Local data dialog) in the light and the dark theme.
// Serious and critical violations fail the test; lesser ones are attached to the report and printed.
import { test, expect } from './helpers';
import { axe, tourEveryScreen } from './screens';

for (const theme of ['light', 'dark'] as const) {
  test(`no serious or critical axe violation on any screen, ${theme} theme`, async ({
    page,
    problems: _,
  }, info) => {
    const failing: string[] = [];
    const minor: string[] = [];
    await page.emulateMedia({ colorScheme: theme });
    let first = true;
    await tourEveryScreen(page, info, `e2e/a11y-${theme}`, async (screen) => {
      if (first) {
        // The theme really applies: dark has a dark background, light a light one.
        const bg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
        expect(bg).toBe(theme === 'dark' ? 'rgb(21, 21, 28)' : 'rgb(255, 255, 255)');
        first = false;
      }
      await axe(page, screen, failing, minor);
    });
    if (minor.length) {
      info.annotations.push({ type: 'axe (moderate/minor)', description: minor.join('\n') });
      console.log(`axe, ${theme}, not failing:\n  ${minor.join('\n  ')}`);
    }
    expect(failing, 'serious or critical axe violations').toEqual([]);
  });
}
