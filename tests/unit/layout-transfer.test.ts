// Saving, pushing and copying against the real test registries (distribution 2.8: no referrers API, so referrers
// travel through the `sha256-<hex>` fallback tag): every digest is compared with what skopeo reads back
// (`skopeo inspect --raw`, `skopeo copy oci-archive:`), and requests are counted to show what is skipped.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TestRegistries } from '../../scripts/lib/test-env.mjs';
import {
  copyReference,
  filesFromTar,
  openLayout,
  pushLayout,
  saveLayout,
  type OciLayout,
} from '../../src/lib/layout';
import { createRegistryClient, mountBlob, parseReference } from '../../src/lib/oci';
import { seed, type Seeded } from '../fixtures/layouts/seed';
import { sha } from '../fixtures/layouts/attachments';
import { run, syntheticPolicy } from './oci-helpers';

const registries = inject('registries') as unknown as TestRegistries | null;
const tmp = mkdtempSync(join(tmpdir(), 'wasmlens-transfer-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Seen {
  method: string;
  url: string;
}
/** A client that records every request, and can be told to fail some. */
function recording(base: string, credentials?: { username: string; password: string }) {
  const seen: Seen[] = [];
  let fail: ((s: Seen) => Response | null) | null = null;
  const client = createRegistryClient({
    baseUrl: base,
    credentials,
    fetch: async (input, init) => {
      const s = { method: init?.method ?? 'GET', url: String(input) };
      seen.push(s);
      const failed = fail?.(s);
      if (failed) return failed;
      return fetch(input, init);
    },
  });
  return {
    client,
    seen,
    failWhen: (f: typeof fail) => (fail = f),
    count: (method: string, part: string) =>
      seen.filter((s) => s.method === method && s.url.includes(part)).length,
  };
}

function skopeoDigest(ref: string, creds?: string): string {
  const args = [
    'inspect',
    '--raw',
    '--tls-verify=false',
    ...(creds ? ['--creds', creds] : []),
    `docker://${ref}`,
  ];
  return sha(execFileSync('skopeo', args, { stdio: 'pipe' }));
}

describe.skipIf(!registries)('transfers between registries and layouts', () => {
  const noauthHost = () => `127.0.0.1:${registries!.noauth.port}`;
  const tokenHost = () => `127.0.0.1:${registries!.token.upstreamPort}`;
  const tokenCreds = { username: 'dev', password: 'devpass' };
  let src: ReturnType<typeof recording>;
  let seeded: Seeded;
  let tarPath: string;
  let layout: OciLayout;

  beforeAll(async () => {
    src = recording(registries!.noauth.url);
    seeded = await seed(
      src.client,
      noauthHost(),
      `layouts-${run}`,
      syntheticPolicy(300_000, 'a'),
      syntheticPolicy(9000, 'b'),
    );
  });

  it('saves four references with signatures and referrers; skopeo copies each out with the same digest', async () => {
    src.seen.length = 0;
    const refs = Object.values(seeded.refs).map((r) => parseReference(r));
    const progress: number[] = [];
    const { tar, report } = await saveLayout(
      refs.map((reference) => ({ client: src.client, reference })),
      { onProgress: (d) => progress.push(d) },
    );
    // Only GETs and HEADs: saving never writes to the registry.
    expect(src.seen.every((s) => s.method === 'GET' || s.method === 'HEAD')).toBe(true);
    expect(report.uploaded).toBeGreaterThan(0);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress).toEqual([...progress].sort((x, y) => x - y));
    tarPath = join(tmp, 'saved.tar');
    writeFileSync(tarPath, new Uint8Array(await new Blob(tar.parts).arrayBuffer()));
    const names = tar.index.map((d) => d.annotations!['org.opencontainers.image.ref.name']);
    const safeLabels = seeded.refs.a.replace(/:v1$/, '');
    expect(names).toEqual([
      seeded.refs.a,
      `${safeLabels}:${seeded.digests.a.replace(':', '-')}.sig`,
      `${safeLabels}@${seeded.signatures.referrer}`,
      seeded.refs.b,
      seeded.refs.kyverno,
      seeded.refs.multi,
    ]);
    for (const [name, digest] of [
      [seeded.refs.a, seeded.digests.a],
      [seeded.refs.b, seeded.digests.b],
      [seeded.refs.kyverno, seeded.digests.kyverno],
      [seeded.refs.multi, seeded.digests.multi],
      [names[1]!, seeded.signatures.sig],
    ] as const) {
      const target = `${noauthHost()}/fresh-${run}/${name.split('/').slice(2).join('/')}`.replace(/@.*$/, '');
      execFileSync(
        'skopeo',
        ['copy', '--all', '--dest-tls-verify=false', `oci-archive:${tarPath}:${name}`, `docker://${target}`],
        {
          stdio: 'pipe',
        },
      );
      expect(skopeoDigest(target)).toBe(digest);
    }
    // skopeo copied the index child by child.
    for (const child of seeded.children)
      expect(skopeoDigest(`${noauthHost()}/fresh-${run}/multi@${child}`)).toBe(child);
  });

  it('opens the saved tar with each entry in its role', async () => {
    layout = await openLayout('saved.tar', filesFromTar(readFileSync(tarPath)));
    expect(layout.entries.map((e) => e.role)).toEqual([
      'reference',
      'signature',
      'referrer',
      'reference',
      'reference',
      'reference',
    ]);
    expect(layout.entries[1]!.subject).toBe(seeded.digests.a);
    expect(layout.entries[2]!.subject).toBe(seeded.digests.a);
  });

  it('pushes the layout to the token registry under new tags, signatures and referrers included', async () => {
    const dst = recording(registries!.token.upstreamUrl, tokenCreds);
    const prefix = `pushed-${run}`;
    const choices = layout.entries
      .filter((e) => e.role === 'reference')
      .map((entry) => ({
        entry,
        target: parseReference(
          `${tokenHost()}/${prefix}/${entry.ref!.repository!.split('/').pop()}:air-gapped`,
        ),
      }));
    const report = await pushLayout(layout, choices, () => dst.client);
    expect(report.uploaded).toBeGreaterThan(0);
    const target = (name: string) => `${tokenHost()}/${prefix}/${name}`;
    expect((await dst.client.getManifest(target('safe-labels:air-gapped'))).digest).toBe(seeded.digests.a);
    expect((await dst.client.getManifest(target('multi:air-gapped'))).digest).toBe(seeded.digests.multi);
    expect(skopeoDigest(target('kyverno:air-gapped'), 'dev:devpass')).toBe(seeded.digests.kyverno);
    const sigTag = `${seeded.digests.a.replace(':', '-')}.sig`;
    expect(skopeoDigest(target(`safe-labels:${sigTag}`), 'dev:devpass')).toBe(seeded.signatures.sig);
    // distribution has no referrers API: the push wrote the fallback tag, so the referrer is found.
    const found = await dst.client.referrers(parseReference(target('safe-labels:x')), seeded.digests.a);
    expect(found.via).toBe('tag');
    expect(found.descriptors.map((d) => d.digest)).toEqual([seeded.signatures.referrer]);
    expect(found.descriptors[0]!.artifactType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');

    // Again: every blob is already there (one HEAD each), nothing is uploaded.
    dst.seen.length = 0;
    const again = await pushLayout(layout, choices, () => dst.client);
    expect(again.uploaded).toBe(0);
    expect(again.existing).toBeGreaterThan(0);
    expect(dst.count('PATCH', '/blobs/uploads/') + dst.count('POST', '/blobs/uploads/')).toBe(0);
  });

  it('resumes a push that failed half-way without asking again about what was done', async () => {
    const dst = recording(registries!.noauth.url);
    const target = parseReference(`${noauthHost()}/resumed-${run}/multi:v1`);
    const entry = layout.entries.find((e) => e.refName === seeded.refs.multi)!;
    const journal = new Set<string>();
    let puts = 0;
    // The network drops on the second blob upload.
    dst.failWhen((s) =>
      s.method === 'PUT' && s.url.includes('/blobs/uploads/') && ++puts === 2 ? Response.error() : null,
    );
    await expect(pushLayout(layout, [{ entry, target }], () => dst.client, { journal })).rejects.toThrow();
    const done = journal.size;
    expect(done).toBeGreaterThan(0);
    dst.failWhen(null);
    dst.seen.length = 0;
    const report = await pushLayout(layout, [{ entry, target }], () => dst.client, { journal });
    expect(report.resumed).toBe(done);
    expect((await dst.client.getManifest(target)).digest).toBe(seeded.digests.multi);
    // The blob finished before the failure was not even checked again.
    const first = [...journal]
      .find((s) => s.includes(' blob '))!
      .split(' ')
      .pop()!;
    expect(dst.count('HEAD', first)).toBe(0);
  });

  it('copies between the no-auth and the token registry with the signature tag and the referrer', async () => {
    const dst = recording(registries!.token.upstreamUrl, tokenCreds);
    const to = parseReference(`${tokenHost()}/copied-${run}/safe-labels:v1`);
    const report = await copyReference(
      { client: src.client, reference: parseReference(seeded.refs.a) },
      { client: dst.client, reference: to },
    );
    expect(report.digest).toBe(seeded.digests.a);
    expect(report.mounted).toBe(0);
    expect(skopeoDigest(to.canonical, 'dev:devpass')).toBe(seeded.digests.a);
    const sig = `${to.registry}/${to.repository}:${seeded.digests.a.replace(':', '-')}.sig`;
    expect(skopeoDigest(sig, 'dev:devpass')).toBe(seeded.signatures.sig);
    const found = await dst.client.referrers(to, seeded.digests.a);
    expect(found.descriptors.map((d) => d.digest)).toEqual([seeded.signatures.referrer]);
  });

  it('copies an index child by child to the htpasswd registry', async () => {
    const dst = recording(registries!.htpasswd.url, { username: 'dev', password: 'devpass' });
    const to = parseReference(`127.0.0.1:${registries!.htpasswd.port}/copied-${run}/multi:v1`);
    await copyReference(
      { client: src.client, reference: parseReference(seeded.refs.multi) },
      { client: dst.client, reference: to },
    );
    expect(skopeoDigest(to.canonical, 'dev:devpass')).toBe(seeded.digests.multi);
    for (const child of seeded.children)
      expect((await dst.client.getManifest(`${to.registry}/${to.repository}@${child}`)).digest).toBe(child);
  });

  it('mounts blobs from the source repository on the same registry (201), and uploads when a mount fails', async () => {
    const same = recording(registries!.noauth.url);
    const to = parseReference(`${noauthHost()}/mounted-${run}/safe-labels:v1`);
    const from = parseReference(seeded.refs.a);
    const report = await copyReference(
      { client: same.client, reference: from },
      { client: same.client, reference: to },
    );
    // Config and layer of the policy, and of the signature and the referrer.
    expect(report.mounted).toBe(5);
    expect(report.uploaded).toBe(0);
    const mounts = same.seen.filter((s) => s.method === 'POST' && s.url.includes('mount='));
    expect(mounts).toHaveLength(5);
    expect(new URL(mounts[0]!.url).searchParams.get('from')).toBe(from.repository);
    expect(skopeoDigest(to.canonical)).toBe(seeded.digests.a);

    // distribution answers 202 for a blob the source repository does not have: not mounted, session cancelled.
    same.seen.length = 0;
    expect(await mountBlob(same.client, to, `sha256:${'0'.repeat(64)}`, from.repository)).toBe('not-mounted');
    expect(same.seen.map((x) => x.method)).toEqual(['POST', 'DELETE']);

    const failing = recording(registries!.noauth.url);
    failing.failWhen((s) => (s.url.includes('mount=') ? new Response('no', { status: 500 }) : null));
    const to2 = parseReference(`${noauthHost()}/unmounted-${run}/safe-labels:v1`);
    const r2 = await copyReference(
      { client: failing.client, reference: from },
      { client: failing.client, reference: to2 },
    );
    expect(r2.mounted).toBe(0);
    expect(r2.uploaded).toBe(5);
    expect(skopeoDigest(to2.canonical)).toBe(seeded.digests.a);
  });

  it('copying a reference that does not exist fails before anything is written', async () => {
    const dst = recording(registries!.token.upstreamUrl, tokenCreds);
    await expect(
      copyReference(
        { client: src.client, reference: parseReference(`${noauthHost()}/layouts-${run}/nothing:v1`) },
        { client: dst.client, reference: parseReference(`${tokenHost()}/never-${run}/x:v1`) },
      ),
    ).rejects.toThrow(/HTTP 404/);
    expect(dst.seen).toHaveLength(0);
  });
});
