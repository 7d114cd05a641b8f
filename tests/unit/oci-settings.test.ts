// The per-registry settings of oci.md §8.5 in the client (scripted fetches) and their validation in storage.
import { describe, expect, it } from 'vitest';
import { createRegistryClient, RegistryError, sanitizeSettings, settingsProblem } from '../../src/lib/oci';
import { MT } from '../../src/lib/common';
import { scripted, sha, type Handler } from './oci-helpers';

const MiB = 1024 * 1024;
const data = new Uint8Array(3 * MiB + 123).map((_, i) => (i * 13) & 0xff);

/** An upload endpoint that appends every chunk as it comes (as distribution does), answering `Range` from `range`. */
function uploads(range: (stored: number) => string) {
  let stored: Uint8Array = new Uint8Array(0);
  const blobs = new Set<string>();
  const handler: Handler = (url, init) => {
    const m = init.method ?? 'GET';
    if (m === 'HEAD')
      return new Response(null, { status: blobs.has(url.pathname.split('/').pop()!) ? 200 : 404 });
    if (m === 'POST') {
      stored = new Uint8Array(0);
      return new Response(null, { status: 202, headers: { Location: '/v2/x/blobs/uploads/u1' } });
    }
    if (m === 'PATCH') {
      const chunk = init.body as Uint8Array;
      const next = new Uint8Array(stored.length + chunk.length);
      next.set(stored);
      next.set(chunk, stored.length);
      stored = next;
      return new Response(null, {
        status: 202,
        headers: { Location: '/v2/x/blobs/uploads/u1', Range: range(stored.length) },
      });
    }
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

describe('upload mode and chunk size', () => {
  it('monolithic sends one PUT with the whole blob and no PATCH, even above the chunk size', async () => {
    const f = uploads((n) => `0-${n - 1}`);
    const { fn, calls } = scripted(f.handler);
    const c = createRegistryClient({
      baseUrl: 'https://r.example',
      fetch: fn,
      uploadMode: 'monolithic',
      chunkSize: MiB,
    });
    expect((await c.uploadBlob('r.example/x', data)).method).toBe('monolithic');
    expect(calls.filter((x) => x.method === 'PATCH')).toHaveLength(0);
    expect(calls.find((x) => x.method === 'PUT')!.body!.length).toBe(data.length);
    expect(sha(f.stored())).toBe(sha(data));
  });

  it('chunked with 1 MiB sends PATCHes of at most 1 MiB, covering the blob in order', async () => {
    const f = uploads((n) => `0-${n - 1}`);
    const { fn, calls } = scripted(f.handler);
    const c = createRegistryClient({
      baseUrl: 'https://r.example',
      fetch: fn,
      uploadMode: 'chunked',
      chunkSize: MiB,
    });
    expect((await c.uploadBlob('r.example/x', data)).method).toBe('chunked');
    const patches = calls.filter((x) => x.method === 'PATCH');
    expect(patches).toHaveLength(4);
    expect(patches.every((p) => p.body!.length <= MiB)).toBe(true);
    expect(patches.map((p) => p.headers['Content-Range'])).toEqual([
      `0-${MiB - 1}`,
      `${MiB}-${2 * MiB - 1}`,
      `${2 * MiB}-${3 * MiB - 1}`,
      `${3 * MiB}-${data.length - 1}`,
    ]);
    expect(sha(f.stored())).toBe(sha(data));
  });

  it('chunked applies to small blobs too (auto would send them in one request)', async () => {
    const small = data.subarray(0, 5000);
    for (const [mode, patches] of [
      ['chunked', 1],
      ['auto', 0],
    ] as const) {
      const { fn, calls } = scripted(uploads((n) => `0-${n - 1}`).handler);
      await createRegistryClient({ baseUrl: 'https://r.example', fetch: fn, uploadMode: mode }).uploadBlob(
        'r.example/x',
        small,
      );
      expect(calls.filter((x) => x.method === 'PATCH')).toHaveLength(patches);
    }
  });
});

describe('trust Range', () => {
  // A stale Range (ECR, aws/containers-roadmap#2831): the registry has every byte but keeps saying 0-999.
  const stale = () => '0-999';

  it('by default, a short Range makes the client resend, which a stale registry turns into a failure', async () => {
    const { fn } = scripted(uploads(stale).handler);
    const c = createRegistryClient({
      baseUrl: 'https://r.example',
      fetch: fn,
      uploadMode: 'chunked',
      chunkSize: MiB,
    });
    await expect(c.uploadBlob('r.example/x', data)).rejects.toBeInstanceOf(RegistryError);
  });

  it('with trustRange false, the client keeps its own offset and the blob arrives intact', async () => {
    const f = uploads(stale);
    const { fn, calls } = scripted(f.handler);
    const c = createRegistryClient({
      baseUrl: 'https://r.example',
      fetch: fn,
      uploadMode: 'chunked',
      chunkSize: MiB,
      trustRange: false,
    });
    expect((await c.uploadBlob('r.example/x', data)).method).toBe('chunked');
    expect(calls.filter((x) => x.method === 'PATCH')).toHaveLength(4);
    expect(sha(f.stored())).toBe(sha(data));
  });
});

describe('referrers mode', () => {
  const subject = `sha256:${'ab'.repeat(32)}`;
  const tagPath = `/v2/x/manifests/sha256-${'ab'.repeat(32)}`;
  const referrer = {
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: `sha256:${'cd'.repeat(32)}`,
    size: 9,
    artifactType: 'application/x-test',
  };
  /** No referrers API (404); the fallback tag holds an index with one referrer. */
  const handler: Handler = (url) => {
    if (url.pathname.includes('/referrers/')) return new Response('404 page not found', { status: 404 });
    if (url.pathname === tagPath)
      return new Response(
        JSON.stringify({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: [referrer] }),
        {
          headers: { 'Content-Type': MT.ociIndex },
        },
      );
    return new Response(null, { status: 404 });
  };
  const referrers = async (referrersMode?: 'auto' | 'api' | 'tag') => {
    const { fn, calls } = scripted(handler);
    const c = createRegistryClient({ baseUrl: 'https://r.example', fetch: fn, referrersMode });
    const result = await c.referrers('r.example/x', subject);
    return { result, paths: calls.map((x) => new URL(x.url).pathname) };
  };

  it('auto asks the API, then reads the fallback tag', async () => {
    const { result, paths } = await referrers();
    expect(result.via).toBe('tag');
    expect(result.descriptors.map((d) => d.digest)).toEqual([referrer.digest]);
    expect(paths.some((p) => p.includes('/referrers/'))).toBe(true);
  });

  it('tag never calls the referrers API', async () => {
    const { result, paths } = await referrers('tag');
    expect(result.via).toBe('tag');
    expect(result.descriptors).toHaveLength(1);
    expect(paths.some((p) => p.includes('/referrers/'))).toBe(false);
  });

  it('api never reads the fallback tag: without the API there are no referrers', async () => {
    const { result, paths } = await referrers('api');
    expect(result).toEqual({ descriptors: [], via: 'none' });
    expect(paths).not.toContain(tagPath);
  });
});

describe('auth mode anonymous', () => {
  it('never sends Authorization, even with credentials, and reports the 401 as unauthorized', async () => {
    const { fn, calls } = scripted(
      () => new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="r"' } }),
    );
    const c = createRegistryClient({
      baseUrl: 'https://r.example',
      fetch: fn,
      authMode: 'anonymous',
      credentials: { username: 'dev', password: 'pw' },
    });
    const err = await c.getManifest('r.example/x:1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).code).toBe('unauthorized');
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((x) => !Object.keys(x.headers).some((h) => h.toLowerCase() === 'authorization'))).toBe(
      true,
    );
  });
});

describe('settings validation (typed by a user, or stored by another version)', () => {
  it('keeps valid values', () => {
    const good = {
      authMode: 'bearer',
      tokenEndpoint: 'https://auth.example/token',
      uploadMode: 'chunked',
      chunkSize: MiB,
      trustRange: false,
      referrersMode: 'tag',
    };
    expect(sanitizeSettings(good)).toEqual(good);
  });

  it('drops defaults, so an untouched form stores nothing, and trims the token endpoint', () => {
    expect(
      sanitizeSettings({ authMode: 'auto', uploadMode: 'auto', referrersMode: 'auto', trustRange: true }),
    ).toEqual({});
    expect(sanitizeSettings({ tokenEndpoint: '  https://a.example/t ' })).toEqual({
      tokenEndpoint: 'https://a.example/t',
    });
  });

  it('names the problem in user input', () => {
    expect(settingsProblem({ authMode: 'auto', chunkSize: 1024, tokenEndpoint: '' })).toBeNull();
    expect(settingsProblem({ chunkSize: 10 })).toMatch(/chunk size .* 1024 to 1073741824/);
    expect(settingsProblem({ chunkSize: 1024.5 })).toMatch(/whole number/);
    expect(settingsProblem({ tokenEndpoint: 'ftp://a.example/t' })).toMatch(/https:\/\/ or http:\/\//);
    expect(settingsProblem({ tokenEndpoint: 'https://u:p@a.example/t' })).toMatch(/credentials/);
    expect(settingsProblem({ uploadMode: 'streamed' as 'auto' })).toMatch(/upload mode "streamed"/);
  });

  it('drops unknown modes, bad sizes, non-boolean flags and unsafe token endpoints', () => {
    expect(
      sanitizeSettings({
        authMode: 'root',
        uploadMode: 'streamed',
        referrersMode: 1,
        chunkSize: 0,
        trustRange: 'no',
        tokenEndpoint: 'javascript:alert(1)',
      }),
    ).toEqual({});
    for (const chunkSize of [-1, 1.5, 100, 2 ** 31, Number.NaN, '1048576'])
      expect(sanitizeSettings({ chunkSize })).toEqual({});
    expect(sanitizeSettings({ tokenEndpoint: 'https://u:p@auth.example/token' })).toEqual({});
    expect(sanitizeSettings({ tokenEndpoint: 'not a url' })).toEqual({});
    for (const v of [null, undefined, 'x', 42, []]) expect(sanitizeSettings(v)).toEqual({});
  });

  it('keeps a download limit from 1 MiB to 4 GiB and names the problem otherwise', () => {
    expect(sanitizeSettings({ maxBlobBytes: 2 ** 30 })).toEqual({ maxBlobBytes: 2 ** 30 });
    for (const maxBlobBytes of [0, 2 ** 20 - 1, 2 ** 32 + 1, 2 ** 20 + 0.5, '1073741824'])
      expect(sanitizeSettings({ maxBlobBytes })).toEqual({});
    expect(settingsProblem({ maxBlobBytes: 2 ** 20 })).toBeNull();
    expect(settingsProblem({ maxBlobBytes: 2 ** 33 })).toMatch(/download limit .* \(4 GiB\)/);
  });
});
