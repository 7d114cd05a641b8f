// E2E against the no-auth test registry, for everyday registry use: the push reference a policy suggests comes
// from its metadata (the default registry, ociUrl's repository, v<version>, as kwctl users tag); a push over a tag
// that names another manifest asks first (its blobs travel meanwhile; the manifest waits for the answer) and says
// which digest the tag moved from; a
// pulled policy shows in Inspect the reference and manifest digest it came from, and the Recent list keeps that
// manifest digest (not the layer's).
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import type { Page, Request } from '@playwright/test';
import { pushPolicy } from '../../src/lib/kubewarden';
import { createRegistryClient } from '../../src/lib/oci';
import { test, expect, openFile, customSection, storedValues, writeModule } from './helpers';
import { axe } from './screens';
import { gotoRegistry, hostOf, regs, sha256 } from './registry-helpers';

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** A policy module whose metadata names an ociUrl and a version. */
function policy(name: string, title: string, ociUrl: string, version: string): string {
  const metadata = {
    protocolVersion: 'v1',
    rules: [],
    annotations: {
      'io.kubewarden.policy.title': title,
      'io.kubewarden.policy.ociUrl': ociUrl,
      'io.kubewarden.policy.version': version,
    },
    mutating: false,
    executionMode: 'wasi',
  };
  return writeModule(name, customSection('io.kubewarden.metadata', JSON.stringify(metadata)));
}

function record(page: Page): Request[] {
  const seen: Request[] = [];
  page.on('request', (r) => seen.push(r));
  return seen;
}

const pushForm = (page: Page) => page.getByRole('form', { name: 'Push the open policy' });

async function suggested(page: Page): Promise<string> {
  await gotoRegistry(page);
  await expect(page.getByTestId('default-registry')).toHaveText(/ — reachable$/);
  return pushForm(page).getByLabel('Push to reference').inputValue();
}

test('the push reference is built from the metadata: default registry, ociUrl repository, v<version>', async ({
  page,
  problems: _,
}) => {
  const host = hostOf(regs().noauth);
  await page.goto('/');
  await openFile(page, policy('labels.wasm', 'labels', 'ghcr.io/acme/policies/labels', '1.2.3'));
  expect(await suggested(page)).toBe(`${host}/acme/policies/labels:v1.2.3`);
  // A version written with its v is not doubled; an ociUrl with a tag still gives only its repository.
  await openFile(page, policy('other.wasm', 'other', 'registry.example.com/team/other:v9', 'v2.0.0'));
  expect(await suggested(page)).toBe(`${host}/team/other:v2.0.0`);
});

