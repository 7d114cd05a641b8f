// The Browse state against the real test registries: how many requests a tag page sends (one manifest GET per row
// on screen, none for rows off screen, none again for rows already read), catalog pages, a refused catalog, deletes
// by digest with every tag named, a registry that refuses deletes, 100,000 tags, and a bare repository link.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushPolicy } from '../../src/lib/kubewarden';
import { createRegistryClient, pushArtifact, type RegistryClient } from '../../src/lib/oci';
import { artifacts } from '../../src/state/artifacts.svelte';
import { router } from '../../src/state/app.svelte';
import { browse } from '../../src/state/browse.svelte';
import { FILTER_PAUSE_MS } from '../../src/state/browse-tags.svelte';
import { connections } from '../../src/state/connections.svelte';
import { freePort } from '../../scripts/lib/ports.mjs';
import { noAuthConfig, startRegistry } from '../../scripts/lib/registry.mjs';
import { startHugeRegistry, type HugeRegistry } from '../fixtures/huge-registry';
import { mixedRepository, type MixedTag } from '../fixtures/mixed-repo';
import { syntheticPolicy } from '../unit/oci-helpers';
import { hostOf, matching, registries, requests, unique } from './helpers';

const gets = (part: string) => matching(part).filter((r) => r.method === 'GET');
const t = browse.tags;

async function pushAll(client: RegistryClient, repo: string, tags: MixedTag[]) {
  for (const m of tags) await pushArtifact(client, client.reference(`${repo}:${m.tag}`), m.built);
}

