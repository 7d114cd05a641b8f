// Artifact explorer against the real no-auth registry: Kyverno and Flux pushes cross-checked with skopeo and
// GNU tar, and an index whose digest links lead to the child manifests.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { buildFluxArtifact } from '../../src/lib/artifacts';
import { test, expect, registries, FIXTURES } from './helpers';

const reg = () => registries().noauth!;
const host = () => `127.0.0.1:${reg().port}`;
const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const unique = (name: string) => `${name}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;

/** Uploads a blob straight to the registry (test setup only; the app is what is under test). */
async function putBlob(repo: string, bytes: Buffer): Promise<string> {
  const digest = sha(bytes);
  const start = await fetch(`${reg().url}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  expect(start.status).toBe(202);
  const url = new URL(start.headers.get('location')!, start.url);
  url.searchParams.set('digest', digest);
  const done = await fetch(url, {
    method: 'PUT',
    body: new Uint8Array(bytes),
    headers: { 'Content-Type': 'application/octet-stream' },
  });
  expect(done.status).toBe(201);
  return digest;
}

async function putManifest(repo: string, tag: string, mediaType: string, body: unknown) {
  const bytes = Buffer.from(JSON.stringify(body));
  const res = await fetch(`${reg().url}/v2/${repo}/manifests/${tag}`, {
    method: 'PUT',
    body: new Uint8Array(bytes),
    headers: { 'Content-Type': mediaType },
  });
  expect(res.status, await res.text()).toBe(201);
  return { digest: sha(bytes), size: bytes.length };
}

test('pushed Kyverno policies are listed by name when the reference is opened', async ({
  page,
  problems: _,
}) => {
  const ref = `${host()}/${unique('kyverno')}:v1`;
  await page.goto('/#/artifacts');
  await page.getByText('Push Kyverno policies or a Flux artifact').click();
  await page
    .getByLabel('Kyverno policy files')
    .setInputFiles(join(FIXTURES, 'artifacts', 'kyverno-policies.yaml'));
  const listed = page.getByRole('list', { name: 'Policies to push' });
  await expect(listed).toContainText('ClusterPolicy require-labels');
  await expect(listed).toContainText('Policy disallow-latest');
  await page.getByLabel('Push Kyverno policies to').fill(ref);
  await page.getByRole('button', { name: 'Push Kyverno policies' }).click();
  await expect(page.getByText(/Pushed .* as sha256:/)).toBeVisible();

  await page.goto(`/#/ref/${ref}`);
  await expect(page.getByTestId('artifact-kind')).toHaveText('Kyverno policies (2)');
  const policies = page.getByRole('list', { name: 'Kyverno policies' });
  await expect(policies).toContainText('ClusterPolicy require-labels');
  await expect(policies).toContainText('Policy disallow-latest');
  // A layer opens as YAML documents with kind and name.
  await page.getByRole('button', { name: 'View layer 2' }).click();
  const docs = page.getByRole('list', { name: 'YAML documents' });
  await expect(docs).toContainText('Policy');
  await expect(docs).toContainText('disallow-latest');
  await expect(docs).toContainText('namespace apps');
  const { violations } = await new AxeBuilder({ page }).include('main').analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`)).toEqual([]);

  // The registry stored exactly the Kyverno layout.
  const raw = JSON.parse(
    execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`], {
      encoding: 'utf8',
    }),
  );
  expect(raw.config.mediaType).toBe('application/vnd.cncf.kyverno.config.v1+json');
  expect(
    raw.layers.map((l: { annotations: Record<string, string> }) => l.annotations['io.kyverno.image.name']),
  ).toEqual(['require-labels', 'disallow-latest']);
});

