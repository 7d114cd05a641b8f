// E2E: carrying policies across an air gap. Save for offline writes one OCI layout tar that skopeo copies out
// reference by reference with the same digests (`skopeo inspect --raw` is the oracle); a layout skopeo wrote, with
// an index, opens with the network off in Artifacts, Explorer, Inspect and Evaluate, then pushes to the token
// registry; a copy between registries carries the cosign signature and the referrer; and tampered layouts get a
// clear error and send nothing at all.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Request } from '@playwright/test';
import { createRegistryClient } from '../../src/lib/oci';
import { seed, type Seeded } from '../fixtures/layouts/seed';
import { test, expect, corpusPath, visitUntilOfflineReady } from './helpers';
import { addRegistry, gotoRegistry, hostOf, regs, sha256, skopeoRaw, SAFE_LABELS } from './registry-helpers';

const GATEKEEPER = 'kw-opa-gatekeeper-always-unhappy-annotated-kwctl1.16.1.wasm';
const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const work = mkdtempSync(join(tmpdir(), 'wasmlens-e2e-layouts-'));
test.afterAll(() => rmSync(work, { recursive: true, force: true }));

let seeded: Seeded | null = null;
/** The seed (two corpus policies, a Kyverno artifact, an index, a signature and a referrer), pushed once. */
async function seededOnce(): Promise<Seeded> {
  const a = corpusPath(SAFE_LABELS);
  const b = corpusPath(GATEKEEPER);
  test.skip(!a || !b, 'WASMLENS_CORPUS is not set');
  seeded ??= await seed(
    createRegistryClient({ baseUrl: regs().noauth.url }),
    hostOf(regs().noauth),
    `e2e-layouts-${run}`,
    readFileSync(a!),
    readFileSync(b!),
  );
  return seeded;
}

/** Requests to anything but the app itself (registries, token services). */
function registryRequests(page: Page): Request[] {
  const app = new URL(process.env.WASMLENS_APP_URL!).origin;
  const seen: Request[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.protocol.startsWith('http') && url.origin !== app) seen.push(r);
  });
  return seen;
}

async function openLayoutTar(page: Page, path: string) {
  await page.getByLabel('Open a layout tar').setInputFiles(path);
}

const skopeo = (...args: string[]) => execFileSync('skopeo', args, { stdio: 'pipe', timeout: 60_000 });

test('Save for offline: two policies, a Kyverno artifact and an index in one tar that skopeo copies out', async ({
  page,
  problems: _,
}) => {
  const s = await seededOnce();
  const noauth = hostOf(regs().noauth);
  await page.goto('/');
  await gotoRegistry(page);
  const seen = registryRequests(page);
  const save = page.getByRole('region', { name: 'Save for offline' });
  await save.getByLabel('References to save, one per line').fill(Object.values(s.refs).join('\n'));
  const download = page.waitForEvent('download');
  await save.getByRole('button', { name: 'Save for offline' }).click();
  const tar = join(work, 'saved.tar');
  await (await download).saveAs(tar);
  await expect(save.getByTestId('layout-saved')).toContainText('4 references');
  // Saving only reads.
  expect(seen.length).toBeGreaterThan(0);
  expect(seen.filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method()))).toEqual([]);

  // GNU tar sees a plain layout; its index.json names every reference and the attachments.
  const listing = execFileSync('tar', ['-tf', tar], { encoding: 'utf8' }).split('\n');
  expect(listing).toContain('oci-layout');
  expect(listing).toContain('index.json');
  const index = JSON.parse(execFileSync('tar', ['-xOf', tar, 'index.json'], { encoding: 'utf8' }));
  const names: string[] = index.manifests.map(
    (m: { annotations: Record<string, string> }) => m.annotations['org.opencontainers.image.ref.name'],
  );
  const sigName = `${s.refs.a.replace(/:v1$/, '')}:${s.digests.a.replace(':', '-')}.sig`;
  expect(names).toEqual(expect.arrayContaining([...Object.values(s.refs), sigName]));

  for (const [name, digest] of [
    [s.refs.a, s.digests.a],
    [s.refs.b, s.digests.b],
    [s.refs.kyverno, s.digests.kyverno],
    [s.refs.multi, s.digests.multi],
    [sigName, s.signatures.sig],
  ] as const) {
    const repoTag = `fresh-${run}/${name.split('/').slice(2).join('/')}`;
    skopeo(
      'copy',
      '--all',
      '--dest-tls-verify=false',
      `oci-archive:${tar}:${name}`,
      `docker://${noauth}/${repoTag}`,
    );
    expect(sha256(skopeoRaw(regs().noauth, repoTag))).toBe(digest);
  }
  for (const child of s.children)
    expect(sha256(skopeoRaw(regs().noauth, `fresh-${run}/multi@${child}`))).toBe(child);
});

