// E2E: a `#/ref/<reference>` address opens a policy pushed to the local registry, and Back/Forward walk the views.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pushPolicy } from '../../src/lib/kubewarden';
import { createRegistryClient } from '../../src/lib/oci';
import { test, expect, registries, ROOT } from './helpers';

const SAMPLE = join(ROOT, 'public', 'sample', 'no-privileged-pods.wasm');

test('a deep link opens the pushed sample policy; Back and Forward move between views', async ({
  page,
  problems: _,
}) => {
  const reg = registries().noauth!;
  const host = `127.0.0.1:${reg.port}`;
  const repo = `e2e/deep-link-${Date.now().toString(36)}`;
  // Pushed by the library from Node, so the page under test has never seen this reference.
  const pushed = await pushPolicy(
    createRegistryClient({ baseUrl: reg.url }),
    `${host}/${repo}:v1.0.0`,
    new Uint8Array(readFileSync(SAMPLE)),
  );

  // The page fixture is a fresh context: no recents, no history, nothing this test did before.
  await page.goto(`/#/ref/${host}/${repo}:v1.0.0`);
  const kind = page.getByTestId('artifact-kind');
  await expect(kind).toHaveText('Kubewarden policy');
  await expect(page.getByRole('heading', { level: 3, name: /Kubewarden policy/ })).toContainText(
    `${host}/${repo}:v1.0.0`,
  );
  await expect(page.getByRole('link', { name: pushed.digest })).toBeVisible();
  const annotations = page.getByRole('definition').filter({ hasText: 'no-privileged-pods' });
  await expect(annotations.first()).toBeVisible();

  // Follow the digest link (another reference), then a view in the navigation.
  await page.getByRole('link', { name: pushed.digest }).click();
  await expect(page).toHaveURL(new RegExp(`#/ref/${host}/${repo}@${pushed.digest}$`));
  await expect(kind).toHaveText('Kubewarden policy');
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Registry' }).click();
  await expect(page).toHaveURL(/#\/registry$/);
  await expect(page.getByRole('heading', { name: 'Registry', level: 2 })).toBeVisible();

  await page.goBack();
  await expect(page).toHaveURL(new RegExp(`@${pushed.digest}$`));
  await expect(kind).toHaveText('Kubewarden policy');
  await page.goBack();
  await expect(page).toHaveURL(new RegExp(`#/ref/${host}/${repo}:v1\\.0\\.0$`));
  await expect(page.getByRole('heading', { level: 3, name: /Kubewarden policy/ })).toContainText(':v1.0.0');
  await page.goForward();
  await expect(page).toHaveURL(new RegExp(`@${pushed.digest}$`));
  await expect(page.getByRole('heading', { level: 3, name: /Kubewarden policy/ })).not.toContainText(
    ':v1.0.0',
  );
  await page.goForward();
  await expect(page.getByRole('heading', { name: 'Registry', level: 2 })).toBeVisible();
});
