// E2E: the per-registry "Advanced" settings (oci.md §8.5) in Chromium: upload mode and chunk size seen on the wire,
// settings that survive a reload when remembered, and auth mode "anonymous" sending no Authorization.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Request } from '@playwright/test';
import { annotate, emptyMetadata } from '../../src/lib/kubewarden';
import { setCustomSection } from '../../src/lib/wasm';
import { test, expect, openFile, corpusPath } from './helpers';
import { SAFE_LABELS, regs, hostOf, gotoRegistry, push, sha256 } from './registry-helpers';

const RUST_DWARF = 'rust-dwarf-hello-stdout-jco-fixture.wasm';
const MiB = 1024 * 1024;
const run = Date.now().toString(36);

interface Settings {
  host: string;
  username?: string;
  password?: string;
  remember?: boolean;
  authMode?: string;
  uploadMode?: string;
  chunkMiB?: string;
}

/** Adds a registry through the form, filling the collapsed "Advanced" settings by their labels. */
async function addWithSettings(page: Page, o: Settings) {
  const form = page.getByRole('form', { name: 'Add a registry' });
  await form.getByLabel('Registry host').fill(o.host);
  await form.getByLabel('Username').fill(o.username ?? '');
  await form.getByLabel('Password or token').fill(o.password ?? '');
  // The details stay open after an add: open them only when closed.
  if (!(await form.locator('details').evaluate((d) => (d as HTMLDetailsElement).open)))
    await form.getByText('Advanced', { exact: true }).click();
  if (o.authMode) await form.getByLabel('Auth mode').selectOption(o.authMode);
  if (o.uploadMode) await form.getByLabel('Upload mode').selectOption(o.uploadMode);
  if (o.chunkMiB) await form.getByLabel(/^Chunk size in MiB/).fill(o.chunkMiB);
  await form.getByLabel('Remember on this device').setChecked(o.remember ?? false);
  await form.getByRole('button', { name: 'Add registry' }).click();
  await expect(page.getByText(`${o.remember ? 'Saved' : 'Added'} ${o.host}`)).toBeVisible();
}

/** Records the requests the page sends to `host`. */
function record(page: Page, host: string): Request[] {
  const seen: Request[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).host === host) seen.push(r);
  });
  return seen;
}

test.describe('per-registry advanced settings', () => {
  test.skip(!corpusPath(RUST_DWARF) || !corpusPath(SAFE_LABELS), 'WASMLENS_CORPUS is not set');

  test('upload mode monolithic sends no PATCH; chunked with 1 MiB does, and survives a reload', async ({
    page,
    problems: _,
  }) => {
    test.setTimeout(120_000);
    const reg = regs().noauth;
    const host = hostOf(reg);
    // A policy over 4 MiB: the rust-dwarf module annotated, padded with a custom section to ~6 MB.
    const base = annotate(new Uint8Array(readFileSync(corpusPath(RUST_DWARF)!)), {
      ...emptyMetadata('wasi'),
      annotations: { 'io.kubewarden.policy.title': 'settings-e2e' },
    });
    const pad = new Uint8Array(4 * MiB).map((_, i) => (i * 2654435761) >>> 24);
    const wasm = setCustomSection(base, 'padding', pad);
    expect(wasm.length).toBeGreaterThan(6_000_000);
    const dir = mkdtempSync(join(tmpdir(), 'wasmlens-settings-'));
    const file = join(dir, 'big-policy.wasm');
    writeFileSync(file, wasm);
    try {
      const seen = record(page, host);
      await page.goto('/');
      await openFile(page, file);
      await gotoRegistry(page);

      await addWithSettings(page, { host, uploadMode: 'monolithic' });
      await expect(page.getByTestId('registry-settings')).toHaveText('upload: monolithic');
      await push(page, `${host}/e2e/settings-mono-${run}:1`);
      const puts = seen.filter((r) => r.method() === 'PUT' && r.url().includes('/blobs/uploads/'));
      expect(puts.length).toBeGreaterThan(0);
      // The wasm layer was finished by one PUT ?digest=… and, with no PATCH, its body carried every byte.
      const layer = sha256(wasm);
      expect(puts.some((r) => new URL(r.url()).searchParams.get('digest') === layer)).toBe(true);
      expect(seen.filter((r) => r.method() === 'PATCH')).toHaveLength(0);

      // Chunked, 1 MiB, remembered: the settings come back after a reload and are the ones used.
      await addWithSettings(page, { host, uploadMode: 'chunked', chunkMiB: '1', remember: true });
      await page.reload();
      const summary = page.getByTestId('registry-settings');
      await expect(summary).toHaveText('upload: chunked, chunk: 1 MiB');
      seen.length = 0;
      await openFile(page, file);
      await gotoRegistry(page);
      await push(page, `${host}/e2e/settings-chunked-${run}:1`);
      const patches = seen.filter((r) => r.method() === 'PATCH');
      expect(patches.length).toBeGreaterThanOrEqual(Math.ceil(wasm.length / MiB));
      let next = 0;
      for (const p of patches) {
        const [start, end] = ((await p.allHeaders())['content-range'] ?? '').split('-').map(Number);
        expect(start).toBe(next);
        expect(end - start + 1).toBeLessThanOrEqual(MiB);
        const body = p.postDataBuffer();
        if (body) expect(body.length).toBe(end - start + 1);
        next = end + 1;
      }
      expect(next).toBe(wasm.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('auth mode anonymous against the htpasswd registry sends no Authorization and explains the 401', async ({
    page,
    problems: _,
  }) => {
    const reg = regs().htpasswd;
    const host = hostOf(reg);
    const seen = record(page, host);
    await page.goto('/');
    await openFile(page, corpusPath(SAFE_LABELS)!);
    await gotoRegistry(page);

    // Control: the same credentials in auto mode do send Authorization and push.
    await addWithSettings(page, { host, username: reg.username, password: reg.password });
    await push(page, `${host}/e2e/settings-auth-${run}:1`);
    const authorized = async () => {
      const headers = await Promise.all(seen.map((r) => r.allHeaders()));
      return headers.filter((h) => 'authorization' in h).length;
    };
    expect(await authorized()).toBeGreaterThan(0);

    // Changed settings take effect at once (a new client), without a reload.
    await addWithSettings(page, {
      host,
      username: reg.username,
      password: reg.password,
      authMode: 'anonymous',
    });
    await expect(page.getByTestId('registry-settings')).toHaveText('auth: anonymous');
    seen.length = 0;
    await page
      .getByRole('form', { name: 'Push the open policy' })
      .getByLabel('Push to reference')
      .fill(`${host}/e2e/settings-anon-${run}:1`);
    await page.getByRole('button', { name: 'Push', exact: true }).click();
    await expect(page.getByTestId('failure')).toContainText('Wrong or missing credentials');
    expect(seen.length).toBeGreaterThan(0);
    expect(await authorized()).toBe(0);
  });
});