test('a Flux artifact is pushed as a tar+gzip that skopeo copies and tar lists', async ({
  page,
  problems: _,
}) => {
  const ref = `${host()}/${unique('flux')}:main`;
  await page.goto('/#/artifacts');
  await page.getByText('Push Kyverno policies or a Flux artifact').click();
  await page.getByLabel('Flux files').setInputFiles([
    { name: 'kustomization.yaml', mimeType: 'text/yaml', buffer: Buffer.from('resources: [release.yaml]\n') },
    {
      name: 'release.yaml',
      mimeType: 'text/yaml',
      buffer: Buffer.from('kind: HelmRelease\nmetadata:\n  name: podinfo\n'),
    },
  ]);
  await expect(page.getByRole('list', { name: 'Files to package' })).toContainText('release.yaml');
  await page.getByLabel('Source').fill('https://github.com/example/fleet');
  await page.getByLabel('Revision').fill('main@sha1:0123456789abcdef0123456789abcdef01234567');
  await page.getByLabel('Created').fill('2024-05-01T10:00:00Z');
  await page.getByLabel('Push Flux artifact to').fill(ref);
  await page.getByRole('button', { name: 'Push Flux artifact' }).click();
  await expect(page.getByText(/Pushed .* as sha256:/)).toBeVisible();

  const out = mkdtempSync(join(tmpdir(), 'wasmlens-flux-'));
  try {
    execFileSync('skopeo', ['copy', '--src-tls-verify=false', `docker://${ref}`, `dir:${out}`]);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.config.mediaType).toBe('application/vnd.cncf.flux.config.v1+json');
    expect(manifest.layers[0].mediaType).toBe('application/vnd.cncf.flux.content.v1.tar+gzip');
    expect(manifest.annotations['org.opencontainers.image.revision']).toBe(
      'main@sha1:0123456789abcdef0123456789abcdef01234567',
    );
    const layer = join(out, manifest.layers[0].digest.split(':')[1]);
    expect(readdirSync(out)).toContain(manifest.layers[0].digest.split(':')[1]);
    const names = execFileSync('tar', ['tzf', layer], { encoding: 'utf8' }).trim().split('\n');
    expect(names).toEqual(['kustomization.yaml', 'release.yaml']);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }

  // Opened in the app, the layer is a file tree whose text files open in a viewer.
  await page.goto(`/#/ref/${ref}`);
  await expect(page.getByTestId('artifact-kind')).toHaveText('Flux artifact');
  await page.getByRole('button', { name: 'View layer 1' }).click();
  const tree = page.getByRole('table', { name: 'Archive files' });
  await expect(tree).toContainText('release.yaml');
  await page.getByRole('button', { name: 'View release.yaml' }).click();
  await expect(page.getByRole('region', { name: 'File viewer' })).toContainText('name: podinfo');
});

test('a Flux folder gives the same digest in Chromium as the library in Node', async ({
  page,
  problems: _,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'wasmlens-fleet-'));
  const root = join(dir, 'fleet');
  mkdirSync(join(root, 'apps', 'podinfo'), { recursive: true });
  const files = {
    'apps/podinfo/release.yaml': 'kind: HelmRelease\n'.repeat(40),
    'apps/podinfo/kustomization.yaml': 'resources: [release.yaml]\n',
    'README.md': '# fleet\n',
  };
  for (const [path, text] of Object.entries(files)) writeFileSync(join(root, path), text);
  const meta = {
    source: 'https://example.com/fleet.git',
    revision: 'v1@sha1:' + 'ab'.repeat(20),
    created: '2025-01-02T03:04:05Z',
  };
  const expected = await buildFluxArtifact(
    Object.entries(files).map(([path, text]) => ({ path, bytes: new TextEncoder().encode(text) })),
    meta,
  );
  const ref = `${host()}/${unique('fleet')}:v1`;
  try {
    await page.goto('/#/artifacts');
    await page.getByText('Push Kyverno policies or a Flux artifact').click();
    await page.getByLabel('Flux folder').setInputFiles(root);
    const list = page.getByRole('list', { name: 'Files to package' });
    // The picked folder's own name is not part of the archive paths.
    await expect(list).toContainText('apps/podinfo/release.yaml');
    await expect(list).not.toContainText('fleet/');
    await page.getByLabel('Source').fill(meta.source);
    await page.getByLabel('Revision').fill(meta.revision);
    await page.getByLabel('Created').fill(meta.created);
    await page.getByLabel('Push Flux artifact to').fill(ref);
    await page.getByRole('button', { name: 'Push Flux artifact' }).click();
    await expect(page.getByText(/Pushed .* as sha256:/)).toContainText(expected.manifestDigest);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const raw = execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`]);
  expect(sha(raw)).toBe(expected.manifestDigest);
});

test('an index lists its manifests and a digest link opens the child', async ({ page, problems: _ }) => {
  const repo = unique('index');
  const config = await putBlob(repo, Buffer.from('{}'));
  const layer = Buffer.from('hello from a layer\n');
  const layerDigest = await putBlob(repo, layer);
  const child = await putManifest(repo, 'child', 'application/vnd.oci.image.manifest.v1+json', {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.cncf.flux.config.v1+json', digest: config, size: 2 },
    layers: [{ mediaType: 'application/octet-stream', digest: layerDigest, size: layer.length }],
  });
  await putManifest(repo, 'v1', 'application/vnd.oci.image.index.v1+json', {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        ...child,
        platform: { os: 'linux', architecture: 'amd64' },
      },
    ],
  });

  // Typed into the form, as a person would; the address then names the reference.
  await page.goto('/#/artifacts');
  await page.getByLabel('Reference').fill(`${host()}/${repo}:v1`);
  await page.getByRole('button', { name: 'Open reference' }).click();
  await expect(page).toHaveURL(new RegExp(`#/ref/${host()}/${repo}:v1$`));
  await expect(page.getByTestId('artifact-kind')).toHaveText('Multi-platform image index (1 manifest)');
  await page.getByRole('link', { name: `Open manifest ${child.digest}` }).click();
  await expect(page).toHaveURL(new RegExp(`#/ref/${host()}/${repo}@${child.digest}$`));
  await expect(page.getByTestId('artifact-kind')).toHaveText('Flux artifact');
  // A blob digest in the JSON opens the blob viewer; an unknown type shows hex.
  await page.getByRole('button', { name: `Open blob ${layerDigest}` }).click();
  await expect(page.getByLabel('Hex dump')).toContainText('00000000  68 65 6c 6c 6f 20 66 72 6f 6d 20 61');
  await expect(page.getByLabel('Hex dump')).toContainText('hello from a lay');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download layer 1' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe(layerDigest.replace(':', '-'));
  expect(readFileSync((await file.path())!)).toEqual(layer);
  // Back returns to the index.
  await page.goBack();
  await expect(page.getByTestId('artifact-kind')).toHaveText('Multi-platform image index (1 manifest)');
});

