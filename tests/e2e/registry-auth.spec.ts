// E2E: the Registry view's credentials and failures in Chromium: remember or not, wrong password, missing
// permission, a token service on another host, a registry without CORS, cancel, the default registry, axe.
import AxeBuilder from '@axe-core/playwright';
import { join } from 'node:path';
import { test, expect, openFile, FIXTURES } from './helpers';
import { regs, hostOf, gotoRegistry, addRegistry } from './registry-helpers';

test('wrong password and missing permission are explained', async ({ page, problems: _ }) => {
  const { htpasswd, token } = regs();
  const reader = token.users?.find((u) => !u.actions.includes('push'));
  test.skip(!reader, 'the token registry has no pull-only user');
  await page.goto('/');
  await openFile(page, join(FIXTURES, 'no-privileged-pods.wasm'));
  await gotoRegistry(page);
  // The fixture has no metadata: push it forced, which kwctl allows for non-Rego modules.
  await page.getByLabel('Push anyway').check();
  await addRegistry(page, { host: hostOf(htpasswd), username: 'dev', password: 'not-the-password' });
  await page
    .getByRole('form', { name: 'Push the open policy' })
    .getByLabel('Push to reference')
    .fill(`${hostOf(htpasswd)}/e2e/denied:1`);
  await page.getByRole('button', { name: 'Push', exact: true }).click();
  await expect(page.getByTestId('failure')).toContainText('Wrong or missing credentials');

  await addRegistry(page, { host: hostOf(token), username: reader!.username, password: reader!.password });
  await page
    .getByRole('form', { name: 'Push the open policy' })
    .getByLabel('Push to reference')
    .fill(`${hostOf(token)}/e2e/denied:1`);
  await page.getByRole('button', { name: 'Push', exact: true }).click();
  await expect(page.getByTestId('failure')).toContainText('Missing permission');
});

test("a registry without CORS gets the diagnosis with this page's origin in the config", async ({
  page,
  problems: _,
}) => {
  const { nocors } = regs();
  await page.goto('/');
  await openFile(page, join(FIXTURES, 'no-privileged-pods.wasm'));
  await gotoRegistry(page);
  await page.getByLabel('Push anyway').check();
  await page
    .getByRole('form', { name: 'Push the open policy' })
    .getByLabel('Push to reference')
    .fill(`${hostOf(nocors)}/e2e/nocors:1`);
  await page.getByRole('button', { name: 'Push', exact: true }).click();
  const failure = page.getByTestId('failure');
  await expect(failure).toContainText(/CORS/i);
  const origin = new URL(page.url()).origin;
  await expect(page.getByTestId('cors-distribution-config')).toContainText(origin);
  await expect(page.getByTestId('cors-nginx-recipe')).toContainText(origin);

  // A port where nothing listens is "unreachable", not a CORS problem.
  await page.getByLabel('Push to reference').fill('127.0.0.1:9/e2e/nothing:1');
  await page.getByRole('button', { name: 'Push', exact: true }).click();
  await expect(failure).toContainText(/could not be reached|unreachable/i);
  await expect(page.getByTestId('cors-distribution-config')).toHaveCount(0);
});

test('credentials survive a reload only when "remember" was on', async ({ page, problems: _ }) => {
  const consoleText: string[] = [];
  page.on('console', (m) => consoleText.push(m.text()));
  await page.goto('/#/registry');
  await addRegistry(page, {
    host: 'remembered.example.com',
    username: 'alice',
    password: 's3cret-remembered',
    remember: true,
  });
  await addRegistry(page, { host: 'tab-only.example.com', username: 'bob', password: 's3cret-tab-only' });
  const entries = page.getByTestId('registry-entry');
  await expect(entries).toHaveCount(2);
  await page.reload();
  await expect(entries).toHaveCount(1);
  await expect(entries.first()).toContainText('remembered.example.com');
  await expect(entries.first()).toContainText('alice');
  // Never in localStorage or the URL.
  const local = await page.evaluate(() => JSON.stringify({ ...localStorage }));
  expect(local).not.toContain('s3cret');
  expect(page.url()).not.toContain('s3cret');
  expect(consoleText.join('\n')).not.toContain('s3cret');

  // A base URL carrying credentials is refused: they belong in the credential fields only.
  const form = page.getByRole('form', { name: 'Add a registry' });
  await form.getByLabel('Registry host').fill('proxied.example.com');
  await form.getByLabel('API base URL or proxy (optional)').fill('https://eve:pw@proxy.example.com');
  await form.getByRole('button', { name: 'Add registry' }).click();
  await expect(
    page.getByText('Could not save proxied.example.com: Put credentials in the username'),
  ).toBeVisible();
  await form.getByLabel('API base URL or proxy (optional)').fill('');
  await addRegistry(page, { host: 'other.example.com', username: 'carol', password: 'x', remember: true });
  await page.getByRole('button', { name: 'Forget other.example.com' }).click();
  await expect(entries).toHaveCount(1);
  await page.reload();
  await expect(entries).toHaveCount(1);
  await page.getByRole('button', { name: 'Forget all registries' }).click();
  await page.getByRole('button', { name: 'Yes, forget everything' }).click();
  await expect(entries).toHaveCount(0);
  await page.reload();
  await expect(page.getByText('No registries added.')).toBeVisible();
});

