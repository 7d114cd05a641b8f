// Protocol details driven by scripted fetches (what distribution 2.8 never sends) and a few real-registry checks.
import { describe, expect, inject, it } from 'vitest';
import { createRegistryClient, MANIFEST_ACCEPT } from '../../src/lib/oci';
import { MT } from '../../src/lib/common';
import { pullPolicy, pushPolicy } from '../../src/lib/kubewarden';
import type { TestRegistries } from '../../scripts/lib/test-env.mjs';
import { enc, run, scripted, sha, syntheticPolicy, type Handler } from './oci-helpers';

const registries = inject('registries') as unknown as TestRegistries | null;

describe('tags and catalog pagination', () => {
  it('follows relative and absolute Link headers and stops on a repeated URL', async () => {
    const { fn, calls } = scripted((url) => {
      const page = url.searchParams.get('last') ?? '';
      if (page === '')
        return Response.json(
          { tags: ['a', 'b'] },
          { headers: { Link: '</v2/x/tags/list?n=2&last=b>; rel="next"' } },
        );
      if (page === 'b')
        return Response.json(
          { tags: ['c'] },
          { headers: { Link: '<https://r.example/v2/x/tags/list?last=c>; rel="next"' } },
        );
      // Points back to itself: the loop guard must stop.
      return Response.json(
        { tags: ['d'] },
        { headers: { Link: '<https://r.example/v2/x/tags/list?last=c>; rel="next"' } },
      );
    });
    const c = createRegistryClient({ baseUrl: 'https://r.example', fetch: fn, onWarning: () => {} });
    expect(await c.listTags('r.example/x')).toEqual(['a', 'b', 'c', 'd']);
    expect(calls.map((x) => x.url)).toEqual([
      'https://r.example/v2/x/tags/list?n=100',
      'https://r.example/v2/x/tags/list?n=2&last=b',
      'https://r.example/v2/x/tags/list?last=c',
    ]);
    expect(calls.every((x) => !('Accept' in x.headers))).toBe(true);
  });

  it('keeps a proxy path prefix on Links and Locations', async () => {
    const { fn, calls } = scripted((url) =>
      url.search.includes('last')
        ? Response.json({ repositories: ['z'] })
        : Response.json({ repositories: ['y'] }, { headers: { Link: '</v2/_catalog?last=y>; rel="next"' } }),
    );
    const c = createRegistryClient({ baseUrl: 'https://proxy.example/reg', fetch: fn });
    expect(await c.catalog()).toEqual(['y', 'z']);
    expect(calls[1].url).toBe('https://proxy.example/reg/v2/_catalog?last=y');
  });

  it.skipIf(!registries)('lists the real catalog', async () => {
    const r = registries!.noauth;
    const c = createRegistryClient({ baseUrl: r.url });
    await pushPolicy(c, `127.0.0.1:${r.port}/cat/one-${run}:1`, syntheticPolicy(100));
    expect(await c.catalog()).toContain(`cat/one-${run}`);
  });
});