test('a Wasm layer opens in the explorer', async ({ page, problems: _ }) => {
  const repo = unique('wasm');
  const wasm = readFileSync(join(FIXTURES, 'minimal.wasm'));
  const config = await putBlob(repo, Buffer.from('{}'));
  const layer = await putBlob(repo, wasm);
  await putManifest(repo, 'v1', 'application/vnd.oci.image.manifest.v1+json', {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.wasm.config.v1+json', digest: config, size: 2 },
    layers: [{ mediaType: 'application/vnd.wasm.content.layer.v1+wasm', digest: layer, size: wasm.length }],
  });
  await page.goto(`/#/ref/${host()}/${repo}:v1`);
  await expect(page.getByTestId('artifact-kind')).toHaveText('Kubewarden policy');
  await page.getByRole('button', { name: 'Open layer 1 in Explorer' }).click();
  await expect(page).toHaveURL(/#\/explorer$/);
  await expect(page.getByTestId('summary-kind')).toHaveText('Core module');
  await expect(page.getByTestId('summary-sha256')).toHaveText(layer.split(':')[1]!);
});

test('hostile archive names are shown escaped and flagged', async ({ page, problems: _ }) => {
  const repo = unique('hostile');
  // A tar with a traversal name, built by hand, gzipped by the system tool.
  const header = Buffer.alloc(512);
  header.write('../../etc/evil\u001b[2J.txt', 0);
  header.write('0000644\0', 100);
  header.write('00000000004\0', 124);
  header.write('00000000000\0', 136);
  header.fill(0x20, 148, 156);
  header.write('0', 156);
  header.write('ustar\u000000', 257);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const data = Buffer.alloc(512);
  data.write('evil');
  const dir = mkdtempSync(join(tmpdir(), 'wasmlens-hostile-'));
  writeFileSync(join(dir, 'x.tar'), Buffer.concat([header, data, Buffer.alloc(1024)]));
  const gz = execFileSync('gzip', ['-c', join(dir, 'x.tar')]);
  rmSync(dir, { recursive: true, force: true });
  const config = await putBlob(repo, Buffer.from('{}'));
  const layer = await putBlob(repo, gz);
  await putManifest(repo, 'v1', 'application/vnd.oci.image.manifest.v1+json', {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.cncf.flux.config.v1+json', digest: config, size: 2 },
    layers: [{ mediaType: 'application/vnd.cncf.flux.content.v1.tar+gzip', digest: layer, size: gz.length }],
  });
  await page.goto(`/#/ref/${host()}/${repo}:v1`);
  await page.getByRole('button', { name: 'View layer 1' }).click();
  const tree = page.getByRole('table', { name: 'Archive files' });
  await expect(tree).toContainText('../../etc/evil\\u{1b}[2J.txt');
  await expect(tree).toContainText('climbs out with ..');
  await expect(tree).toContainText('control or direction characters');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: /^Download \.\.\/\.\.\/etc\/evil/ }).click();
  expect((await download).suggestedFilename()).toBe('evil_[2J.txt');
});
