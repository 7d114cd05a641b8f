// E2E: the whole path open → inspect → annotate → download → push with the keyboard alone, focus always visible.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { test, expect, registries, ROOT } from './helpers';

const SAMPLE = join(ROOT, 'public', 'sample', 'no-privileged-pods.wasm');

/**
 * Presses Tab (or Shift+Tab) until `target` has focus, checking on every stop that the focused control shows
 * a visible outline. Fails if the target is not reached within `max` presses, i.e. it is unreachable.
 */
async function tabTo(page: Page, target: Locator, { back = false, max = 150 } = {}) {
  const handle = await target.elementHandle();
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    // One round trip per press: where focus is, how it shows, and whether it is the target.
    const stop = await page.evaluate((t) => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const s = getComputedStyle(el);
      const name = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40);
      return {
        what: `${el.tagName.toLowerCase()} "${name}"`,
        style: s.outlineStyle,
        width: parseFloat(s.outlineWidth),
        reached: el === t,
      };
    }, handle);
    if (stop) {
      expect(stop.style, `focus outline on ${stop.what}`).not.toBe('none');
      expect(stop.width, `focus outline width on ${stop.what}`).toBeGreaterThan(0);
      if (stop.reached) return;
    }
  }
  throw new Error(`could not reach ${target} with ${back ? 'Shift+Tab' : 'Tab'} in ${max} presses`);
}

test('open, inspect, annotate, download and push with the keyboard alone', async ({
  page,
  problems: _,
}, info) => {
  const host = `127.0.0.1:${registries().noauth!.port}`;
  const reference = `${host}/e2e/keyboard-${Date.now().toString(36)}:v1`;
  await page.goto('/');

  // Open: the button opens the system file chooser; answering it is the only non-keyboard step.
  const open = page.getByRole('button', { name: 'Open a Wasm file' });
  // Listening first: Playwright intercepts the chooser only once a listener exists.
  const chooser = page.waitForEvent('filechooser');
  await tabTo(page, open);
  await page.keyboard.press('Enter');
  await (await chooser).setFiles(SAMPLE);
  // A policy lands in Inspect.
  await expect(page).toHaveURL(/#\/inspect$/);

  // Explorer and back to Inspect, by the navigation links.
  const explorer = page.getByRole('link', { name: 'Explorer' });
  await tabTo(page, explorer, { back: true });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('summary-kind')).toHaveText('Core module');
  const inspect = page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Inspect' });
  await tabTo(page, inspect);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/inspect$/);
  await expect(page.getByTestId('inspect-details').getByRole('row', { name: /^title: / })).toHaveText(
    /no-privileged-pods/,
  );

  // Annotate: change the title by typing.
  const annotate = page.getByRole('link', { name: 'Annotate' });
  await tabTo(page, annotate, { back: true });
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/annotate$/);
  const title = page.getByLabel('Title io.kubewarden.policy.title');
  await expect(title).toHaveValue('no-privileged-pods');
  await tabTo(page, title);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('keyboard-title');
  await expect(title).toHaveValue('keyboard-title');
  await expect(page.getByTestId('annotate-valid')).toBeVisible();

  // Download the annotated module with Space, then make it the open document with Enter.
  const download = page.getByRole('button', { name: 'Download annotated .wasm' });
  await tabTo(page, download);
  const pending = page.waitForEvent('download');
  await page.keyboard.press('Space');
  const saved = info.outputPath('annotated.wasm');
  await (await pending).saveAs(saved);
  expect(readFileSync(saved).toString('latin1')).toContain('"io.kubewarden.policy.title":"keyboard-title"');
  await tabTo(page, page.getByRole('button', { name: 'Use annotated module' }));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/inspect$/);
  await expect(
    page.getByTestId('inspect-details').getByRole('row', { name: 'title: keyboard-title' }),
  ).toBeVisible();

  // Registry: type the reference, submit the form with Enter, read the immutable reference.
  await tabTo(page, page.getByRole('link', { name: 'Registry' }), { back: true });
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Registry', level: 2 })).toBeVisible();
  // The view suggests a reference once the local registry answers; wait, so it cannot land mid-typing.
  await expect(page.getByTestId('default-registry')).toHaveText(/ — reachable$/);
  const target = page.getByRole('form', { name: 'Push the open policy' }).getByLabel('Push to reference');
  await tabTo(page, target);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(reference);
  await page.keyboard.press('Enter');
  const pushed = page.getByTestId('pushed-reference');
  await expect(pushed).toBeVisible({ timeout: 30_000 });
  const immutable = (await pushed.textContent())!.trim();
  expect(immutable).toMatch(
    new RegExp(`^${reference.split(':v1')[0].replace(/\./g, '\\.')}@sha256:[0-9a-f]{64}$`),
  );

  // The registry holds what was typed: skopeo reads the edited title from the pushed manifest.
  const raw = execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${immutable}`], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(JSON.parse(raw).annotations['io.kubewarden.policy.title']).toBe('keyboard-title');
});

test('the first Tab reaches "Skip to content", which moves focus past the header to the view', async ({
  page,
  problems: _,
}) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Look inside a WebAssembly policy' })).toBeVisible();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();
  // The address is not a view name: the hash router never saw it.
  await expect(page).not.toHaveURL(/#main/);
  // The next Tab lands inside the view, not on the header's controls.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Open the sample policy' })).toBeFocused();
});