test('a push over a tag naming another manifest asks first, and says where the tag moved from', async ({
  page,
  problems: _,
}) => {
  const host = hostOf(regs().noauth);
  const repo = `e2e/move-${unique()}`;
  const first = policy('first.wasm', 'first', `ghcr.io/${repo}`, '1.0.0');
  const second = policy('second.wasm', 'second', `ghcr.io/${repo}`, '1.0.0');
  const ref = `${host}/${repo}:v1.0.0`;
  await page.goto('/');

  await openFile(page, first);
  expect(await suggested(page)).toBe(ref);
  await pushForm(page).getByRole('button', { name: 'Push', exact: true }).click();
  await expect(page.getByTestId('pushed-reference')).toBeVisible();
  const firstDigest = (await page.getByTestId('pushed-reference').textContent())!.split('@')[1];

  // The other policy, same tag: a question naming both digests, and while it is open no manifest is written
  // (the tag check is the one manifest request; the blobs, which no tag names, travel meanwhile).
  await openFile(page, second);
  expect(await suggested(page)).toBe(ref);
  const seen = record(page);
  await pushForm(page).getByRole('button', { name: 'Push', exact: true }).click();
  const question = page.getByTestId('move-tag-question');
  await expect(question).toContainText(`${ref} already exists and names ${firstDigest}`);
  await expect(page.getByLabel('Push progress')).toHaveCount(0); // the blobs are in
  const sent = () =>
    seen.filter((r) => r.method() !== 'GET').map((r) => `${r.method()} ${new URL(r.url()).pathname}`);
  expect(sent().filter((x) => x.includes('/manifests/'))).toEqual([`HEAD /v2/${repo}/manifests/v1.0.0`]);
  expect(
    sent()
      .filter((x) => !x.includes('/manifests/'))
      .every((x) => x.includes('/blobs/')),
  ).toBe(true);
  await expect(pushForm(page).getByRole('button', { name: 'Push', exact: true })).toBeEnabled();

  // "Keep the tag" leaves it alone.
  await question.getByRole('button', { name: 'Keep the tag' }).click();
  await expect(question).toHaveCount(0);
  await expect(page.getByTestId('pushed-reference')).toHaveCount(0);
  const headed = await page.request.head(`${regs().noauth.url}/v2/${repo}/manifests/v1.0.0`, {
    headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' },
  });
  expect(headed.headers()['docker-content-digest']).toBe(firstDigest);

  expect(sent().filter((x) => x.includes('/manifests/'))).toEqual([`HEAD /v2/${repo}/manifests/v1.0.0`]);

  // Asked again and answered yes: the blobs are there, so only the manifest is written; the tag moves, and the
  // result says from which digest.
  seen.length = 0;
  await pushForm(page).getByRole('button', { name: 'Push', exact: true }).click();
  await question.getByRole('button', { name: 'Move the tag' }).click();
  await expect(page.getByTestId('moved-from')).toHaveText(firstDigest);
  const secondDigest = (await page.getByTestId('pushed-reference').textContent())!.split('@')[1];
  expect(secondDigest).not.toBe(firstDigest);
  const after = await page.request.get(`${regs().noauth.url}/v2/${repo}/manifests/v1.0.0`, {
    headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' },
  });
  // The registry's bytes hash to the digest shown (distribution computes Docker-Content-Digest the same way).
  expect(sha256(await after.body())).toBe(secondDigest);
  await expect(page.getByRole('status').filter({ hasText: `Pushed ${ref}` })).toBeVisible();
  expect(sent().filter((x) => x.startsWith('PUT'))).toEqual([`PUT /v2/${repo}/manifests/v1.0.0`]);
});

test('an open tag question at 360 px: it fits, survives a visit to another view, and another file ends it', async ({
  page,
  problems: _,
}) => {
  await page.setViewportSize({ width: 360, height: 780 });
  const host = hostOf(regs().noauth);
  const repo = `e2e/pending-${unique()}`;
  const ref = `${host}/${repo}:v1.0.0`;
  await page.goto('/');
  await openFile(page, policy('a.wasm', 'first', `ghcr.io/${repo}`, '1.0.0'));
  expect(await suggested(page)).toBe(ref);
  await pushForm(page).getByRole('button', { name: 'Push', exact: true }).click();
  await expect(page.getByTestId('pushed-reference')).toBeVisible();
  const firstDigest = (await page.getByTestId('pushed-reference').textContent())!.split('@')[1];

  await openFile(page, policy('b.wasm', 'second', `ghcr.io/${repo}`, '1.0.0'));
  expect(await suggested(page)).toBe(ref);
  // The blob uploads are held, so the question and the push progress are on screen together.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/blobs/uploads/**', async (route) => {
    if (route.request().method() === 'PUT') await held;
    await route.fallback();
  });
  await pushForm(page).getByRole('button', { name: 'Push', exact: true }).click();
  const question = page.getByTestId('move-tag-question');
  await expect(question).toBeVisible();
  await expect(page.getByLabel('Push progress')).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
  release();
  await expect(page.getByLabel('Push progress')).toHaveCount(0);
  const failing: string[] = [];
  await axe(page, 'tag question at 360 px', failing, []);
  expect(failing).toEqual([]);

  // Another view and back: the question is still there, still waiting.
  await page.getByRole('link', { name: 'Explorer' }).click();
  await gotoRegistry(page);
  await expect(question).toBeVisible();

  // Another file: the question is not about it, and its push starts over (the first one ends unanswered).
  const third = policy('c.wasm', 'third', `ghcr.io/${repo}`, '2.0.0');
  await openFile(page, third);
  expect(await suggested(page)).toBe(`${host}/${repo}:v2.0.0`);
  await expect(question).toHaveCount(0);
  const seen = record(page);
  await pushForm(page).getByRole('button', { name: 'Push', exact: true }).click();
  await expect(page.getByTestId('pushed-reference')).toHaveText(new RegExp(`^${host}/${repo}@sha256:`));
  const puts = seen.filter((r) => r.method() === 'PUT').map((r) => new URL(r.url()).pathname);
  expect(puts.filter((p) => p.includes('/manifests/'))).toEqual([`/v2/${repo}/manifests/v2.0.0`]);
  // The unanswered question moved nothing: v1.0.0 still names the first policy.
  const headed = await page.request.head(`${regs().noauth.url}/v2/${repo}/manifests/v1.0.0`, {
    headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' },
  });
  expect(headed.headers()['docker-content-digest']).toBe(firstDigest);
});