describe.skipIf(!registries)('browse state', () => {
  const host = () => hostOf(registries!.noauth.url);
  let repo = '';
  let fixture: MixedTag[] = [];
  let expected: Map<string, MixedTag>;

  beforeAll(async () => {
    await connections.load();
    repo = `browse-state-${unique()}/mixed`;
    const client = createRegistryClient({ baseUrl: registries!.noauth.url });
    const mixed = await mixedRepository();
    // Four more tags sharing images' digests: 40 tags in all.
    const extra = mixed.filter((m) => m.tag.startsWith('image-')).slice(0, 4);
    fixture = [...mixed, ...extra.map((m, i) => ({ ...m, tag: `extra-${i + 1}` }))];
    await pushAll(client, `${host()}/${repo}`, fixture);
    expected = new Map(fixture.map((m) => [m.tag, m]));
  });

  it('a page of 25 rows sends one tag list and 25 manifest GETs; paging on reads only the new rows', async () => {
    requests.length = 0;
    t.pageSize = 25;
    await browse.openRepository(host(), repo);
    expect(t.tags).toHaveLength(40);
    expect(gets('/tags/list')).toHaveLength(1);
    expect(gets('/manifests/')).toHaveLength(25);
    expect(matching('/manifests/').filter((r) => r.method === 'HEAD')).toHaveLength(0);
    // Blobs only for image configs on this page (the date lives there), once per config digest.
    const imageConfigs = new Set(
      t.visible
        .filter((tag) => expected.get(tag)!.badge === 'Image')
        .map((tag) => expected.get(tag)!.built.blobs.at(-1)!.digest),
    );
    expect(gets('/blobs/')).toHaveLength(imageConfigs.size);
    for (const tag of t.visible) {
      const d = t.details.get(tag);
      const want = expected.get(tag)!;
      expect(d?.status, tag).toBe('done');
      if (d?.status !== 'done') continue;
      expect([tag, d.summary.badge]).toEqual([tag, want.badge]);
      expect([tag, d.summary.size]).toEqual([tag, want.size]);
      expect([tag, d.summary.created]).toEqual([tag, want.created]);
      expect([tag, d.digest]).toEqual([tag, want.built.manifestDigest]);
      if (want.title) expect([d.title, d.version]).toEqual([want.title, want.version]);
    }

    t.goToPage(1);
    await settle();
    expect(gets('/manifests/')).toHaveLength(40);
    t.goToPage(0);
    t.setSort('size');
    t.setFilter('v1.');
    t.setFilter('');
    await settle();
    expect(gets('/manifests/')).toHaveLength(40);
    expect(gets('/tags/list')).toHaveLength(1);
  });

  it('sorts by date and size among the rows read, and says how many are not read yet', async () => {
    await browse.openRepository(host(), repo, { reload: true });
    t.setSort('date');
    await settle();
    expect(t.unread).toBe(40 - 25);
    const dates = t.ordered
      .map((tag) => t.details.get(tag))
      .map((d) => (d?.status === 'done' ? d.summary.createdMs : null))
      .filter((ms): ms is number => ms !== null);
    expect(dates.length).toBeGreaterThan(3);
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
    requests.length = 0;
    await t.loadAll();
    expect(gets('/manifests/')).toHaveLength(15);
    expect(t.unread).toBe(0);
    t.setSort('size');
    const sizes = t.ordered
      .map((tag) => t.details.get(tag))
      .map((d) => (d?.status === 'done' ? d.summary.size : null));
    const known = sizes.filter((s): s is number => s !== null);
    expect(known).toEqual([...known].sort((a, b) => b - a));
    t.setSort('tag');
  });

  it('the same address twice is one listing; leaving mid-read cancels, and no request starts after', async () => {
    requests.length = 0;
    browse.openFromRoute({ level: 'repo', host: host(), repository: repo });
    browse.openFromRoute({ level: 'repo', host: host(), repository: repo });
    await settle();
    expect(gets('/tags/list')).toHaveLength(0); // Already on screen from the test before.

    requests.length = 0;
    const opening = browse.openRepository(host(), repo, { reload: true });
    await waitFor(() => gets('/manifests/').length > 0);
    browse.leave();
    await opening;
    const sent = gets('/manifests/').length;
    await new Promise((r) => setTimeout(r, 300));
    expect(gets('/manifests/').length).toBe(sent);
    expect(sent).toBeLessThanOrEqual(25);
    browse.resume();
    await settle();
  });

  it('plans a delete naming the digest and every tag pointing at it, then deletes by digest only', async () => {
    const client = createRegistryClient({ baseUrl: registries!.noauth.url });
    const own = `browse-delete-${unique()}/mixed`;
    await pushAll(client, `${host()}/${own}`, fixture);
    await browse.openRepository(host(), own);
    await t.loadAll();
    requests.length = 0;
    await browse.deletion.planTag('v1.14.0');
    const plan = browse.deletion.plan!;
    expect(plan.digest).toBe(expected.get('v1.14.0')!.built.manifestDigest);
    expect(plan.tags).toEqual(['v1.14.0', 'latest']);
    expect(plan.checked).toBe(40);
    // Every tag was read already: nothing needed resolving.
    expect(requests).toHaveLength(0);
    await browse.deletion.confirm();
    expect(browse.deletion.deleting.state.status).toBe('done');
    expect(requests.map((r) => r.method)).toEqual(['DELETE']);
    expect(requests[0].url).toMatch(new RegExp(`/manifests/${plan.digest}$`));
    const left = await client.listTags(`${host()}/${own}`);
    expect(left).not.toContain('v1.14.0');
    expect(left).not.toContain('latest');
    expect(left).toHaveLength(38);
    expect(t.tags).toHaveLength(38);

    // The signed policy: its signature tag is named as left behind. Unread tags are resolved with HEAD.
    await browse.openRepository(host(), own, { reload: true });
    requests.length = 0;
    await browse.deletion.planTag('v1.0.0');
    expect(browse.deletion.plan!.signatureTags).toEqual([
      `${expected.get('v1.0.0')!.built.manifestDigest.replace(':', '-')}.sig`,
    ]);
    expect(matching('/manifests/').filter((r) => r.method === 'HEAD')).toHaveLength(38 - 25);
    browse.deletion.dismiss();
    expect(browse.deletion.plan).toBeNull();
  });

  describe('a registry with deletes switched off', () => {
    const work = mkdtempSync(join(tmpdir(), 'wasmlens-browse-'));
    let stop: (() => Promise<void>) | null = null;
    let refusing = '';
    beforeAll(async () => {
      const port = await freePort();
      const reg = await startRegistry({
        name: 'nodelete',
        port,
        config: noAuthConfig({ port, origin: '*', dataDir: join(work, 'data'), allowDelete: false }),
        workDir: work,
        dataDir: join(work, 'data'),
      });
      stop = reg.stop;
      refusing = `127.0.0.1:${port}`;
      await pushPolicy(
        createRegistryClient({ baseUrl: reg.url }),
        `${refusing}/kept/x:v1`,
        syntheticPolicy(64),
      );
    });
    afterAll(async () => {
      await stop?.();
      rmSync(work, { recursive: true, force: true });
    });

    it('ends in delete-refused with its explanation and fix', async () => {
      await browse.openRepository(refusing, 'kept/x');
      await browse.deletion.planTag('v1');
      await browse.deletion.confirm();
      const s = browse.deletion.deleting.state;
      expect(s.status).toBe('error');
      expect(s.error?.code).toBe('delete-refused');
      expect(s.error?.fix).toMatch(/storage: \{ delete: \{ enabled: true \} \}/);
      expect(t.tags).toEqual(['v1']);
    });
  });

  it('reads the catalog a page at a time, following the registry’s Link', async () => {
    const client = createRegistryClient({ baseUrl: registries!.noauth.url });
    const prefix = `browse-cat-${unique()}`;
    for (let i = 0; i < 3; i++) await pushPolicy(client, `${host()}/${prefix}/r${i}:v1`, syntheticPolicy(32));
    requests.length = 0;
    browse.catalogPageSize = 25;
    await browse.openRegistry(host(), { reload: true });
    expect(browse.repositories.length).toBeLessThanOrEqual(25);
    expect(gets('/_catalog')[0].url).toMatch(/\?n=25$/);
    let pages = 1;
    while (browse.catalogNext && pages < 100) {
      await browse.loadMoreRepositories();
      pages++;
    }
    expect(gets('/_catalog')).toHaveLength(pages);
    expect(
      gets('/_catalog')
        .slice(1)
        .every((r) => /last=/.test(r.url)),
    ).toBe(true);
    expect(browse.repositories).toEqual(expect.arrayContaining([`${prefix}/r0`, `${prefix}/r2`, repo]));
    browse.catalogFilter = prefix;
    expect(browse.filteredRepositories).toEqual([0, 1, 2].map((i) => `${prefix}/r${i}`));
    browse.catalogFilter = '';
  });

  it('a catalog refused to an anonymous user is said to be refused', async () => {
    await browse.openRegistry(hostOf(registries!.token.upstreamUrl), { reload: true });
    expect(browse.catalog.state.error?.code).toBe('unauthorized');
    expect(browse.catalogRefused).toBe(true);
  });

  it('a reference without a tag opens the repository’s tags, never `latest`', async () => {
    // A repository with no `latest` tag: a request for it can only be the reference resolved to the tag it does
    // not name (the mixed repository has a real `latest`, whose row the table reads in its own time).
    const bare = `browse-state-${unique()}/no-latest`;
    const client = createRegistryClient({ baseUrl: registries!.noauth.url });
    await pushPolicy(client, `${host()}/${bare}:v1`, syntheticPolicy(32));
    requests.length = 0;
    await artifacts.open(`${host()}/${bare}`);
    await waitFor(() => t.listing.state.status === 'done' && t.name === `${host()}/${bare}`);
    expect(t.tags).toEqual(['v1']);
    expect(router.route.view).toBe('browse');
    expect(router.route.browse).toEqual({ level: 'repo', host: host(), repository: bare });
    expect(requests.some((r) => r.url.endsWith('/manifests/latest'))).toBe(false);
    expect(artifacts.opening.state.status).toBe('idle');
  });

  describe('100,000 tags', () => {
    let huge: HugeRegistry;
    beforeAll(async () => {
      huge = await startHugeRegistry(100_000);
    });
    afterAll(() => huge.close());

    it('lists them all and reads one page of manifests', async () => {
      t.pageSize = 25;
      await browse.openRepository(huge.host, 'huge/repo');
      expect(t.tags).toHaveLength(100_000);
      expect(t.visible).toHaveLength(25);
      expect(huge.served.filter((u) => u.includes('/manifests/'))).toHaveLength(25);
      // Typed a key at a time: only the rows of the final text are read, once typing pauses.
      const typed = 'build-9999';
      for (let i = 1; i <= typed.length; i++) t.setFilter(typed.slice(0, i));
      await settle();
      expect(t.filtered.length).toBe(11); // build-9999 and build-99990…99999
      expect(t.visible.every((tag) => t.details.get(tag)?.status === 'done')).toBe(true);
      expect(huge.served.filter((u) => u.includes('/manifests/'))).toHaveLength(25 + 11);
    });
  });
});

async function waitFor(ok: () => boolean) {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(ok()).toBe(true);
}

/** Waits until no read of the tag table runs. */
async function settle() {
  await new Promise((r) => setTimeout(r, FILTER_PAUSE_MS + 20));
  for (let i = 0; i < 400 && (t.reading.running || t.listing.running); i++)
    await new Promise((r) => setTimeout(r, 25));
}