describe('manifests', () => {
  it('sends the exact Accept list and refuses more than 4 MiB', async () => {
    const big = new Uint8Array(4 * 1024 * 1024 + 1).fill(0x20);
    const { fn, calls } = scripted(() => new Response(big, { headers: { 'Content-Type': MT.ociManifest } }));
    const c = createRegistryClient({ baseUrl: 'https://r.example', fetch: fn });
    await expect(c.getManifest('r.example/x:1')).rejects.toMatchObject({ code: 'too-large' });
    expect(calls[0].headers.Accept).toBe(MANIFEST_ACCEPT);
    await expect(c.putManifest('r.example/x:1', big, MT.ociManifest)).rejects.toMatchObject({
      code: 'too-large',
    });
  });

  it('checks a digest reference and Docker-Content-Digest against the bytes', async () => {
    const body = enc('{"schemaVersion":2,"layers":[]}');
    const other = 'sha256:' + 'a'.repeat(64);
    const { fn } = scripted(() => new Response(body, { headers: { 'Docker-Content-Digest': other } }));
    const c = createRegistryClient({ baseUrl: 'https://r.example', fetch: fn });
    await expect(c.getManifest('r.example/x:1')).rejects.toMatchObject({ code: 'digest-mismatch' });
    await expect(c.getManifest(`r.example/x@${other}`)).rejects.toMatchObject({ code: 'digest-mismatch' });
    const ok = scripted(() => new Response(body));
    const m = await createRegistryClient({ baseUrl: 'https://r.example', fetch: ok.fn }).getManifest(
      `r.example/x@${sha(body)}`,
    );
    expect(m.digest).toBe(sha(body));
    expect(m.bytes).toEqual(body);
  });

  it('rejects a body mediaType that differs from Content-Type, and junk', async () => {
    const body = enc(`{"schemaVersion":2,"mediaType":"${MT.ociIndex}","manifests":[]}`);
    const { fn } = scripted(
      () => new Response(body, { headers: { 'Content-Type': `${MT.ociManifest}; charset=utf-8` } }),
    );
    await expect(
      createRegistryClient({ baseUrl: 'https://r.example', fetch: fn }).getManifest('r.example/x:1'),
    ).rejects.toMatchObject({
      code: 'invalid-manifest',
    });
    const junk = scripted(() => new Response('{"schemaVersion":2,"layers":[{"digest":5}]}'));
    await expect(
      createRegistryClient({ baseUrl: 'https://r.example', fetch: junk.fn }).getManifest('r.example/x:1'),
    ).rejects.toMatchObject({
      code: 'invalid-manifest',
    });
  });

  it.skipIf(!registries)('pulls through a one-entry index and refuses a non-wasm layer', async () => {
    const r = registries!.noauth;
    const c = createRegistryClient({ baseUrl: r.url });
    const host = `127.0.0.1:${r.port}`;
    const wasm = syntheticPolicy(500, 'indexed');
    const pushed = await pushPolicy(c, `${host}/idx/p-${run}:m`, wasm);
    const index = enc(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MT.ociIndex,
        manifests: [
          {
            mediaType: MT.ociManifest,
            digest: pushed.digest,
            size: pushed.manifestBytes.length,
            platform: { architecture: 'wasm', os: 'wasip1' },
          },
        ],
      }),
    );
    await c.putManifest(`${host}/idx/p-${run}:i`, index, MT.ociIndex);
    const pulled = await pullPolicy(c, `${host}/idx/p-${run}:i`);
    expect(pulled.bytes).toEqual(wasm);
    expect(pulled.indexDigest).toBe(sha(index));
    expect(pulled.digest).toBe(pushed.digest);
    // An image-like artifact: the config blob exists, the layer type is not wasm.
    const odd = enc(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MT.ociManifest,
        config: {
          mediaType: 'application/vnd.wasm.config.v1+json',
          digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
          size: 2,
        },
        layers: [
          {
            mediaType: 'application/vnd.oci.image.layer.v1.tar',
            digest: pulled.layer.digest,
            size: pulled.layer.size,
          },
        ],
      }),
    );
    await c.putManifest(`${host}/idx/p-${run}:odd`, odd, MT.ociManifest);
    await expect(pullPolicy(c, `${host}/idx/p-${run}:odd`)).rejects.toMatchObject({ code: 'unsupported' });
  });
});