test('a layout skopeo wrote (an index) opens with the network off everywhere, then pushes to the token registry', async ({
  page,
  context,
  problems: _,
}) => {
  const s = await seededOnce();
  const tar = join(work, 'by-skopeo.tar');
  skopeo('copy', '--all', '--src-tls-verify=false', `docker://${s.refs.multi}`, `oci-archive:${tar}:multi`);

  await visitUntilOfflineReady(page);
  const seen = registryRequests(page);
  await context.setOffline(true);
  try {
    await gotoRegistry(page);
    await openLayoutTar(page, tar);
    const entries = page.getByRole('table', { name: 'Layout entries' });
    await expect(entries.getByRole('row')).toHaveCount(2);
    await expect(entries).toContainText('Multi-platform image index (2 manifests)');

    await entries.getByRole('link', { name: 'Open multi in Artifacts' }).click();
    await expect(page.getByTestId('artifact-kind')).toContainText(/index/i);
    await expect(page.getByTestId('artifact-from-layout')).toContainText('by-skopeo.tar');
    // A child, through its link in the index, from the layout too.
    await page
      .getByRole('link', { name: new RegExp(s.children[0]!.slice(7, 19)) })
      .first()
      .click();
    await expect(page.getByTestId('artifact-kind')).toHaveText(/Kubewarden policy/);
    await expect(page.getByTestId('artifact-from-layout')).toBeVisible();

    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Registry' }).click();
    await page.getByRole('button', { name: 'Open multi in Inspect' }).click();
    await expect(page).toHaveURL(/#\/inspect$/);
    // The index's first child is the safe-labels policy (corpus README: title `safe-labels`).
    await expect(page.getByRole('heading', { name: /^Inspect /, level: 2 })).toBeVisible();
    await expect(page.getByText('safe-labels', { exact: true }).first()).toBeVisible();
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Registry' }).click();
    await page.getByRole('button', { name: 'Open multi in Evaluate' }).click();
    await expect(page).toHaveURL(/#\/evaluate$/);
    await expect(page.getByRole('heading', { name: 'Evaluate', level: 2 })).toBeVisible();
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Registry' }).click();
    await page.getByRole('button', { name: 'Open multi in Explorer' }).click();
    await expect(page.getByTestId('summary-kind')).toHaveText('Core module');
    expect(seen.map((r) => r.url())).toEqual([]);
  } finally {
    await context.setOffline(false);
  }

  // Back online: push the whole layout to the token registry.
  const token = regs().token;
  await gotoRegistry(page);
  await addRegistry(page, { host: hostOf(token), username: token.username, password: token.password });
  const push = page.getByRole('form', { name: 'Push the layout' });
  await push.getByLabel('Target registry').fill(hostOf(token));
  await push.getByLabel('Repository for entries that name none').fill(`imported-${run}/multi`);
  await expect(push.getByLabel('Push multi to')).toHaveValue(`${hostOf(token)}/imported-${run}/multi:multi`);
  await push.getByRole('button', { name: 'Push layout' }).click();
  await expect(push.getByTestId('layout-pushed')).toBeVisible({ timeout: 30_000 });
  expect(sha256(skopeoRaw(token, `imported-${run}/multi:multi`))).toBe(s.digests.multi);
  for (const child of s.children)
    expect(sha256(skopeoRaw(token, `imported-${run}/multi@${child}`))).toBe(child);
});

test('copy from the no-auth to the token registry carries the signature tag and the referrer', async ({
  page,
  problems: _,
}) => {
  const s = await seededOnce();
  const token = regs().token;
  await page.goto('/');
  await gotoRegistry(page);
  await addRegistry(page, { host: hostOf(token), username: token.username, password: token.password });
  const copy = page.getByRole('form', { name: 'Copy a reference' });
  await copy.getByLabel('Copy from').fill(s.refs.a);
  await copy.getByLabel('Copy to').fill(`${hostOf(token)}/copied-${run}/safe-labels:v1`);
  await copy.getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(copy.getByTestId('layout-copied')).toContainText(s.digests.a, { timeout: 30_000 });
  const repo = `copied-${run}/safe-labels`;
  expect(sha256(skopeoRaw(token, `${repo}:v1`))).toBe(s.digests.a);
  expect(sha256(skopeoRaw(token, `${repo}:${s.digests.a.replace(':', '-')}.sig`))).toBe(s.signatures.sig);
  // distribution has no referrers API: the copy keeps the fallback tag, listing the referrer.
  const fallback = JSON.parse(skopeoRaw(token, `${repo}:${s.digests.a.replace(':', '-')}`));
  expect(fallback.manifests.map((m: { digest: string }) => m.digest)).toEqual([s.signatures.referrer]);
  expect(sha256(skopeoRaw(token, `${repo}@${s.signatures.referrer}`))).toBe(s.signatures.referrer);
});

test.describe('tampered layouts', () => {
  /** The skopeo-written layout of the seeded policy, unpacked for damage. */
  async function layoutDir(): Promise<{ dir: string; s: Seeded }> {
    const s = await seededOnce();
    const dir = join(work, `t-${Math.random().toString(36).slice(2, 8)}`);
    mkdirSync(dir);
    skopeo('copy', '--src-tls-verify=false', `docker://${s.refs.a}`, `oci:${dir}:safe-labels`);
    return { dir, s };
  }
  const pack = (dir: string) => {
    execFileSync('tar', ['-cf', `${dir}.tar`, '-C', dir, '.']);
    return `${dir}.tar`;
  };
  const wasmOf = (dir: string) => {
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
    const m = JSON.parse(readFileSync(join(dir, 'blobs/sha256', index.manifests[0].digest.slice(7)), 'utf8'));
    return join(dir, 'blobs/sha256', m.layers[0].digest.slice(7));
  };

  const cases: [string, (dir: string) => string, RegExp][] = [
    [
      'a blob whose bytes do not match',
      (dir) => {
        const path = wasmOf(dir);
        const bytes = readFileSync(path);
        bytes[100] ^= 0xff;
        writeFileSync(path, bytes);
        return pack(dir);
      },
      /a blob was changed/,
    ],
    [
      'a missing blob',
      (dir) => {
        unlinkSync(wasmOf(dir));
        return pack(dir);
      },
      /The layout is incomplete/,
    ],
    [
      'an index.json pointing nowhere',
      (dir) => {
        const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
        index.manifests[0].digest = `sha256:${'0'.repeat(64)}`;
        writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
        return pack(dir);
      },
      /index\.json points nowhere/,
    ],
    [
      'a ../ name in the tar',
      (dir) => {
        const tar = pack(dir);
        execFileSync('python3', [
          '-c',
          `import tarfile,io,sys\nt=tarfile.open(sys.argv[1],'a')\ni=tarfile.TarInfo('../../escape.sh');i.size=2\nt.addfile(i,io.BytesIO(b'hi'));t.close()`,
          tar,
        ]);
        return tar;
      },
      /land outside the layout/,
    ],
  ];
  for (const [what, damage, title] of cases)
    test(`${what}: a clear error, and nothing is sent`, async ({ page, problems: _ }) => {
      const { dir } = await layoutDir();
      const tar = damage(dir);
      await page.goto('/');
      await gotoRegistry(page);
      // The view's one probe of the default registry goes first; from here on nothing may reach a registry.
      await expect(page.getByTestId('default-registry')).toBeVisible();
      const seen = registryRequests(page);
      await openLayoutTar(page, tar);
      const failure = page.getByTestId('failure');
      await expect(failure).toBeVisible();
      await expect(failure.locator('strong')).toHaveText(title);
      await expect(failure).toContainText('Fix:');
      await expect(page.getByRole('form', { name: 'Push the layout' })).toHaveCount(0);
      await expect(page.getByRole('table', { name: 'Layout entries' })).toHaveCount(0);
      expect(seen.map((r) => r.url())).toEqual([]);
    });

  test('a folder drop of an intact layout opens; the same folder with a changed blob is refused', async ({
    page,
    problems: _,
  }) => {
    const { dir } = await layoutDir();
    await page.goto('/');
    await gotoRegistry(page);
    await page.getByLabel('Open a layout folder').setInputFiles(dir);
    await expect(page.getByRole('table', { name: 'Layout entries' }).getByRole('row')).toHaveCount(2);
    const path = wasmOf(dir);
    const bytes = readFileSync(path);
    bytes[10] ^= 1;
    writeFileSync(path, bytes);
    await page.getByLabel('Open a layout folder').setInputFiles(dir);
    await expect(page.getByTestId('failure').locator('strong')).toHaveText(/a blob was changed/);
  });
});
