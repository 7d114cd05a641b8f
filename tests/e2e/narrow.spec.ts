// E2E: every screen at phone widths (400 px and 360 px) has no horizontal scroll and no serious axe violation;
// at 1024 px the desktop layout is kept (one header row, Registry's push and pull side by side).
import type { Page } from '@playwright/test';
import { test, expect, openFile, corpusPath } from './helpers';
import { axe, tourEveryScreen, view } from './screens';

/** Elements whose right edge passes the viewport, for the failure message. */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > innerWidth + 0.5) {
        const name = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].join('.')}`;
        out.push(`${name} right=${Math.round(r.right)} width=${Math.round(r.width)}`);
      }
    }
    return out.slice(0, 15);
  });
}

for (const width of [400, 360]) {
  test(`every screen fits ${width} px without horizontal scroll, axe clean`, async ({
    page,
    problems: _,
  }, info) => {
    await page.setViewportSize({ width, height: 780 });
    const failing: string[] = [];
    const minor: string[] = [];
    const wide: string[] = [];
    await tourEveryScreen(page, info, `e2e/narrow-${width}`, async (screen) => {
      await page.waitForLoadState('networkidle');
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
      }));
      expect(innerWidth).toBe(width);
      if (scrollWidth > innerWidth)
        wide.push(
          `${screen}: scrollWidth ${scrollWidth} > ${innerWidth}: ${(await overflowing(page)).join('; ')}`,
        );
      await axe(page, screen, failing, minor);
    });
    expect(wide, 'screens wider than the viewport').toEqual([]);
    expect(failing, 'serious or critical axe violations').toEqual([]);
  });
}

test('from 1024 px the desktop layout stays: tabs on one line, buttons unwrapped, push and pull side by side', async ({
  page,
  problems: _,
}) => {
  for (const width of [1024, 1280]) {
    await page.setViewportSize({ width, height: 780 });
    await page.goto('/');
    const nav = page.getByRole('navigation', { name: 'Views' });
    const boxes = [
      await nav.boundingBox(),
      await page.getByRole('button', { name: 'Open a Wasm file' }).boundingBox(),
      await page.getByRole('button', { name: /^Theme:/ }).boundingBox(),
      await page.getByRole('button', { name: 'Local data' }).boundingBox(),
    ];
    // One line each: a tab bar or a button that wraps is twice as tall.
    for (const box of boxes) expect(box!.height).toBeLessThan(40);
    if (width >= 1280) for (const box of boxes) expect(Math.abs(box!.y - boxes[0]!.y)).toBeLessThan(6);
    await view(page, 'Registry');
    // The registry line appears once the local registry answers; measure after it, not while it moves things.
    await expect(page.getByTestId('default-registry')).toHaveText(/ — reachable$/);
    const push = await page.getByRole('heading', { name: 'Push', exact: true }).boundingBox();
    const pull = await page.getByRole('heading', { name: 'Pull', exact: true }).boundingBox();
    expect(Math.abs(push!.y - pull!.y)).toBeLessThan(4);
    expect(pull!.x).toBeGreaterThan(push!.x + 300);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
  }
});

test('at 360 px a debug module with its strip table and WAT output still fits', async ({
  page,
  problems: _,
}) => {
  const path = corpusPath('rust-dwarf-hello-stdout-jco-fixture.wasm');
  test.skip(!path, 'WASMLENS_CORPUS is not set');
  await page.setViewportSize({ width: 360, height: 780 });
  await page.goto('/');
  await openFile(page, path!);
  await expect(page.getByRole('table', { name: 'Debug sections to remove' })).toBeVisible();
  await page.getByRole('button', { name: 'Show WAT' }).click();
  await expect(page.getByRole('textbox', { name: 'WAT output' })).toHaveValue(/^\(module/, {
    timeout: 30_000,
  });
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
  expect(wide, (await overflowing(page)).join('; ')).toBeLessThanOrEqual(0);
});
