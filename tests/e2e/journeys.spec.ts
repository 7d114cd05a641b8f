// E2E journeys that cross views, the way the first hour of a new user went: a failing reference, Forget and then
// another view, typed references across every view, and a push followed by another file. Each counts the
// requests the page sends.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, Request } from '@playwright/test';
import { pushPolicy } from '../../src/lib/kubewarden';
import { createRegistryClient } from '../../src/lib/oci';
import { closedPort } from '../net-helpers';
import { test, expect, openFile, FIXTURES, ROOT } from './helpers';
import { addRegistry, gotoRegistry, hostOf, regs } from './registry-helpers';

const SAMPLE = join(ROOT, 'public', 'sample', 'no-privileged-pods.wasm');
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** Records every request the page sends from now on. */
function record(page: Page): Request[] {
  const seen: Request[] = [];
  page.on('request', (r) => seen.push(r));
  return seen;
}
const manifestRequests = (seen: Request[]) =>
  seen.filter((r) => new URL(r.url()).pathname.includes('/manifests/'));

async function gotoArtifacts(page: Page) {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Artifacts' }).click();
  await expect(page.getByRole('heading', { name: 'Artifacts', level: 2 })).toBeVisible();
}

async function openReference(page: Page, reference: string) {
  await page.getByLabel('Reference', { exact: true }).fill(reference);
  await page.getByRole('button', { name: 'Open reference' }).click();
}

test.describe('a failing reference opened with the button', () => {
  for (const kind of ['missing tag', 'missing repository', 'closed port'] as const) {
    test(`${kind}: one manifest request, then the explanation and its fix`, async ({ page, problems: _ }) => {
      const noauth = regs().noauth;
      let reference: string;
      if (kind === 'closed port') reference = `127.0.0.1:${await closedPort()}/nobody/home:v1`;
      else if (kind === 'missing repository') reference = `${hostOf(noauth)}/journeys/none-${unique()}:v1`;
      else {
        reference = `${hostOf(noauth)}/journeys/tagged-${unique()}`;
        await pushPolicy(
          createRegistryClient({ baseUrl: noauth.url }),
          `${reference}:v1`,
          readFileSync(SAMPLE),
        );
        reference += ':missing';
      }
      await page.goto('/');
      await gotoArtifacts(page);
      const seen = record(page);
      await openReference(page, reference);
      const failure = page.getByTestId('failure');
      await expect(failure).toBeVisible();
      await expect(failure).toContainText(kind === 'closed port' ? 'cannot be reached' : 'Not found');
      await expect(failure).toContainText('Fix:');
      // Give a storm time to show itself, then count.
      await page.waitForTimeout(1500);
      expect(manifestRequests(seen).length).toBeGreaterThanOrEqual(1);
      expect(manifestRequests(seen).length).toBeLessThanOrEqual(2);
      await expect(page.getByRole('status')).toHaveCount(0);
    });
  }
});

test('Forget the token registry, open the private artifact again: no credentials go out and sign-in is offered', async ({
  page,
  problems: _,
}) => {
  const token = regs().token;
  const host = hostOf(token);
  const reference = `${host}/private/journey-${unique()}:v1`;
  await pushPolicy(
    createRegistryClient({ baseUrl: token.url, credentials: { username: 'dev', password: 'devpass' } }),
    reference,
    readFileSync(SAMPLE),
  );
  await page.goto('/');
  await gotoRegistry(page);
  await addRegistry(page, { host, username: token.username, password: token.password });
  await gotoArtifacts(page);
  let seen = record(page);
  await openReference(page, reference);
  await expect(page.getByTestId('artifact-kind')).toHaveText('Kubewarden policy');
  const tokens = new Set(
    await Promise.all(manifestRequests(seen).map(async (r) => (await r.allHeaders()).authorization)),
  );

  await gotoRegistry(page);
  await page.getByRole('button', { name: `Forget ${host}` }).click();
  await expect(page.getByRole('button', { name: `Forget ${host}` })).toHaveCount(0);
  await gotoArtifacts(page);
  seen = record(page);
  await page.getByRole('button', { name: 'Open reference' }).click();
  const failure = page.getByTestId('failure');
  await expect(failure).toHaveAttribute('data-code', 'unauthorized');
  const sent = await Promise.all(seen.map(async (r) => (await r.allHeaders()).authorization ?? null));
  expect(sent.filter((a) => a?.startsWith('Basic '))).toEqual([]);
  expect(sent.filter((a) => a && tokens.has(a))).toEqual([]);

  // The user is asked for credentials right there; signing in opens the artifact.
  const signIn = page.getByRole('form', { name: `Sign in to ${host}` });
  await signIn.getByLabel('Username').fill(token.username!);
  await signIn.getByLabel('Password or token').fill(token.password!);
  await signIn.getByRole('button', { name: 'Sign in and retry' }).click();
  await expect(page.getByTestId('artifact-kind')).toHaveText('Kubewarden policy');
});

