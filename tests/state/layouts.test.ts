// The layouts state: Save for offline sends only reads; an opened layout serves the Artifacts view and the document
// without a single request; a push that fails half-way is retried from where it stopped; a tampered layout opens
// to an explained failure and pushes nothing; a copy moves a reference with its signatures.
import { describe, expect, it } from 'vitest';
import { artifacts } from '../../src/state/artifacts.svelte';
import { appDocument } from '../../src/state/app.svelte';
import { connections } from '../../src/state/connections.svelte';
import { layouts } from '../../src/state/layouts.svelte';
import { createRegistryClient } from '../../src/lib/oci';
import { seed, type Seeded } from '../fixtures/layouts/seed';
import { syntheticPolicy } from '../unit/oci-helpers';
import { hostOf, registries, requests, unique } from './helpers';

const asFile = (blob: Blob, name: string) => new File([blob], name);

describe.skipIf(!registries)('layouts state', () => {
  const noauth = () => hostOf(registries!.noauth.url);
  let seeded: Seeded;
  let saved: File;

  it('saves references with only reads, and the tar opens with every entry', async () => {
    seeded = await seed(
      createRegistryClient({ baseUrl: registries!.noauth.url }),
      noauth(),
      `state-${unique()}`,
      syntheticPolicy(40_000, 'state-a'),
      syntheticPolicy(2000, 'state-b'),
    );
    requests.length = 0;
    const state = await layouts.save([seeded.refs.a, seeded.refs.multi]);
    expect(state.status).toBe('done');
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD')).toEqual([]);
    expect(state.result!.fileName).toBe('safe-labels-and-1-more.oci.tar');
    saved = asFile(state.result!.blob, state.result!.fileName);

    const opened = await layouts.open([{ file: saved, path: saved.name }]);
    expect(opened.status).toBe('done');
    expect(layouts.layout!.entries.map((e) => e.role)).toEqual([
      'reference',
      'signature',
      'referrer',
      'reference',
    ]);
  });

  it('opens entries in the Artifacts view and as the document without any request', async () => {
    requests.length = 0;
    const [policy, , , index] = layouts.layout!.entries;
    await artifacts.open(layouts.pinned(policy!));
    expect(artifacts.opened?.layout).toBe(saved.name);
    expect(artifacts.opened?.recognition.kind).toBe('kubewarden-policy');
    await artifacts.open(layouts.pinned(index!));
    expect(artifacts.opened?.recognition.kind).toBe('index');
    // A child of the index, as its link in the view names it.
    await artifacts.open(artifacts.childReference(seeded.children[1]!));
    expect(artifacts.opened?.fetched.digest).toBe(seeded.children[1]);
    await artifacts.openBlob({ ...artifacts.opened!.fetched.manifest.layers![0]!, title: null });
    expect(artifacts.blob.state.result?.view).toBe('wasm');

    expect(await layouts.openPolicy(policy!)).toBe(true);
    expect(appDocument.source).toMatchObject({ kind: 'registry', reference: seeded.refs.a });
    expect(appDocument.info).not.toBeNull();
    expect(requests).toEqual([]);
  });

  it('a push that fails half-way resumes on retry without repeating what was done', async () => {
    const token = registries!.token;
    const host = hostOf(token.url);
    await connections.add({
      host,
      baseUrl: '',
      username: 'dev',
      secret: 'devpass',
      remember: false,
      settings: {},
    });
    layouts.pushRegistry = host;
    layouts.pushRepository = '';
    const target = layouts.targetFor(layouts.layout!.entries[0]!);
    expect(target).toBe(`${host}/${seeded.refs.a.split('/').slice(1).join('/')}`);
    const prefix = `resume-${unique()}`;
    for (const e of layouts.layout!.entries)
      if (layouts.isChosen(e))
        layouts.pushTargets[e.position] = `${host}/${prefix}/${e.ref!.repository!.split('/').pop()}:carried`;

    const real = globalThis.fetch;
    const sent: string[] = [];
    globalThis.fetch = (input, init) => {
      if (init?.method === 'PUT' && String(input).includes('/blobs/uploads/')) {
        sent.push(String(input));
        if (sent.length === 2) return Promise.reject(new TypeError('Failed to fetch'));
      }
      return real(input, init);
    };
    const failed = await layouts.push().finally(() => (globalThis.fetch = real));
    expect(failed.status).toBe('error');
    expect(failed.error?.code).toBe('network');
    expect(layouts.resumableSteps()).toBeGreaterThan(0);
    // Journal steps are per repository: the same blob for another repository is its own step.
    const about = (url: string) => {
      const u = new URL(url);
      const repo = u.pathname.split('/blobs/')[0];
      return `${repo} ${u.searchParams.get('digest') ?? u.pathname.split('/blobs/')[1]}`;
    };
    const [finished, retried] = sent.map(about);

    requests.length = 0;
    const done = await layouts.push();
    expect(done.status).toBe('done');
    expect(done.result!.report.resumed).toBeGreaterThan(0);
    // The blob uploaded before the failure is neither checked nor sent again; the one that failed is.
    const blobRequests = requests.filter((r) => r.url.includes('/blobs/'));
    expect(blobRequests.filter((r) => about(r.url) === finished)).toEqual([]);
    expect(blobRequests.filter((r) => r.method === 'PUT' && about(r.url) === retried)).toHaveLength(1);
    const client = connections.clientFor(`${host}/${prefix}/safe-labels:carried`);
    expect((await client.getManifest(`${host}/${prefix}/safe-labels:carried`)).digest).toBe(seeded.digests.a);
    expect((await client.getManifest(`${host}/${prefix}/multi:carried`)).digest).toBe(seeded.digests.multi);
    expect(layouts.resumableSteps()).toBe(0);
  });

  it('closing the layout sends the Artifacts view back to the registry for the same digest', async () => {
    const entry = layouts.layout!.entries[0]!;
    layouts.close();
    expect(layouts.layout).toBeNull();
    requests.length = 0;
    await artifacts.open(layouts.pinned(entry), { reload: true });
    expect(artifacts.opened?.layout).toBeNull();
    expect(requests.filter((r) => r.url.includes('/manifests/'))).toHaveLength(1);
    await layouts.open([{ file: saved, path: saved.name }]);
  });

  it('a tampered layout opens to an explained failure, and then nothing can be pushed', async () => {
    const bytes = new Uint8Array(await saved.arrayBuffer());
    // Flip one byte inside the Wasm layer (the largest blob) of the saved tar.
    const wasm = layouts.layout!.entries[0]!.manifest.manifest.layers![0]!;
    const text = new TextDecoder('latin1').decode(bytes);
    const at = text.indexOf(`blobs/sha256/${wasm.digest.slice(7)}`);
    bytes[at + 512 + 100] = bytes[at + 512 + 100]! ^ 0xff;
    requests.length = 0;
    const state = await layouts.open([{ file: new File([bytes], 'tampered.tar'), path: 'tampered.tar' }]);
    expect(state.status).toBe('error');
    expect(state.error).toMatchObject({
      domain: 'artifact',
      code: 'digest-mismatch',
      title: 'Refused: a blob was changed',
    });
    expect(layouts.layout).toBeNull();
    const push = await layouts.push();
    expect(push.status).toBe('error');
    expect(requests).toEqual([]);
  });

  it('copies a reference with its signature tag between registries', async () => {
    const token = registries!.token;
    const to = `${hostOf(token.url)}/copied-${unique()}/safe-labels:v1`;
    const state = await layouts.copy(seeded.refs.a, to);
    expect(state.status).toBe('done');
    expect(state.result!.digest).toBe(seeded.digests.a);
    const client = connections.clientFor(to);
    const sig = to.replace(/:v1$/, `:${seeded.digests.a.replace(':', '-')}.sig`);
    expect((await client.getManifest(sig)).digest).toBe(seeded.signatures.sig);
  });
});
