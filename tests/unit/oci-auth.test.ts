// Auth and credential safety, referrers and signatures, and the CORS diagnosis.
import { describe, expect, inject, it, vi } from 'vitest';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRegistryClient, diagnoseFailure, RegistryError } from '../../src/lib/oci';
import { MT } from '../../src/lib/common';
import { pushPolicy } from '../../src/lib/kubewarden';
import type { TestRegistries } from '../../scripts/lib/test-env.mjs';
import { enc, run, scripted, sha, syntheticPolicy } from './oci-helpers';

const registries = inject('registries') as unknown as TestRegistries | null;

describe('credentials stay with the registry origin', () => {
  it('a blob redirected to another origin is fetched without Authorization', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const blob = enc('hello blob');
    const storage = createServer((req, res) => {
      seen.push(req.headers);
      res.end(blob);
    });
    await new Promise<void>((r) => storage.listen(0, '127.0.0.1', r));
    const storagePort = (storage.address() as AddressInfo).port;
    const registry = createServer((req, res) => {
      if (!req.headers.authorization) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="x"' }).end();
        return;
      }
      res.writeHead(307, { Location: `http://localhost:${storagePort}/blob` }).end();
    });
    await new Promise<void>((r) => registry.listen(0, '127.0.0.1', r));
    const port = (registry.address() as AddressInfo).port;
    try {
      const c = createRegistryClient({
        baseUrl: `http://127.0.0.1:${port}`,
        credentials: { username: 'u', password: 'p' },
      });
      const got = await c.getBlob(`127.0.0.1:${port}/x`, { digest: sha(blob), size: blob.length });
      expect(got).toEqual(blob);
      expect(seen).toHaveLength(1);
      expect(seen[0].authorization).toBeUndefined();
    } finally {
      storage.close();
      registry.close();
    }
  });

  it('never puts credentials in URLs and sends UTF-8 Basic', async () => {
    const { fn, calls } = scripted((_u, init) =>
      (init.headers as Record<string, string>).Authorization
        ? Response.json({ tags: [] })
        : new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'Basic realm=r' } }),
    );
    await createRegistryClient({
      baseUrl: 'https://r.example',
      fetch: fn,
      credentials: { username: 'jür', password: 'pä:ss' },
    }).listTags('r.example/x');
    expect(calls[1].headers.Authorization).toBe(`Basic ${Buffer.from('jür:pä:ss').toString('base64')}`);
    expect(calls.some((x) => /jür|p%C3%A4/.test(x.url))).toBe(false);
  });

  it('falls back from OAuth2 POST (404) to GET and warns before sending credentials to another realm host', async () => {
    const warnings: string[] = [];
    const { fn, calls } = scripted((url, init) => {
      if (url.host === 'auth.example') {
        if (init.method === 'POST') return new Response('nope', { status: 404 });
        return Response.json({ token: 'T1', expires_in: 300 });
      }
      const authz = (init.headers as Record<string, string>).Authorization;
      if (authz === 'Bearer T1') return Response.json({ tags: ['a'] });
      return new Response(null, {
        status: 401,
        headers: {
          'WWW-Authenticate':
            'Bearer realm="https://auth.example/token",service="reg",scope="repository:x:pull"',
        },
      });
    });
    const c = createRegistryClient({
      baseUrl: 'https://r.example',
      fetch: fn,
      credentials: { username: 'u', password: 'p' },
      authMode: 'oauth2',
      onWarning: (w) => warnings.push(w),
    });
    expect(await c.listTags('r.example/x')).toEqual(['a']);
    expect(await c.listTags('r.example/x')).toEqual(['a']);
    expect(warnings.join()).toMatch(/auth\.example/);
    const tokenCalls = calls.filter((x) => x.url.startsWith('https://auth.example'));
    expect(tokenCalls.map((x) => x.method)).toEqual(['POST', 'GET']);
    const get = new URL(tokenCalls[1].url);
    expect(get.searchParams.getAll('scope')).toEqual(['repository:x:pull']);
    expect(get.searchParams.get('service')).toBe('reg');
    // Second listing reused the cached token: only one more registry call.
    expect(calls.filter((x) => x.url.startsWith('https://r.example')).length).toBe(3);
  });

  it('refuses a plain-http realm that is not loopback, and can decline sending credentials', async () => {
    const { fn } = scripted(
      () =>
        new Response(null, {
          status: 401,
          headers: { 'WWW-Authenticate': 'Bearer realm="http://auth.example/t"' },
        }),
    );
    await expect(
      createRegistryClient({ baseUrl: 'https://r.example', fetch: fn }).listTags('r.example/x'),
    ).rejects.toMatchObject({ code: 'unsupported' });
    const s2 = scripted((url, init) => {
      if (url.host === 'auth.example') {
        expect((init.headers as Record<string, string>).Authorization).toBeUndefined();
        return Response.json({ token: 'anon' });
      }
      return (init.headers as Record<string, string>).Authorization === 'Bearer anon'
        ? Response.json({ tags: [] })
        : new Response(null, {
            status: 401,
            headers: { 'WWW-Authenticate': 'Bearer realm="https://auth.example/t",service=s' },
          });
    });
    const c = createRegistryClient({
      baseUrl: 'https://r.example',
      fetch: s2.fn,
      credentials: { username: 'u', password: 'p' },
      confirmRealm: () => false,
    });
    expect(await c.listTags('r.example/x')).toEqual([]);
  });

  it('asks once about a realm on another host when requests meet the challenge together', async () => {
    const { fn } = scripted((url, init) => {
      if (url.host === 'auth.example') return Response.json({ token: 'T' });
      return (init.headers as Record<string, string>).Authorization === 'Bearer T'
        ? Response.json({ tags: ['a'] })
        : new Response(null, {
            status: 401,
            headers: { 'WWW-Authenticate': 'Bearer realm="https://auth.example/t",service=s' },
          });
    });
    const asked: string[] = [];
    let allow: (ok: boolean) => void = () => {};
    const c = createRegistryClient({
      baseUrl: 'https://r.example',
      fetch: fn,
      credentials: { username: 'u', password: 'p' },
      confirmRealm: (realm) => {
        asked.push(realm);
        return new Promise<boolean>((resolve) => (allow = resolve));
      },
    });
    const both = Promise.all([c.listTags('r.example/x'), c.listTags('r.example/y')]);
    await vi.waitFor(() => expect(asked).toHaveLength(1));
    allow(true);
    expect(await both).toEqual([['a'], ['a']]);
    expect(asked).toEqual(['https://auth.example/t']);
  });

  it('fetches a new token when the registry refuses a cached one, and surfaces Warning headers', async () => {
    let issued = 0;
    let valid = '';
    const warnings: string[] = [];
    const { fn } = scripted((url, init) => {
      if (url.host === 'auth.example') {
        valid = `T${++issued}`;
        return Response.json({ token: valid, expires_in: 3600 });
      }
      const authz = (init.headers as Record<string, string>).Authorization;
      if (authz === `Bearer ${valid}`)
        return Response.json(
          { tags: ['a'] },
          { headers: { Warning: '299 - "this registry is deprecated"' } },
        );
      return new Response(null, {
        status: 401,
        headers: { 'WWW-Authenticate': 'Bearer realm="https://auth.example/t",service=s' },
      });
    });
    const c = createRegistryClient({
      baseUrl: 'https://r.example',
      fetch: fn,
      onWarning: (w) => warnings.push(w),
    });
    expect(await c.listTags('r.example/x')).toEqual(['a']);
    valid = 'revoked'; // the server forgets T1 before its expiry
    expect(await c.listTags('r.example/x')).toEqual(['a']);
    expect(issued).toBe(2);
    expect(warnings).toContain('this registry is deprecated');
  });

  it('maps 403 to denied and 429 to rate-limited with the registry’s error text', async () => {
    const body = '{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}';
    const { fn } = scripted(() => new Response(body, { status: 403 }));
    const e = (await createRegistryClient({ baseUrl: 'https://r.example', fetch: fn })
      .listTags('r.example/x')
      .catch((x) => x)) as RegistryError;
    expect(e.code).toBe('denied');
    expect(e.message).toContain('requested access to the resource is denied');
    expect(e.detail?.[0].code).toBe('DENIED');
    const rl = scripted(() => new Response('', { status: 429 }));
    await expect(
      createRegistryClient({ baseUrl: 'https://r.example', fetch: rl.fn }).listTags('r.example/x'),
    ).rejects.toMatchObject({ code: 'rate-limited' });
    const down = scripted(() => Promise.reject(new TypeError('Failed to fetch')));
    await expect(
      createRegistryClient({ baseUrl: 'https://r.example', fetch: down.fn }).listTags('r.example/x'),
    ).rejects.toMatchObject({ code: 'network' });
  });
});

