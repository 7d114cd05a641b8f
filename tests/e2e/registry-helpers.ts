// Shared helpers for the Registry view e2e specs: test registries, driving the view, skopeo cross-checks.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, registries } from './helpers';

export const SAFE_LABELS = 'kw-tinygo-safe-labels-annotated-kwctl1.6.0.wasm';
export const EMPTY_CONFIG = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';
/** JSON with sorted keys and no whitespace, as kwctl serialises manifests. */
export const canonical = (v: unknown): string =>
  Array.isArray(v)
    ? `[${v.map(canonical).join(',')}]`
    : v && typeof v === 'object'
      ? `{${Object.keys(v)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
          .join(',')}}`
      : JSON.stringify(v);
export const sha256 = (bytes: Uint8Array | string) =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

export interface Reg {
  url: string;
  port: number;
  upstreamPort?: number;
  username?: string;
  password?: string;
  users?: { username: string; password: string; actions: string[] }[];
}
export const regs = () => registries() as unknown as Record<string, Reg>;
export const hostOf = (r: Reg) => `127.0.0.1:${r.port}`;

export async function gotoRegistry(page: Page) {
  await page.getByRole('link', { name: 'Registry' }).click();
  await expect(page.getByRole('heading', { name: 'Registry', level: 2 })).toBeVisible();
}

export async function addRegistry(
  page: Page,
  o: { host: string; username?: string; password?: string; remember?: boolean; baseUrl?: string },
) {
  const form = page.getByRole('form', { name: 'Add a registry' });
  await form.getByLabel('Registry host').fill(o.host);
  if (o.baseUrl) await form.getByLabel('API base URL or proxy (optional)').fill(o.baseUrl);
  await form.getByLabel('Username').fill(o.username ?? '');
  await form.getByLabel('Password or token').fill(o.password ?? '');
  await form.getByLabel('Remember on this device').setChecked(o.remember ?? false);
  await form.getByRole('button', { name: 'Add registry' }).click();
  await expect(page.getByText(`${o.remember ? 'Saved' : 'Added'} ${o.host}`)).toBeVisible();
}

/** Pushes the open document and returns the immutable reference the page shows. */
export async function push(page: Page, reference: string): Promise<string> {
  const form = page.getByRole('form', { name: 'Push the open policy' });
  await form.getByLabel('Push to reference').fill(reference);
  await form.getByRole('button', { name: 'Push', exact: true }).click();
  const result = page.getByTestId('pushed-reference');
  await expect(result).toBeVisible({ timeout: 30_000 });
  return (await result.textContent()) ?? '';
}

export async function pull(page: Page, reference: string) {
  const form = page.getByRole('form', { name: 'Pull a policy' });
  await form.getByLabel('Reference (tag or digest)').fill(reference);
  await form.getByRole('button', { name: 'Pull and inspect' }).click();
}

export function skopeoRaw(reg: Reg, repoTag: string): string {
  const creds = reg.username ? ['--creds', `${reg.username}:${reg.password}`] : [];
  return execFileSync(
    'skopeo',
    [
      'inspect',
      '--raw',
      '--tls-verify=false',
      ...creds,
      `docker://127.0.0.1:${reg.upstreamPort ?? reg.port}/${repoTag}`,
    ],
    { encoding: 'utf8', timeout: 30_000, stdio: 'pipe' },
  );
}

/** Writes a skopeo `dir:` layout holding `wasm` in kwctl's policy layout (config `{}`, one wasm layer). */
export function writePolicyDir(dir: string, wasm: Uint8Array): string {
  const config = Buffer.from('{}');
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.wasm.config.v1+json', digest: sha256(config), size: config.length },
    layers: [
      { mediaType: 'application/vnd.wasm.content.layer.v1+wasm', digest: sha256(wasm), size: wasm.length },
    ],
  });
  writeFileSync(join(dir, 'version'), 'Directory Transport Version: 1.1\n');
  writeFileSync(join(dir, 'manifest.json'), manifest);
  writeFileSync(join(dir, sha256(config).slice(7)), config);
  writeFileSync(join(dir, sha256(wasm).slice(7)), wasm);
  return manifest;
}
