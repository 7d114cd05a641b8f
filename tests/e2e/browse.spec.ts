// E2E: the Browse view against the real test registries. A catalog of 60 repositories over several pages; a
// repository of 40 tags of mixed kinds (pushed by skopeo from dir: layouts built here, and by the app) shown with
// the kinds, sizes, dates and titles that `skopeo inspect --raw` says; deletes cross-checked with skopeo; a
// catalog the token registry refuses; a registry that refuses deletes; two versions of a corpus policy compared;
// 100,000 tags rendered one page at a time. Requests are counted with page.on('request').
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Request } from '@playwright/test';
import { annotate, buildPolicyArtifact, pushPolicy, readMetadata } from '../../src/lib/kubewarden';
import { createRegistryClient, type BuiltArtifact } from '../../src/lib/oci';
import { freePort } from '../../scripts/lib/ports.mjs';
import { noAuthConfig, startRegistry } from '../../scripts/lib/registry.mjs';
import { startHugeRegistry, type HugeRegistry } from '../fixtures/huge-registry';
import { mixedRepository, policyModule, type MixedTag } from '../fixtures/mixed-repo';
import { test, expect, corpusPath, openFile, FIXTURES, ROOT } from './helpers';
import { gotoRegistry, hostOf, push, regs, SAFE_LABELS, skopeoRaw, type Reg } from './registry-helpers';

const SAMPLE = join(ROOT, 'public', 'sample', 'no-privileged-pods.wasm');
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const noauth = () => regs().noauth;

function record(page: Page): Request[] {
  const seen: Request[] = [];
  page.on('request', (r) => seen.push(r));
  return seen;
}
const manifestGets = (seen: Request[]) =>
  seen.filter((r) => r.method() === 'GET' && new URL(r.url()).pathname.includes('/manifests/'));

/** Writes `built` as a skopeo dir: layout (an index with its child manifests and their blobs). */
function writeDir(dir: string, built: BuiltArtifact, children: BuiltArtifact[] = []) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'version'), 'Directory Transport Version: 1.1\n');
  writeFileSync(join(dir, 'manifest.json'), built.manifestBytes);
  for (const child of children) {
    writeFileSync(join(dir, `${child.manifestDigest.slice(7)}.manifest.json`), child.manifestBytes);
    for (const b of child.blobs) writeFileSync(join(dir, b.digest.slice(7)), b.bytes);
  }
  for (const b of built.blobs) writeFileSync(join(dir, b.digest.slice(7)), b.bytes);
}

function skopeoCopy(dir: string, target: string, all: boolean) {
  execFileSync(
    'skopeo',
    [
      'copy',
      ...(all ? ['--all'] : []),
      '--preserve-digests',
      '--dest-tls-verify=false',
      `dir:${dir}`,
      `docker://${target}`,
    ],
    { stdio: 'pipe', timeout: 60_000 },
  );
}

/** What skopeo says the registry stores for a tag: its config plus layer sizes (null for an index). */
function storedSize(reg: Reg, repoTag: string): number | null {
  const m = JSON.parse(skopeoRaw(reg, repoTag)) as { config?: { size: number }; layers?: { size: number }[] };
  return m.config ? m.config.size + (m.layers ?? []).reduce((n, l) => n + l.size, 0) : null;
}

function skopeoFails(reg: Reg, repoTag: string): boolean {
  try {
    skopeoRaw(reg, repoTag);
    return false;
  } catch {
    return true;
  }
}