describe.skipIf(!registries)('referrers and cosign tags (distribution has no referrers API)', () => {
  it('finds nothing, then a cosign .sig tag and a fallback-tag referrer', async () => {
    const r = registries!.noauth;
    const host = `127.0.0.1:${r.port}`;
    const c = createRegistryClient({ baseUrl: r.url });
    const pushed = await pushPolicy(c, `${host}/sig/p-${run}:v1`, syntheticPolicy(300, 'signed'));
    const sigTag = `${pushed.digest.replace(':', '-')}.sig`;
    expect(await c.headManifest(`${host}/sig/p-${run}:${sigTag}`)).toBeNull();
    expect((await c.referrers(`${host}/sig/p-${run}`, pushed.digest)).via).toBe('none');
    // A cosign-style signature manifest under sha256-<hex>.sig (payload contents do not matter here).
    const payload = enc('{"critical":{}}');
    const up = await c.uploadBlob(`${host}/sig/p-${run}`, payload);
    const sigManifest = enc(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MT.ociManifest,
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: up.digest,
          size: payload.length,
        },
        layers: [
          {
            mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
            digest: up.digest,
            size: payload.length,
          },
        ],
      }),
    );
    await c.putManifest(`${host}/sig/p-${run}:${sigTag}`, sigManifest, MT.ociManifest);
    expect((await c.headManifest(`${host}/sig/p-${run}:${sigTag}`))?.digest).toBe(sha(sigManifest));
    // Fallback referrers index under sha256-<hex>.
    const index = enc(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MT.ociIndex,
        manifests: [
          {
            mediaType: MT.ociManifest,
            digest: sha(sigManifest),
            size: sigManifest.length,
            artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
          },
        ],
      }),
    );
    await c.putManifest(`${host}/sig/p-${run}:${pushed.digest.replace(':', '-')}`, index, MT.ociIndex);
    const refs = await c.referrers(`${host}/sig/p-${run}`, pushed.digest, {
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    });
    expect(refs.via).toBe('tag');
    expect(refs.descriptors.map((d) => d.digest)).toEqual([sha(sigManifest)]);
    expect(
      (await c.referrers(`${host}/sig/p-${run}`, pushed.digest, { artifactType: 'x/other' })).descriptors,
    ).toEqual([]);
  });
});