describe('chunked uploads', () => {
  /** A fake registry upload endpoint that keeps the bytes it got, optionally misbehaving. */
  function fakeUploads(opts: {
    shortRange?: boolean;
    reject416Once?: boolean;
    noChunks?: boolean;
    locationQuery?: boolean;
  }) {
    let stored: Uint8Array = new Uint8Array(0);
    let shorted = false;
    let rejected = false;
    const blobs = new Set<string>();
    const handler: Handler = async (url, init) => {
      const m = init.method ?? 'GET';
      if (m === 'HEAD' && url.pathname.includes('/blobs/sha256:'))
        return new Response(null, { status: blobs.has(url.pathname.split('/').pop()!) ? 200 : 404 });
      if (m === 'POST') {
        stored = new Uint8Array(0);
        return new Response(null, {
          status: 202,
          headers: {
            Location: opts.locationQuery ? '/v2/x/blobs/uploads/u1?_state=abc' : '/v2/x/blobs/uploads/u1',
          },
        });
      }
      if (m === 'PATCH') {
        if (opts.noChunks) return new Response('no', { status: 400 });
        const [start] = (init.headers as Record<string, string>)['Content-Range'].split('-').map(Number);
        if (opts.reject416Once && !rejected && start > 0) {
          rejected = true;
          return new Response(null, { status: 416 });
        }
        expect(start).toBe(stored.length);
        let chunk = init.body as Uint8Array;
        if (opts.shortRange && !shorted) {
          shorted = true;
          chunk = chunk.subarray(0, 1000); // keeps less than it was sent
        }
        const next = new Uint8Array(stored.length + chunk.length);
        next.set(stored);
        next.set(chunk, stored.length);
        stored = next;
        return new Response(null, {
          status: 202,
          headers: {
            Location: '/v2/x/blobs/uploads/u1?_state=n' + stored.length,
            Range: `0-${stored.length - 1}`,
          },
        });
      }
      if (m === 'GET' && url.pathname.endsWith('/u1'))
        return new Response(null, {
          status: 204,
          headers: { Range: `0-${stored.length - 1}`, Location: '/v2/x/blobs/uploads/u1' },
        });
      if (m === 'PUT') {
        const body = init.body as Uint8Array;
        if (body.length) stored = body;
        const d = url.searchParams.get('digest')!;
        if (sha(stored) !== d)
          return new Response('{"errors":[{"code":"DIGEST_INVALID","message":"bad"}]}', { status: 400 });
        blobs.add(d);
        return new Response(null, { status: 201 });
      }
      return new Response(null, { status: 500 });
    };
    return { handler, stored: () => stored };
  }
  const data = new Uint8Array(10_000_000).map((_, i) => (i * 7) & 0xff);

  it('PATCHes 4 MiB chunks with inclusive ranges without a bytes prefix, then PUTs ?digest on the newest Location', async () => {
    const f = fakeUploads({ locationQuery: true });
    const { fn, calls } = scripted(f.handler);
    const c = createRegistryClient({ baseUrl: 'https://r.example', fetch: fn });
    const r = await c.uploadBlob('r.example/x', data);
    expect(r.method).toBe('chunked');
    const patches = calls.filter((x) => x.method === 'PATCH');
    expect(patches.map((x) => x.headers['Content-Range'])).toEqual([
      '0-4194303',
      '4194304-8388607',
      '8388608-9999999',
    ]);
    expect(patches[0].url).toBe('https://r.example/v2/x/blobs/uploads/u1?_state=abc');
    const put = calls.find((x) => x.method === 'PUT')!;
    expect(new URL(put.url).searchParams.get('_state')).toBe('n10000000');
    expect(new URL(put.url).searchParams.get('digest')).toBe(sha(data));
    expect(sha(f.stored())).toBe(sha(data));
    expect(calls.every((x) => !('Accept' in x.headers))).toBe(true);
  });

  it('resends from the registry’s Range when it kept less', async () => {
    const f = fakeUploads({ shortRange: true });
    const { fn } = scripted(f.handler);
    await createRegistryClient({ baseUrl: 'https://r.example', fetch: fn }).uploadBlob('r.example/x', data);
    expect(sha(f.stored())).toBe(sha(data));
  });

  it('resumes after a 416 from the upload status', async () => {
    const f = fakeUploads({ reject416Once: true });
    const { fn, calls } = scripted(f.handler);
    await createRegistryClient({ baseUrl: 'https://r.example', fetch: fn }).uploadBlob('r.example/x', data);
    expect(calls.some((x) => x.method === 'GET' && x.url.includes('/uploads/u1'))).toBe(true);
    expect(sha(f.stored())).toBe(sha(data));
  });

  it('falls back to a monolithic upload when the first PATCH fails', async () => {
    const f = fakeUploads({ noChunks: true });
    const warnings: string[] = [];
    const { fn } = scripted(f.handler);
    const r = await createRegistryClient({
      baseUrl: 'https://r.example',
      fetch: fn,
      onWarning: (w) => warnings.push(w),
    }).uploadBlob('r.example/x', data);
    expect(r.method).toBe('monolithic');
    expect(sha(f.stored())).toBe(sha(data));
    expect(warnings.join()).toMatch(/one request/);
  });

  it('stops when cancelled', async () => {
    const f = fakeUploads({});
    const ac = new AbortController();
    const { fn } = scripted(async (url, init) => {
      if (init.method === 'PATCH') ac.abort();
      return f.handler(url, init);
    });
    await expect(
      createRegistryClient({ baseUrl: 'https://r.example', fetch: fn }).uploadBlob('r.example/x', data, {
        signal: ac.signal,
      }),
    ).rejects.toMatchObject({
      code: 'aborted',
    });
  });
});