test('typed push and pull references survive a visit to every other view', async ({ page, problems: _ }) => {
  await page.goto('/');
  await openFile(page, SAMPLE);
  await gotoRegistry(page);
  const pushField = page.getByRole('form', { name: 'Push the open policy' }).getByLabel('Push to reference');
  const pullField = page.getByRole('form', { name: 'Pull a policy' }).getByLabel('Reference (tag or digest)');
  await expect(pushField).toHaveValue(/no-privileged-pods|policies\//);
  await pushField.fill('registry.example.com/mine/typed:v9');
  await pullField.fill('ghcr.io/someone/else:v1');
  for (const view of ['Explorer', 'Inspect', 'Annotate', 'Evaluate', 'Artifacts']) {
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: view }).click();
    await expect(page.getByRole('heading', { level: 2 }).first()).toBeVisible();
  }
  await gotoRegistry(page);
  await expect(pushField).toHaveValue('registry.example.com/mine/typed:v9');
  await expect(pullField).toHaveValue('ghcr.io/someone/else:v1');
});

test('push, then open another file: nothing of the first file stays on screen', async ({
  page,
  problems: _,
}) => {
  const noauth = regs().noauth;
  await page.goto('/');
  await openFile(page, SAMPLE);
  await gotoRegistry(page);
  const seen = record(page);
  const form = page.getByRole('form', { name: 'Push the open policy' });
  await form.getByLabel('Push to reference').fill(`${hostOf(noauth)}/journeys/first-${unique()}:v1`);
  await form.getByRole('button', { name: 'Push', exact: true }).click();
  await expect(page.getByTestId('pushed-reference')).toBeVisible();
  expect(manifestRequests(seen).filter((r) => r.method() === 'PUT')).toHaveLength(1);

  // An unannotated module: kwctl's refusal shows, the first file's green result does not.
  await openFile(page, join(FIXTURES, 'minimal.wasm'));
  await gotoRegistry(page);
  await expect(page.getByTestId('push-refusal')).toBeVisible();
  await expect(page.getByTestId('pushed-reference')).toHaveCount(0);
  await expect(page.getByText('Pushed', { exact: false })).toHaveCount(0);
  await expect(page.getByLabel('Push anyway')).not.toBeChecked();
});

test('a default registry that answers while the user types never changes what they typed', async ({
  page,
  problems: _,
}) => {
  // The probe of the default registry (`/v2/`) is held until the user is in the field: CI once caught its late
  // suggestion spliced into the typed text ("<suggestion><typed>").
  let release: () => void = () => {};
  const held = new Promise<void>((r) => (release = r));
  await page.route(
    (url) => url.pathname === '/v2/' && url.port === String(regs().noauth.port),
    async (route) => {
      await held;
      await route.continue();
    },
  );
  await page.goto('/');
  await openFile(page, SAMPLE);
  await gotoRegistry(page);
  const push = page.getByRole('form', { name: 'Push the open policy' }).getByLabel('Push to reference');
  const pull = page.getByRole('form', { name: 'Pull a policy' }).getByLabel('Reference (tag or digest)');
  await expect(push).toHaveValue('');
  // The user is in the field, about to type, when the registry answers.
  await push.click();
  release();
  await expect(page.getByTestId('default-registry')).toHaveText(/ — reachable$/);
  await push.pressSequentially('ghcr.io/me/mine:v1');
  await expect(push).toHaveValue('ghcr.io/me/mine:v1');
  // A field the user has not touched takes the suggestion once the registry answers.
  await expect(pull).toHaveValue(new RegExp(`^${hostOf(regs().noauth).replace(/\./g, '\\.')}/`));
});
