// "Remember on this device" in Chromium (issue 19): the form says the password would be stored unencrypted, a
// passphrase keeps only ciphertext in IndexedDB, and after a reload the passphrase is asked once to unlock.
import { test, expect, storedValues } from './helpers';
import { gotoRegistry } from './registry-helpers';

/** Everything the registries database holds, as text (bytes as their length), read the way another script could. */
const storedText = async (page: import('@playwright/test').Page) =>
  JSON.stringify(await storedValues(page, 'wasmlens-registries', 'registries'), (_, v: unknown) =>
    v && typeof v === 'object' && 'byteLength' in v ? `bytes(${String(v.byteLength)})` : v,
  );

test('a passphrase keeps remembered passwords encrypted, and is asked once after a reload', async ({
  page,
  problems: _,
}) => {
  await page.goto('/');
  await gotoRegistry(page);
  const form = page.getByRole('form', { name: 'Add a registry' });
  const remember = form.getByLabel('Remember on this device');
  // Said where the choice is made, before anything is stored.
  await expect(remember).toHaveAccessibleDescription(/stored unencrypted in this browser’s storage/);
  await form.getByLabel('Registry host').fill('vault.example.com');
  await form.getByLabel('Username').fill('alice');
  await form.getByLabel('Password or token').fill('s3cret-in-vault');
  await remember.check();
  await form.getByLabel('Passphrase (optional)').fill('a long passphrase');
  await form.getByRole('button', { name: 'Add registry' }).click();
  await expect(
    page.getByText('Saved vault.example.com on this device, encrypted with your passphrase.'),
  ).toBeVisible();
  const stored = await storedText(page);
  expect(stored).toContain('vault.example.com');
  expect(stored).not.toContain('s3cret-in-vault');
  expect(stored).not.toContain('a long passphrase');

  await page.reload();
  const unlock = page.getByRole('form', { name: 'Unlock remembered credentials' });
  await expect(unlock).toBeVisible();
  await expect(page.getByTestId('registry-entry')).toContainText('remembered, encrypted (locked)');
  await unlock.getByLabel('Passphrase').fill('not it');
  await unlock.getByRole('button', { name: 'Unlock' }).click();
  await expect(unlock.getByRole('alert')).toHaveText(
    'That is not the passphrase of the remembered credentials.',
  );
  await unlock.getByLabel('Passphrase').fill('a long passphrase');
  await unlock.getByRole('button', { name: 'Unlock' }).click();
  await expect(unlock).toHaveCount(0);
  await expect(page.getByTestId('registry-entry')).toContainText('remembered on this device, encrypted');
  // Once unlocked, the form says where new secrets go; no second passphrase is asked.
  await expect(
    page.getByRole('form', { name: 'Add a registry' }).getByLabel('Remember on this device'),
  ).toHaveAccessibleDescription(/kept encrypted with your passphrase/);
});
