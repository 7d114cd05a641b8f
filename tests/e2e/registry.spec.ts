// E2E: the Registry view in Chromium against the real test registries (noauth, htpasswd via nginx, token),
// cross-checked with skopeo: kwctl's artifact layout, pull back into Inspect, skopeo-pushed artifacts, tags.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, openFile, corpusPath, FIXTURES } from './helpers';
import {
  SAFE_LABELS,
  EMPTY_CONFIG,
  canonical,
  sha256,
  regs,
  hostOf,
  gotoRegistry,
  addRegistry,
  push,
  pull,
  skopeoRaw,
  writePolicyDir,
} from './registry-helpers';

for (const name of ['noauth', 'htpasswd', 'token'] as const) {
  test.describe(`against the ${name} registry`, () => {
    test.skip(!corpusPath(SAFE_LABELS), 'WASMLENS_CORPUS is not set: corpus e2e tests skipped');

    test('push safe-labels in kwctl layout, skopeo agrees, pull it back into Inspect', async ({
      page,
      problems: _,
    }) => {
      const reg = regs()[name];
      const file = corpusPath(SAFE_LABELS)!;
      const wasm = readFileSync(file);
      await page.goto('/');
      await openFile(page, file);
      await gotoRegistry(page);
      if (reg.username)
        await addRegistry(page, { host: hostOf(reg), username: reg.username, password: reg.password });

      const repo = `e2e/${name}-pushed`;
      const immutable = await push(page, `${hostOf(reg)}/${repo}:v1.0.0`);
      expect(immutable).toMatch(
        new RegExp(`^${hostOf(reg).replace(/\./g, '\\.')}/${repo}@sha256:[0-9a-f]{64}$`),
      );

      const raw = skopeoRaw(reg, `${repo}:v1.0.0`);
      expect(sha256(raw)).toBe(immutable.split('@')[1]);
      const manifest = JSON.parse(raw);
      expect(manifest.mediaType).toBeUndefined();
      expect(manifest.schemaVersion).toBe(2);
      expect(manifest.config).toEqual({
        mediaType: 'application/vnd.wasm.config.v1+json',
        digest: EMPTY_CONFIG,
        size: 2,
      });
      expect(manifest.layers).toEqual([
        { mediaType: 'application/vnd.wasm.content.layer.v1+wasm', digest: sha256(wasm), size: wasm.length },
      ]);
      expect(manifest.annotations['io.kubewarden.policy.title']).toBe('safe-labels');
      expect(manifest.annotations['org.opencontainers.image.source']).toBe(
        'https://github.com/kubewarden/safe-labels-policy',
      );
      // The multi-line usage is dropped, as kwctl does.
      expect(manifest.annotations['io.kubewarden.policy.usage']).toBeUndefined();
      // Canonical JSON: sorted keys, no whitespace.
      expect(raw).toBe(canonical(manifest));

      // Pull it back in a fresh page (credentials added again: they were for this tab only).
      await page.goto('/#/registry');
      if (reg.username)
        await addRegistry(page, { host: hostOf(reg), username: reg.username, password: reg.password });
      await pull(page, `${hostOf(reg)}/${repo}:v1.0.0`);
      await expect(page).toHaveURL(/#\/inspect$/);
      // The repository name differs from the title, so "safe-labels" can only come from the pulled metadata.
      const details = page.getByTestId('inspect-details');
      await expect(details.getByRole('row', { name: 'title: safe-labels', exact: true })).toBeVisible();
      await expect(page.getByTestId('inspect-annotations').getByRole('row')).toHaveCount(7);

      await gotoRegistry(page);
      await expect(page.getByTestId('pulled-manifest-digest')).toHaveText(immutable.split('@')[1]);
      // kwctl's words for a policy with nothing attached, after a lookup that ended.
      await expect(page.getByTestId('signature-status')).toContainText(
        'Unsigned: No sigstore signatures found',
      );
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Download .wasm' }).click();
      const saved = await (await download).path();
      expect(sha256(readFileSync(saved))).toBe(sha256(wasm));
    });
  });
}

test('an artifact pushed by skopeo opens, and its tags list in semver order', async ({
  page,
  problems: _,
}) => {
  const { noauth } = regs();
  const wasm = readFileSync(join(FIXTURES, 'no-privileged-pods.wasm'));
  const dir = mkdtempSync(join(tmpdir(), 'wasmlens-e2e-skopeo-'));
  try {
    writePolicyDir(dir, wasm);
    for (const tag of ['v1.2.0', 'v1.10.0', 'v1.9.3'])
      execFileSync(
        'skopeo',
        ['copy', '--dest-tls-verify=false', `dir:${dir}`, `docker://${hostOf(noauth)}/e2e/skopeo:${tag}`],
        { timeout: 30_000, stdio: 'pipe' },
      );
    const digest = sha256(skopeoRaw(noauth, 'e2e/skopeo:v1.2.0'));

    await page.goto('/#/registry');
    await pull(page, `${hostOf(noauth)}/e2e/skopeo:v1.2.0`);
    await expect(page).toHaveURL(/#\/inspect$/);
    await gotoRegistry(page);
    await expect(page.getByTestId('pulled-manifest-digest')).toHaveText(digest);
    // By digest too: the same manifest, verified against the digest asked for.
    await pull(page, `${hostOf(noauth)}/e2e/skopeo@${digest}`);
    await expect(page).toHaveURL(/#\/inspect$/);
    await gotoRegistry(page);
    await expect(page.getByTestId('pulled-reference')).toHaveText(`${hostOf(noauth)}/e2e/skopeo@${digest}`);

    await page
      .getByRole('form', { name: 'Pull a policy' })
      .getByLabel('Reference (tag or digest)')
      .fill(`${hostOf(noauth)}/e2e/skopeo`);
    await page.getByRole('button', { name: 'List tags' }).click();
    const tags = page.getByRole('list', { name: 'Tags' }).getByRole('listitem');
    await expect(tags).toHaveCount(3);
    const order = (await tags.locator('code').allTextContents()).map((t) => t.trim());
    // Semver-aware: v1.10.0 sorts as newer than v1.9.3, which a plain string sort gets wrong.
    expect(order.indexOf('v1.10.0') - order.indexOf('v1.9.3')).toBe(
      order.indexOf('v1.9.3') - order.indexOf('v1.2.0'),
    );
    await page.getByRole('button', { name: 'Open tag v1.10.0' }).click();
    await expect(page).toHaveURL(/#\/inspect$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unannotated policy is refused unless "Push anyway"; Rego without metadata always', async ({
  page,
  problems: _,
}) => {
  const { noauth } = regs();
  await page.goto('/');
  await openFile(page, join(FIXTURES, 'minimal.wasm'));
  await gotoRegistry(page);
  await expect(page.getByTestId('push-refusal')).toHaveText(
    'Cannot push a policy that is not annotated. Use `annotate` command or `push --force`',
  );
  const pushButton = page.getByRole('button', { name: 'Push', exact: true });
  await expect(pushButton).toBeDisabled();
  await page.getByLabel('Push anyway').check();
  await expect(page.getByText('Warning: pushing a non-annotated policy!')).toBeVisible();
  const immutable = await push(page, `${hostOf(noauth)}/e2e/forced:1`);
  const manifest = JSON.parse(skopeoRaw(noauth, 'e2e/forced:1'));
  expect(sha256(canonical(manifest))).toBe(immutable.split('@')[1]);
  expect(manifest.annotations).toBeUndefined();

  const rego = corpusPath('kw-opa-rego-no-default-namespace-unannotated.wasm');
  test.skip(!rego, 'WASMLENS_CORPUS is not set: the Rego refusal needs the corpus');
  await openFile(page, rego!);
  await gotoRegistry(page);
  await expect(page.getByTestId('push-refusal')).toContainText('not annotated');
  await page.getByLabel('Push anyway').check();
  await expect(page.getByText('Rego policies cannot be pushed without metadata')).toBeVisible();
  await expect(pushButton).toBeDisabled();
});