describe('diagnoseFailure (oci.md §8.6 order)', () => {
  const page = 'https://wasmlens.example';
  it('mixed content and local network are decided before sending', async () => {
    const { fn, calls } = scripted(() => new Response(''));
    expect((await diagnoseFailure('http://reg.example', { pageOrigin: page, fetch: fn })).code).toBe(
      'mixed-content',
    );
    expect((await diagnoseFailure('http://127.0.0.1:5000', { pageOrigin: page, fetch: fn })).code).toBe(
      'local-network',
    );
    expect(calls).toHaveLength(0);
  });
  it('unreachable, missing CORS, failed preflight, hidden headers, ok', async () => {
    const mk = (fail: (init: RequestInit) => boolean, headers: Record<string, string> = {}) =>
      scripted((_u, init) =>
        fail(init) ? Promise.reject(new TypeError('Failed to fetch')) : new Response('{}', { headers }),
      ).fn;
    const d = (f: typeof fetch) =>
      diagnoseFailure('https://reg.example', { pageOrigin: page, fetch: f }).then((x) => x.code);
    expect(await d(mk(() => true))).toBe('unreachable');
    expect(await d(mk((i) => i.mode !== 'no-cors'))).toBe('cors-missing');
    expect(await d(mk((i) => !!(i.headers as Record<string, string> | undefined)?.Authorization))).toBe(
      'preflight-failed',
    );
    expect(await d(mk(() => false))).toBe('hidden-headers');
    expect(await d(mk(() => false, { 'Docker-Distribution-Api-Version': 'registry/2.0' }))).toBe('ok');
    const cors = await diagnoseFailure('https://reg.example', {
      pageOrigin: page,
      fetch: mk((i) => i.mode !== 'no-cors'),
    });
    expect(cors.recipes?.distribution).toContain(`Access-Control-Allow-Origin: ['${page}']`);
    expect(cors.recipes?.nginx).toContain(`"${page}" $http_origin;`);
  });
});
