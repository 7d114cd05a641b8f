// What a registry browser needs from the OCI client: telling a bare repository from a tagged reference, catalog
// pages, and deletes by digest. The oracle for pages and deletes is the real distribution 2.8 registry itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pushPolicy } from '../../src/lib/kubewarden';
import { createRegistryClient, namesTagOrDigest, RegistryError } from '../../src/lib/oci';
import type { TestRegistries } from '../../scripts/lib/test-env.mjs';
import { freePort } from '../../scripts/lib/ports.mjs';
import { noAuthConfig, startRegistry } from '../../scripts/lib/registry.mjs';
import { failure, run, syntheticPolicy } from './oci-helpers';

const registries = inject('registries') as unknown as TestRegistries | null;
const ff = 'f'.repeat(64);

describe('namesTagOrDigest', () => {
  // What parseReference fills in (kubewarden.md §12.1, distribution/reference normalize.go): `latest` when the text
  // names neither a tag nor a digest. These texts name one (true) or do not (false).
  it.each([
    ['ghcr.io/kubewarden/policies/safe-labels', false],
    ['ghcr.io/kubewarden/policies/safe-labels:latest', true],
    ['ghcr.io/kubewarden/policies/safe-labels:v1.0.0', true],
    ['localhost:5000/psp-apparmor', false],
    ['127.0.0.1:5000/a/b', false],
    ['127.0.0.1:5000/a/b:latest', true],
    ['docker://nginx', false],
    ['nginx:latest', true],
    // A colon before the last slash is a port; here the "5000" after the only segment is a tag.
    ['test.com:5000', true],
    [`test:5000/repo@sha256:${ff}`, true],
    [`ghcr.io/a:latest@sha256:${ff}`, true],
    ['  http://127.0.0.1:5000/x/y  ', false],
  ])('%s → %s', (text, expected) => {
    expect(namesTagOrDigest(text)).toBe(expected);
  });

  it('throws like parseReference on invalid text', () => {
    expect(() => namesTagOrDigest('UPPER/Case')).toThrow(RegistryError);
  });
});

describe.skipIf(!registries)('catalog pages and deletes against distribution 2.8', () => {
  const base = () => registries!.noauth.url;
  const host = () => `127.0.0.1:${registries!.noauth.port}`;
  const client = () => createRegistryClient({ baseUrl: base() });

  it('pages the catalog by n with relative Links, and the pages add up to the whole catalog', async () => {
    const c = client();
    for (let i = 0; i < 5; i++) await pushPolicy(c, `${host()}/paged-${run}/r${i}:v1`, syntheticPolicy(64));
    // The oracle: one unpaged GET (distribution answers up to its 1000-entry maximum at once).
    const whole = (await (await fetch(`${base()}/v2/_catalog`)).json()) as { repositories: string[] };
    const pages: string[][] = [];
    let next: string | null = null;
    do {
      const page = await c.catalogPage(host(), { n: 3, next });
      expect(page.items.length).toBeLessThanOrEqual(3);
      pages.push(page.items);
      next = page.next;
      if (next) expect(next).toMatch(new RegExp(`^${base()}/v2/_catalog\\?`));
    } while (next && pages.length < 1000);
    // Other test files may push repositories meanwhile: compare this test's own, and the order of everything.
    const mine = (list: string[]) => list.filter((r) => r.startsWith(`paged-${run}/`));
    expect(mine(pages.flat())).toEqual(mine(whole.repositories));
    expect(mine(pages.flat())).toEqual([0, 1, 2, 3, 4].map((i) => `paged-${run}/r${i}`));
    expect(pages.flat()).toEqual([...new Set(pages.flat())].sort());
    expect(pages.length).toBeGreaterThanOrEqual(2);
  });

  it('clamps n to what distribution accepts (it answers n=100000 with 400 PAGINATION_NUMBER_INVALID)', async () => {
    const direct = await fetch(`${base()}/v2/_catalog?n=100000`);
    expect(direct.status).toBe(400);
    await direct.body?.cancel();
    const page = await client().catalogPage(host(), { n: 100000 });
    expect(Array.isArray(page.items)).toBe(true);
  });

  it('deletes by digest: every tag of that digest goes, the others stay; a tag is not a digest', async () => {
    const c = client();
    const repo = `${host()}/delete-${run}/x`;
    const kept = syntheticPolicy(80, 'kept');
    const gone = syntheticPolicy(90, 'gone');
    await pushPolicy(c, `${repo}:keep`, kept);
    const pushed = await pushPolicy(c, `${repo}:a`, gone);
    await pushPolicy(c, `${repo}:b`, gone);
    expect((await c.listTags(repo)).sort()).toEqual(['a', 'b', 'keep']);
    // A tag never reaches the registry (distribution 2.8 would answer 400 DIGEST_INVALID).
    expect((await failure(c.deleteManifest(repo, 'a'))).code).toBe('invalid-reference');
    await c.deleteManifest(repo, pushed.digest);
    expect(await c.listTags(repo)).toEqual(['keep']);
    expect(await c.headManifest(`${repo}:a`)).toBeNull();
    expect((await failure(c.deleteManifest(repo, pushed.digest))).code).toBe('not-found');
  });

  describe('a registry with deletes switched off', () => {
    let stop: (() => Promise<void>) | null = null;
    let url = '';
    const work = mkdtempSync(join(tmpdir(), 'wasmlens-nodelete-'));
    beforeAll(async () => {
      const port = await freePort();
      const dataDir = join(work, 'data');
      const reg = await startRegistry({
        name: 'nodelete',
        port,
        config: noAuthConfig({ port, origin: '*', dataDir, allowDelete: false }),
        workDir: work,
        dataDir,
      });
      stop = reg.stop;
      url = reg.url;
    });
    afterAll(async () => {
      await stop?.();
      rmSync(work, { recursive: true, force: true });
    });

    it('answers 405 UNSUPPORTED, which is delete-refused with the registry’s own words', async () => {
      const c = createRegistryClient({ baseUrl: url });
      const ref = `${new URL(url).host}/refuses/x:v1`;
      const pushed = await pushPolicy(c, ref, syntheticPolicy(64));
      const e = await failure(c.deleteManifest(ref, pushed.digest));
      expect(e.code).toBe('delete-refused');
      expect(e.status).toBe(405);
      expect(e.detail?.[0]?.code).toBe('UNSUPPORTED');
      expect(await c.listTags(ref)).toEqual(['v1']);
    });
  });
});