test('a catalog of 60 repositories is read over several pages, filtered, and links to each repository', async ({
  page,
  problems: _,
}) => {
  const prefix = `e2e-catalog-${unique()}`;
  const client = createRegistryClient({ baseUrl: noauth().url });
  const wasm = policyModule('catalog', '1.0.0', 10);
  for (let i = 0; i < 60; i++)
    await pushPolicy(client, `${hostOf(noauth())}/${prefix}/r${String(i).padStart(2, '0')}:v1`, wasm);

  await page.goto(`/#/registry/${hostOf(noauth())}`);
  await expect(page.getByRole('heading', { name: 'Browse', level: 2 })).toBeVisible();
  await expect(page.getByTestId('catalog-count')).toBeVisible();
  const seen = record(page);
  await page.getByLabel('Page size').selectOption('25');
  const more = page.getByRole('button', { name: 'Load more repositories' });
  await expect(page.getByTestId('catalog-count')).toHaveText(/^25 repositories read, more on the registry$/);
  while (await more.isVisible()) {
    await more.click();
    await expect(page.getByRole('status')).toHaveCount(0);
  }
  const catalog = seen.filter((r) => new URL(r.url()).pathname === '/v2/_catalog');
  // distribution 2.8 pages the catalog by n and links the next page (`last=`); 60 names need at least 3 pages.
  expect(catalog.length).toBeGreaterThanOrEqual(3);
  expect(new URL(catalog[0].url()).searchParams.get('n')).toBe('25');
  expect(catalog.slice(1).every((r) => new URL(r.url()).searchParams.has('last'))).toBe(true);
  await page.getByLabel('Filter repositories').fill(prefix);
  const list = page.getByRole('list', { name: 'Repositories' });
  await expect(list.getByRole('listitem')).toHaveCount(60);
  await list.getByRole('link', { name: `${prefix}/r42` }).click();
  await expect(page).toHaveURL(new RegExp(`#/repo/${hostOf(noauth())}/${prefix}/r42$`));
  await expect(page.getByRole('table', { name: `Tags of ${hostOf(noauth())}/${prefix}/r42` })).toBeVisible();
});