test('a file rebuilt on disk after it was opened: the push sends the bytes that were opened', async ({
  page,
  problems: _,
}) => {
  const host = hostOf(regs().noauth);
  const repo = `e2e/rebuilt-${unique()}`;
  const path = policy('rebuilt.wasm', 'as opened', `ghcr.io/${repo}`, '1.0.0');
  const opened = readFileSync(path);
  await page.goto('/');
  await openFile(page, path);
  await page.getByRole('link', { name: 'Explorer' }).click();
  await expect(page.getByTestId('summary-sha256')).toHaveText(sha256(opened).slice(7));
  // The author rebuilds: the file on disk is another policy now, with a later modification time. The push
  // reads the opened File only while it still holds what was opened; here it cannot, so the bytes on screen go.
  writeFileSync(path, readFileSync(policy('rebuilt-2.wasm', 'rebuilt', `ghcr.io/${repo}`, '1.0.0')));
  const later = new Date(Date.now() + 60_000);
  utimesSync(path, later, later);
  expect(sha256(readFileSync(path))).not.toBe(sha256(opened));
  expect(await suggested(page)).toBe(`${host}/${repo}:v1.0.0`);
  await pushForm(page).getByRole('button', { name: 'Push', exact: true }).click();
  await expect(page.getByTestId('pushed-reference')).toBeVisible();
  const manifest = await page.request.get(`${regs().noauth.url}/v2/${repo}/manifests/v1.0.0`, {
    headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' },
  });
  expect((await manifest.json()).layers[0].digest).toBe(sha256(opened));
});

test('a pulled policy shows its reference and manifest digest in Inspect, and Recent keeps that digest', async ({
  page,
  problems: _,
}) => {
  const host = hostOf(regs().noauth);
  const ref = `${host}/e2e/pulled-${unique()}:v1`;
  const bytes = readFileSync(policy('pulled.wasm', 'pulled', 'ghcr.io/e2e/pulled', '1.0.0'));
  // Pushed by the library straight from Node, so the digests are the registry's, not the page's.
  const pushed = await pushPolicy(createRegistryClient({ baseUrl: regs().noauth.url }), ref, bytes);
  const layer = sha256(bytes);
  expect(pushed.digest).not.toBe(layer);

  await page.goto('/');
  await gotoRegistry(page);
  const pull = page.getByRole('form', { name: 'Pull a policy' });
  await pull.getByLabel('Reference (tag or digest)').fill(ref);
  await pull.getByRole('button', { name: 'Pull and inspect' }).click();
  await expect(page.getByTestId('inspect-source')).toHaveText(`From ${ref}, manifest ${pushed.digest}`);

  // Inspect draws before the recents entry is written (issue 18); a person's reload comes later than that write,
  // a test's reload need not, so it waits for the entry to be stored (the database is never opened before the app
  // has made it: opening it first would create it without its store).
  await expect
    .poll(async () => {
      const made = await page.evaluate(async () =>
        (await indexedDB.databases()).some((d) => d.name === 'wasmlens-recents'),
      );
      return made && JSON.stringify(await storedValues(page, 'wasmlens-recents', 'recents')).includes(ref);
    })
    .toBe(true);
  // With no draft, a reload lands on Welcome, where the reference is listed with its manifest digest.
  await page.reload();
  const row = page
    .getByRole('list', { name: 'Recently opened' })
    .getByRole('listitem')
    .filter({ hasText: ref });
  await expect(row).toContainText(`${pushed.digest.slice(0, 19)}…`);
  await expect(row).not.toContainText(layer.slice(0, 19));
});