test('the default local registry is shown as reachable and prefills references', async ({
  page,
  problems: _,
}) => {
  const { noauth } = regs();
  await page.goto('/');
  await openFile(page, join(FIXTURES, 'no-privileged-pods.wasm'));
  await gotoRegistry(page);
  await expect(page.getByTestId('default-registry')).toHaveText(
    `Local registry ${hostOf(noauth)} — reachable`,
  );
  await expect(
    page.getByRole('form', { name: 'Push the open policy' }).getByLabel('Push to reference'),
  ).toHaveValue(`${hostOf(noauth)}/policies/no-privileged-pods:latest`);
});

test('credentials go to a token service on another host only after the user agrees', async ({
  page,
  problems: _,
}) => {
  const { token } = regs();
  // The registry is named by "localhost" while its realm says 127.0.0.1: another origin for the browser.
  const host = `localhost:${token.port}`;
  await page.goto('/');
  await openFile(page, join(FIXTURES, 'no-privileged-pods.wasm'));
  await gotoRegistry(page);
  await page.getByLabel('Push anyway').check();
  await addRegistry(page, { host, username: token.username, password: token.password });
  const form = page.getByRole('form', { name: 'Push the open policy' });
  await form.getByLabel('Push to reference').fill(`${host}/e2e/realm:1`);
  await form.getByRole('button', { name: 'Push', exact: true }).click();
  const ask = page.getByRole('alertdialog', { name: 'Send your credentials to another host?' });
  await expect(ask).toContainText(`http://127.0.0.1:${token.port}/`);
  await ask.getByRole('button', { name: 'Send credentials' }).click();
  await expect(page.getByTestId('pushed-reference')).toHaveText(
    new RegExp(`^${host}/e2e/realm@sha256:[0-9a-f]{64}$`),
  );
});

test('a push shows labelled progress and can be cancelled', async ({ page, problems: _ }) => {
  const { noauth } = regs();
  await page.goto('/');
  await openFile(page, join(FIXTURES, 'no-privileged-pods.wasm'));
  await gotoRegistry(page);
  await page.getByLabel('Push anyway').check();
  // Hold every upload request so the push is still running when Cancel is pressed.
  let held = 0;
  await page.route('**/blobs/uploads/**', async (route) => {
    held++;
    await new Promise((r) => setTimeout(r, 3000));
    await route.continue().catch(() => {});
  });
  const form = page.getByRole('form', { name: 'Push the open policy' });
  await form.getByLabel('Push to reference').fill(`${hostOf(noauth)}/e2e/cancelled:1`);
  await form.getByRole('button', { name: 'Push', exact: true }).click();
  await expect(page.getByLabel('Push progress')).toBeVisible();
  await expect.poll(() => held).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Cancel push' }).click();
  await expect(page.getByLabel('Push progress')).toBeHidden();
  await expect(page.getByTestId('failure')).toHaveCount(0);
  await expect(page.getByTestId('pushed-reference')).toHaveCount(0);
  await expect(form.getByRole('button', { name: 'Push', exact: true })).toBeEnabled();
  // Nothing was tagged.
  const tags = await fetch(`${noauth.url}/v2/e2e/cancelled/tags/list`);
  expect(tags.status).toBe(404);
});

test('the Registry view, with a failure explained, has no axe violations', async ({ page, problems: _ }) => {
  const { nocors } = regs();
  await page.goto('/');
  await openFile(page, join(FIXTURES, 'no-privileged-pods.wasm'));
  await gotoRegistry(page);
  await page.getByLabel('Push anyway').check();
  await addRegistry(page, { host: 'axe.example.com', username: 'a', password: 'b' });
  await page.getByLabel('Push to reference').fill(`${hostOf(nocors)}/e2e/axe:1`);
  await page.getByRole('button', { name: 'Push', exact: true }).click();
  await expect(page.getByTestId('failure')).toBeVisible();
  const axe = await new AxeBuilder({ page }).include('main').analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(' ')})`)).toEqual(
    [],
  );
});