test.describe('a repository of 40 tags of mixed kinds', () => {
  const repo = `e2e-mixed-${unique()}/things`;
  let fixture: MixedTag[] = [];
  let work = '';

  test.beforeAll(async () => {
    fixture = await mixedRepository();
    work = mkdtempSync(join(tmpdir(), 'wasmlens-browse-'));
    // Every fixture tag through skopeo (children of an index first: they are tags of their own).
    const ordered = [...fixture.filter((m) => !m.children), ...fixture.filter((m) => m.children)];
    for (const [i, m] of ordered.entries()) {
      const dir = join(work, String(i));
      writeDir(dir, m.built, m.children);
      skopeoCopy(dir, `${hostOf(noauth())}/${repo}:${m.tag}`, !!m.children);
    }
  });
  test.afterAll(() => rmSync(work, { recursive: true, force: true }));

  test('shows each tag with the kind, size, date and title the registry stores; one manifest GET per row shown', async ({
    page,
    problems: _,
  }) => {
    test.setTimeout(180_000);
    const host = hostOf(noauth());
    // And four tags pushed by the app: a policy from the Registry view (twice), Kyverno and Flux from Artifacts.
    await page.goto('/');
    await openFile(page, SAMPLE);
    await gotoRegistry(page);
    await expect(page.getByTestId('default-registry')).toHaveText(/ — reachable$/);
    await push(page, `${host}/${repo}:app-1`);
    await push(page, `${host}/${repo}:app-2`);
    await page.goto('/#/artifacts');
    await page.getByText('Push Kyverno policies or a Flux artifact').click();
    await page
      .getByLabel('Kyverno policy files')
      .setInputFiles(join(FIXTURES, 'artifacts', 'kyverno-policies.yaml'));
    await page.getByLabel('Push Kyverno policies to').fill(`${host}/${repo}:app-kyverno`);
    await page.getByRole('button', { name: 'Push Kyverno policies' }).click();
    await expect(page.getByText(/Pushed .* as sha256:/)).toBeVisible();
    await page
      .getByLabel('Flux files')
      .setInputFiles([{ name: 'app.yaml', mimeType: 'text/yaml', buffer: Buffer.from('replicas: 1\n') }]);
    await page.getByLabel('Created').fill('2022-02-02T02:02:02Z');
    await page.getByLabel('Push Flux artifact to').fill(`${host}/${repo}:app-flux`);
    await page.getByRole('button', { name: 'Push Flux artifact' }).click();
    await expect(page.getByText(new RegExp(`Pushed ${host}/${repo}:app-flux as sha256:`))).toBeVisible();

    const seen = record(page);
    await page.goto(`/#/repo/${host}/${repo}`);
    const table = page.getByRole('table', { name: `Tags of ${host}/${repo}` });
    await expect(page.getByTestId('tag-count')).toHaveText('(40)');
    const rows = table.getByTestId('tag-row');
    await expect(rows).toHaveCount(25);
    await expect(page.getByText(/Reading manifests/)).toHaveCount(0);
    await expect(table.getByText('not read')).toHaveCount(0);
    expect(manifestGets(seen)).toHaveLength(25);

    await page.getByLabel('Rows per page').selectOption('50');
    await expect(rows).toHaveCount(40);
    await expect(table.getByText('not read')).toHaveCount(0);
    expect(manifestGets(seen)).toHaveLength(40);
    expect(new Set(manifestGets(seen).map((r) => r.url())).size).toBe(40);

    const expected = new Map(fixture.map((m) => [m.tag, m]));
    const badges: Record<string, string> = {
      'app-1': 'Kubewarden',
      'app-2': 'Kubewarden',
      'app-kyverno': 'Kyverno',
      'app-flux': 'Flux',
    };
    for (const tag of [...expected.keys(), ...Object.keys(badges)]) {
      const row = table.locator(`tr[data-tag="${tag}"]`);
      const want = expected.get(tag);
      await expect(row.locator('.badge[data-kind]'), tag).toHaveText(want?.badge ?? badges[tag]);
      const size = storedSize(noauth(), `${repo}:${tag}`);
      if (size === null) await expect(row.locator('td.num')).toHaveText('—');
      else
        await expect(row.locator('td.num span'), tag).toHaveAttribute(
          'title',
          new RegExp(`^${size.toLocaleString('en-US')} B`),
        );
      if (want?.created)
        await expect(row.locator('time'), tag).toHaveAttribute(
          'datetime',
          new Date(want.created).toISOString(),
        );
      if (want?.title) {
        await expect(row.locator('.title')).toHaveText(want.title);
        await expect(row.locator('.version')).toHaveText(want.version!);
      }
    }
    // The app's own policy push carries the sample's kwctl annotations.
    await expect(table.locator('tr[data-tag="app-1"] .title')).toHaveText(/no-privileged-pods/i);
    await expect(table.locator('tr[data-tag="app-flux"] time')).toHaveAttribute(
      'datetime',
      '2022-02-02T02:02:02.000Z',
    );

    // The execution mode is not in the manifest: reading it downloads the policy, once, on request.
    await table
      .getByRole('button', { name: 'Read the execution mode of v1.3.0 (downloads the policy)' })
      .click();
    await expect(table.locator('tr[data-tag="v1.3.0"] .mode')).toHaveText('wasi');

    // Sorting by date reorders the rows already read without another request.
    const before = manifestGets(seen).length;
    await table.getByRole('button', { name: 'Created' }).click();
    await expect(table.getByRole('columnheader', { name: 'Created' })).toHaveAttribute(
      'aria-sort',
      'descending',
    );
    // The newest date of the fixture: the Docker image's config says 2024-09-18.
    await expect(rows.first()).toHaveAttribute('data-tag', 'docker-8');
    await page.getByLabel('Filter tags').fill('flux');
    await expect(rows).toHaveCount(4);
    expect(manifestGets(seen).length).toBe(before + 0);

    // The digest copies; the tag links to the Artifacts view.
    await page.getByLabel('Filter tags').fill('v1.0.0');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await table.getByRole('button', { name: 'Copy the digest of v1.0.0' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
      expected.get('v1.0.0')!.built.manifestDigest,
    );
    // The cosign tag of v1.0.0 is known from the tag list: the row offers verification, and runs it only when asked.
    const row = table.locator('tr[data-tag="v1.0.0"]');
    await expect(row.getByTestId('signature-badge')).toHaveAttribute('data-state', 'idle');
    await row.getByRole('button', { name: 'Verify the signature of v1.0.0' }).click();
    // The fixture's signature tag holds no real signature: it ends, and says it is not verified.
    await expect(row.getByTestId('signature-badge')).toHaveAttribute(
      'data-state',
      /not-verified|failed|unsigned/,
    );
    await table.getByRole('link', { name: 'v1.0.0', exact: true }).click();
    await expect(page.getByTestId('artifact-kind')).toHaveText('Kubewarden policy');
    // And back from the Artifacts view to the table, which is still read: no request again.
    const read = manifestGets(seen).length;
    await page.getByRole('link', { name: `All tags of ${repo}` }).click();
    await expect(page.getByTestId('tag-count')).toHaveText('(40)');
    await expect(rows).toHaveCount(1);
    expect(manifestGets(seen).length).toBe(read);
  });
});

test('deleting a tag names every tag of its digest; skopeo then fails for them and finds the others', async ({
  page,
  problems: _,
}) => {
  const reg = noauth();
  const repo = `e2e-delete-${unique()}/x`;
  const work = mkdtempSync(join(tmpdir(), 'wasmlens-delete-'));
  try {
    const [gone, kept] = await Promise.all(
      [policyModule('gone', '1.0.0', 50), policyModule('kept', '2.0.0', 60)].map((wasm) =>
        buildPolicyArtifact(wasm, { 'io.kubewarden.policy.title': 'x' }),
      ),
    );
    writeDir(join(work, 'gone'), gone);
    writeDir(join(work, 'kept'), kept);
    for (const tag of ['old', 'also-old'])
      skopeoCopy(join(work, 'gone'), `${hostOf(reg)}/${repo}:${tag}`, false);
    skopeoCopy(join(work, 'kept'), `${hostOf(reg)}/${repo}:new`, false);

    await page.goto(`/#/repo/${hostOf(reg)}/${repo}`);
    const table = page.getByRole('table', { name: `Tags of ${hostOf(reg)}/${repo}` });
    await expect(table.getByTestId('tag-row')).toHaveCount(3);
    await expect(table.getByText('not read')).toHaveCount(0);
    const seen = record(page);
    await table.getByRole('button', { name: 'Delete old', exact: true }).click();
    const dialog = page.getByRole('alertdialog');
    await expect(dialog).toContainText(gone.manifestDigest);
    await expect(
      dialog.getByRole('list', { name: 'Tags that would be deleted' }).getByRole('listitem'),
    ).toHaveText(['also-old', 'old']);
    await expect(dialog.getByRole('button', { name: 'Keep it' })).toBeFocused();
    await dialog.getByRole('button', { name: 'Delete 2 tags and the manifest' }).click();
    await expect(page.getByTestId('deleted')).toContainText(gone.manifestDigest);
    const deletes = seen.filter((r) => r.method() === 'DELETE');
    expect(deletes.map((r) => new URL(r.url()).pathname)).toEqual([
      `/v2/${repo}/manifests/${gone.manifestDigest}`,
    ]);
    await expect(table.getByTestId('tag-row')).toHaveCount(1);

    expect(skopeoFails(reg, `${repo}:old`)).toBe(true);
    expect(skopeoFails(reg, `${repo}:also-old`)).toBe(true);
    expect(JSON.parse(skopeoRaw(reg, `${repo}:new`)).layers[0].digest).toBe(kept.blobs[0].digest);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('a registry that refuses deletes gets the explanation and the fix', async ({ page, problems: _ }) => {
  const work = mkdtempSync(join(tmpdir(), 'wasmlens-nodelete-'));
  const port = await freePort();
  const origin = new URL(process.env.WASMLENS_APP_URL!).origin;
  const reg = await startRegistry({
    name: 'nodelete',
    port,
    config: noAuthConfig({ port, origin, dataDir: join(work, 'data'), allowDelete: false }),
    workDir: work,
    dataDir: join(work, 'data'),
  });
  try {
    const host = `127.0.0.1:${port}`;
    await pushPolicy(
      createRegistryClient({ baseUrl: reg.url }),
      `${host}/kept/x:v1`,
      policyModule('k', '1.0.0', 5),
    );
    await page.goto(`/#/repo/${host}/kept/x`);
    await page.getByRole('button', { name: 'Delete v1', exact: true }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete the manifest' }).click();
    const failure = page.getByTestId('failure');
    await expect(failure).toHaveAttribute('data-code', 'delete-refused');
    await expect(failure).toContainText('This registry does not allow deletes');
    await expect(failure).toContainText('storage: { delete: { enabled: true } }');
    await expect(failure).toContainText('UNSUPPORTED');
  } finally {
    await reg.stop();
    rmSync(work, { recursive: true, force: true });
  }
});

test('the token registry refuses its catalog to an anonymous user; typing a repository opens its tags', async ({
  page,
  problems: _,
}) => {
  const token = regs().token;
  const repo = `public/e2e-browse-${unique()}`;
  await pushPolicy(
    createRegistryClient({ baseUrl: token.url, credentials: { username: 'dev', password: 'devpass' } }),
    `${hostOf(token)}/${repo}:v3`,
    policyModule('public-one', '3.0.0', 20),
  );
  await page.goto('/#/browse');
  await page.getByLabel('Registry host').fill(hostOf(token));
  await page.getByRole('button', { name: 'List repositories' }).click();
  await expect(page).toHaveURL(new RegExp(`#/registry/${hostOf(token)}$`));
  await expect(page.getByTestId('catalog-refused')).toContainText(
    `${hostOf(token)} does not list its repositories`,
  );
  await expect(page.getByTestId('failure')).toHaveAttribute('data-code', 'unauthorized');
  await expect(page.getByRole('form', { name: `Sign in to ${hostOf(token)}` })).toBeVisible();

  await page.getByRole('button', { name: 'Type a repository' }).click();
  await expect(page.getByLabel('Repository', { exact: true })).toBeFocused();
  await page.keyboard.type(repo);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`#/repo/${hostOf(token)}/${repo}$`));
  const row = page
    .getByRole('table', { name: `Tags of ${hostOf(token)}/${repo}` })
    .locator('tr[data-tag="v3"]');
  await expect(row.locator('.badge')).toHaveText('Kubewarden');
  await expect(row.locator('.title')).toHaveText('public-one');
});

test('a reference without a tag opens its repository’s tags, not latest', async ({ page, problems: _ }) => {
  const repo = `e2e-untagged-${unique()}/p`;
  await pushPolicy(
    createRegistryClient({ baseUrl: noauth().url }),
    `${hostOf(noauth())}/${repo}:v1`,
    policyModule('u', '1.0.0', 5),
  );
  const seen = record(page);
  await page.goto(`/#/ref/${hostOf(noauth())}/${repo}`);
  await expect(page).toHaveURL(new RegExp(`#/repo/${hostOf(noauth())}/${repo}$`));
  await expect(page.locator('tr[data-tag="v1"] .badge')).toHaveText('Kubewarden');
  expect(seen.some((r) => r.url().endsWith('/manifests/latest'))).toBe(false);
  await expect(page.getByTestId('failure')).toHaveCount(0);
});

test('two versions of a corpus policy annotated differently, compared from the tag table and by link', async ({
  page,
  problems: _,
}) => {
  const path = corpusPath(SAFE_LABELS);
  test.skip(!path, 'WASMLENS_CORPUS is not set');
  const original = new Uint8Array(readFileSync(path!));
  const base = readMetadata(original)!.metadata;
  const v1 = annotate(original, {
    ...base,
    annotations: { ...base.annotations, 'io.kubewarden.policy.version': '1.0.0' },
  });
  const v2 = annotate(original, {
    ...base,
    mutating: !base.mutating,
    rules: [
      ...base.rules,
      {
        apiGroups: ['apps'],
        apiVersions: ['v1'],
        resources: ['deployments'],
        operations: ['CREATE', 'UPDATE'],
      },
    ],
    annotations: { ...base.annotations, 'io.kubewarden.policy.version': '2.0.0' },
  });
  const repo = `${hostOf(noauth())}/e2e-diff-${unique()}/safe-labels`;
  const client = createRegistryClient({ baseUrl: noauth().url });
  const p1 = await pushPolicy(client, `${repo}:v1.0.0`, v1);
  await pushPolicy(client, `${repo}:v2.0.0`, v2);

  await page.goto(`/#/repo/${repo.replace(/^[^/]+\//, `${hostOf(noauth())}/`)}`);
  const table = page.getByRole('table', { name: `Tags of ${repo}` });
  await table.locator('tr[data-tag="v2.0.0"]').getByLabel('Compare').check();
  await table.locator('tr[data-tag="v1.0.0"]').getByLabel('Compare').check();
  await page.getByRole('button', { name: 'Compare v2.0.0 and v1.0.0' }).click();
  await expect(page).toHaveURL(new RegExp(`#/diff/${repo}:v1\\.0\\.0\\.\\.${repo}:v2\\.0\\.0$`));
  const check = async (page: Page) => {
    const compared = page.getByRole('table', { name: 'Compared policies' });
    await expect(compared).toContainText(`${repo}:v1.0.0`, { timeout: 30_000 });
    await expect(compared).toContainText(p1.digest.slice(0, 19));
    const meta = page.getByRole('table', { name: 'Metadata changes' });
    await expect(meta.getByRole('row', { name: /^mutating \(changed\)/ })).toContainText(
      `${base.mutating}${!base.mutating}`,
    );
    await expect(meta.getByRole('row', { name: /^execution mode/ })).toContainText('kubewarden-wapc');
    await expect(meta.getByRole('row', { name: /^execution mode/ })).toHaveAttribute('data-changed', 'false');
    await expect(page.getByRole('region', { name: 'Rules' })).toContainText(
      'added: CREATE,UPDATE apps/v1/deployments',
    );
    await expect(
      page
        .getByRole('table', { name: 'Annotation changes' })
        .getByRole('row', { name: /io.kubewarden.policy.version/ }),
    ).toContainText('1.0.02.0.0');
    const sections = page.getByRole('table', { name: 'Bytes per section' });
    await expect(sections.getByRole('row', { name: /io.kubewarden.metadata/ })).toHaveClass(/changed/);
    await expect(sections.getByRole('row', { name: /^code/ })).not.toHaveClass(/changed/);
    await expect(page.getByRole('region', { name: 'Imports' })).toContainText('No change');
    await expect(page.getByRole('region', { name: 'Exports' })).toContainText('No change');
  };
  await check(page);
  // The address alone opens the same comparison in a fresh page.
  const fresh = await page.context().newPage();
  await fresh.goto(page.url());
  await check(fresh);
});

test.describe('100,000 tags', () => {
  let huge: HugeRegistry;
  test.beforeAll(async () => {
    huge = await startHugeRegistry(100_000);
  });
  test.afterAll(() => huge.close());

  test('render one page of rows and read one manifest per row shown', async ({ page, problems: _ }) => {
    const seen = record(page);
    await page.goto(`/#/repo/${huge.host}/huge/repo`);
    await expect(page.getByTestId('tag-count')).toHaveText('(100000)', { timeout: 30_000 });
    const rows = page.getByTestId('tag-row');
    await expect(rows).toHaveCount(25);
    await expect(page.getByText('not read')).toHaveCount(0);
    expect(manifestGets(seen)).toHaveLength(25);
    await expect(page.getByTestId('tag-page')).toHaveText('Page 1 of 4000 · 100000 tags');
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect(page.getByTestId('tag-page')).toHaveText(/^Page 2 of 4000/);
    await expect(rows).toHaveCount(25);
    await page.getByLabel('Filter tags').fill('build-9999');
    await expect(rows).toHaveCount(11);
    await expect(page.getByText('not read')).toHaveCount(0);
    expect(manifestGets(seen).length).toBeLessThanOrEqual(25 + 25 + 11);
    expect(await page.locator('tr').count()).toBeLessThanOrEqual(12);
  });
});
