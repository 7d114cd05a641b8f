import { join } from 'node:path';
import { test, expect, openFile, FIXTURES, visitUntilOfflineReady } from './helpers';

test('after one visit the app loads and opens files with the network off', async ({
  page,
  context,
  problems: _,
}) => {
  await visitUntilOfflineReady(page);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Look inside a WebAssembly policy' })).toBeVisible();
  await openFile(page, join(FIXTURES, 'minimal.wasm'));
  await expect(page.getByTestId('summary-kind')).toHaveText('Core module');
  await context.setOffline(false);
});

test('the theme toggle switches light and dark and survives a reload', async ({ page, problems: _ }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('/');
  const toggle = page.getByRole('button', { name: /^Theme:/ });
  await expect(toggle).toHaveText('Theme: system');
  const bg = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  const light = await bg();
  await toggle.click(); // light
  await toggle.click(); // dark
  await expect(toggle).toHaveText('Theme: dark');
  expect(await bg()).not.toBe(light);
  await page.reload();
  await expect(page.getByRole('button', { name: /^Theme:/ })).toHaveText('Theme: dark');
  expect(await bg()).not.toBe(light);
});

test('an asset opened in the tab never becomes the offline app', async ({ page, context, problems: _ }) => {
  await visitUntilOfflineReady(page);
  // A same-origin navigation the service worker sees, answered with an SVG (issue 19: it used to be stored as
  // the shell, and the offline app was then this image).
  const svg = await page.goto('/favicon.svg');
  expect(svg?.headers()['content-type']).toMatch(/svg/);

  await context.setOffline(true);
  try {
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Look inside a WebAssembly policy' })).toBeVisible();
    await page.reload();
    await expect(page.getByRole('button', { name: 'Open a Wasm file' })).toBeVisible();
  } finally {
    await context.setOffline(false);
  }
});
