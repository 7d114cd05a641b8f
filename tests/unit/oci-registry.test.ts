// The OCI client against real registries: anonymous, htpasswd (direct and via nginx), and token auth.
import { describe, expect, inject, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRegistryClient, DEFAULT_CHUNK, RegistryError, type Credentials } from '../../src/lib/oci';
import { pullPolicy, pushPolicy } from '../../src/lib/kubewarden';
import type { TestRegistries } from '../../scripts/lib/test-env.mjs';
import { corpus, corpusDir } from './helpers';
import { run, sha, syntheticPolicy } from './oci-helpers';

const registries = inject('registries') as unknown as TestRegistries | null;

async function expectCode(p: Promise<unknown>, code: string) {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e, `expected a RegistryError ${code}`).toBeInstanceOf(RegistryError);
  expect((e as RegistryError).code).toBe(code);
  return e as RegistryError;
}

function blobFile(dataDir: string, digest: string) {
  const hex = digest.slice(7);
  return join(dataDir, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
}

type Setup = {
  name: string;
  base: () => string;
  host: () => string;
  dataDir: () => string;
  credentials?: () => Credentials;
};
const setups: Setup[] = [
  {
    name: 'noauth',
    base: () => registries!.noauth.url,
    host: () => `127.0.0.1:${registries!.noauth.port}`,
    dataDir: () => registries!.noauth.dataDir,
  },
  {
    name: 'htpasswd via nginx',
    base: () => registries!.htpasswd.url,
    host: () => `127.0.0.1:${registries!.htpasswd.port}`,
    dataDir: () => registries!.htpasswd.dataDir,
    credentials: () => ({ username: 'dev', password: 'devpass' }),
  },
  {
    name: 'token',
    base: () => registries!.token.upstreamUrl,
    host: () => `127.0.0.1:${registries!.token.upstreamPort}`,
    dataDir: () => registries!.token.dataDir,
    credentials: () => ({ username: 'dev', password: 'devpass' }),
  },
];

describe.skipIf(!registries)('OCI client against real registries', () => {
  describe.each(setups)('$name', (s) => {
    const client = (o: { chunkSize?: number } = {}) =>
      createRegistryClient({ baseUrl: s.base(), credentials: s.credentials?.(), ...o });

    it('pushes a small policy (monolithic), pulls it back, and HEAD-dedups a second push', async () => {
      const wasm = syntheticPolicy(50_000, `small-${s.name}`);
      const ref = `${s.host()}/wasmlens/small-${run}:v1`;
      const c = client();
      const pushed = await pushPolicy(c, ref, wasm);
      expect(pushed.uploads[0]).toBe('monolithic');
      expect(pushed.digest).toBe(sha(pushed.manifestBytes));
      expect(pushed.immutableRef).toBe(`${s.host()}/wasmlens/small-${run}@${pushed.digest}`);
      const pulled = await pullPolicy(c, ref);
      expect(pulled.bytes).toEqual(wasm);
      expect(pulled.digest).toBe(pushed.digest);
      expect(pulled.manifestBytes).toEqual(pushed.manifestBytes);
      expect(pulled.manifest.annotations).toEqual({
        'io.kubewarden.policy.title': `small-${s.name}`,
        'io.kubewarden.policy.source': 'https://example.test/p',
        'org.opencontainers.image.source': 'https://example.test/p',
      });
      const again = await pushPolicy(c, `${s.host()}/wasmlens/small-${run}:v2`, wasm);
      expect(again.uploads[0]).toBe('existing');
      expect(sortedTags(await c.listTags(ref))).toEqual(['v1', 'v2']);
      const byDigest = await pullPolicy(c, pushed.immutableRef);
      expect(byDigest.bytes).toEqual(wasm);
    });

    it('uploads a 14 MB module in 4 MiB chunks and reads it back verified', async () => {
      const wasm = syntheticPolicy(14_000_000, `big-${s.name}`);
      const ref = `${s.host()}/wasmlens/big-${run}:v1`;
      const progress: number[] = [];
      // 4 MiB is what a hosted registry gets by default; one on this machine would get the blob in one request.
      const chunked = client({ chunkSize: DEFAULT_CHUNK });
      const pushed = await pushPolicy(chunked, ref, wasm, { onProgress: (d) => progress.push(d) });
      expect(pushed.uploads[0]).toBe('chunked');
      expect(progress.length).toBeGreaterThanOrEqual(4);
      expect(progress[progress.length - 1]).toBe(wasm.length + 2);
      const pulled = await pullPolicy(client(), ref);
      expect(pulled.bytes.length).toBe(wasm.length);
      expect(sha(pulled.bytes)).toBe(sha(wasm));
    });

    it('rejects a tampered blob as digest-mismatch, and a cut one as size-mismatch', async () => {
      const wasm = syntheticPolicy(20_000, `tamper-${s.name}`);
      const ref = `${s.host()}/wasmlens/tamper-${run}:v1`;
      const c = client();
      await pushPolicy(c, ref, wasm);
      const evil = wasm.slice();
      evil[evil.length - 3] ^= 0xff;
      writeFileSync(blobFile(s.dataDir(), sha(wasm)), evil);
      const e = await expectCode(pullPolicy(c, ref), 'digest-mismatch');
      expect(e.message).toContain(sha(wasm));
      // Same size, different bytes: the whole body was read and hashed.
      writeFileSync(blobFile(s.dataDir(), sha(wasm)), evil.subarray(0, 100));
      await expectCode(pullPolicy(c, ref), 'size-mismatch');
    });

    it('reports a missing tag as not-found', async () => {
      await expectCode(pullPolicy(client(), `${s.host()}/wasmlens/nothing-${run}:v9`), 'not-found');
    });
  });

  describe.skipIf(!corpusDir())('corpus policy', () => {
    it('pushes file 6 with kwctl’s exact manifest; skopeo reads the same bytes', async () => {
      const r = registries!.noauth;
      const wasm = corpus('kw-javy-js-sdk-demo-annotated-kwctl1.25.0.wasm');
      const c = createRegistryClient({ baseUrl: r.url });
      const pushed = await pushPolicy(c, `127.0.0.1:${r.port}/kw/js-demo:${run}`, wasm);
      expect(pushed.digest).toBe('sha256:648fd1ad3a21b131336a7061339ff2b1fe94369da402494625d5c6d9acd85422');
      const raw = execFileSync('skopeo', [
        'inspect',
        '--raw',
        '--tls-verify=false',
        `docker://127.0.0.1:${r.port}/kw/js-demo:${run}`,
      ]);
      expect(sha(new Uint8Array(raw))).toBe(pushed.digest);
      const m = JSON.parse(raw.toString());
      expect(m.config.digest).toBe('sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
      expect(m.layers[0].digest).toBe(
        'sha256:3e8f13348496ad441d0558ca2154d91d64ea3635bd1fc19f91c999092429c099',
      );
      const tags = execFileSync('skopeo', [
        'list-tags',
        '--tls-verify=false',
        `docker://127.0.0.1:${r.port}/kw/js-demo`,
      ]);
      expect(JSON.parse(tags.toString()).Tags).toContain(run);
    });

    it('pulls an artifact that skopeo pushed (via htpasswd)', async () => {
      const r = registries!.htpasswd;
      const c = createRegistryClient({
        baseUrl: r.url,
        credentials: { username: 'dev', password: 'devpass' },
      });
      await pushPolicy(
        c,
        `127.0.0.1:${r.port}/kw/src:${run}`,
        corpus('kw-tinygo-safe-labels-annotated-kwctl1.6.0.wasm'),
      );
      execFileSync('skopeo', [
        'copy',
        '--src-tls-verify=false',
        '--dest-tls-verify=false',
        '--src-creds=dev:devpass',
        '--dest-creds=dev:devpass',
        `docker://127.0.0.1:${r.upstreamPort}/kw/src:${run}`,
        `docker://127.0.0.1:${r.upstreamPort}/kw/copied:${run}`,
      ]);
      const pulled = await pullPolicy(c, `127.0.0.1:${r.port}/kw/copied:${run}`);
      expect(sha(pulled.bytes)).toBe(
        'sha256:bfa9d146cc5877f6bf07b67c446245bbde3811b4eba48f58ecbe19301e62a895',
      );
      expect(pulled.digest).toBe('sha256:c2ea90015ce61ea6c326a99c63e77f7a7fd1bbf8149b44ca409160370df94b0c');
    });
  });

  describe('auth failures and token flows', () => {
    const wasm = () => syntheticPolicy(1000, 'auth');

    it('htpasswd: wrong password is unauthorized, no credentials is unauthorized', async () => {
      const r = registries!.htpasswd;
      const bad = createRegistryClient({
        baseUrl: r.upstreamUrl,
        credentials: { username: 'dev', password: 'nope' },
      });
      await expectCode(pushPolicy(bad, `127.0.0.1:${r.upstreamPort}/a/b:1`, wasm()), 'unauthorized');
      const none = createRegistryClient({ baseUrl: r.upstreamUrl });
      await expectCode(none.listTags(`127.0.0.1:${r.upstreamPort}/a/b`), 'unauthorized');
    });

    it('token: wrong password is unauthorized, a reader cannot push (denied) but can pull', async () => {
      const r = registries!.token;
      const ref = `127.0.0.1:${r.upstreamPort}/team/reader-${run}:v1`;
      await pushPolicy(
        createRegistryClient({
          baseUrl: r.upstreamUrl,
          credentials: { username: 'dev', password: 'devpass' },
        }),
        ref,
        wasm(),
      );
      const bad = createRegistryClient({
        baseUrl: r.upstreamUrl,
        credentials: { username: 'dev', password: 'x' },
      });
      await expectCode(pullPolicy(bad, ref), 'unauthorized');
      const reader = createRegistryClient({
        baseUrl: r.upstreamUrl,
        credentials: { username: 'reader', password: 'readerpass' },
      });
      const e = await expectCode(
        pushPolicy(reader, `127.0.0.1:${r.upstreamPort}/team/reader-${run}:v2`, wasm()),
        'denied',
      );
      expect(e.message).toMatch(/lack permission/);
      expect((await pullPolicy(reader, ref)).bytes).toEqual(wasm());
      // Without credentials a missing scope asks the user to sign in, rather than blaming an account.
      const anonymous = createRegistryClient({ baseUrl: r.upstreamUrl });
      const anon = await expectCode(pullPolicy(anonymous, ref), 'unauthorized');
      expect(anon.message).toMatch(/requires credentials/);
    });

    it('token: anonymous pull of a public repository, OAuth2 POST with refresh, and token reuse', async () => {
      const r = registries!.token;
      const ref = `127.0.0.1:${r.upstreamPort}/public/demo-${run}:v1`;
      const calls: string[] = [];
      const counting: typeof fetch = (input, init) => {
        const url = String(input instanceof Request ? input.url : input);
        if (url.startsWith(r.realm)) calls.push(`${init?.method ?? 'GET'} token`);
        return fetch(input, init);
      };
      const pusher = createRegistryClient({
        baseUrl: r.upstreamUrl,
        fetch: counting,
        credentials: { username: 'dev', password: 'devpass' },
        authMode: 'oauth2',
      });
      await pushPolicy(pusher, ref, wasm());
      expect(calls.filter((c) => c === 'POST token').length).toBeGreaterThan(0);
      expect(calls.some((c) => c === 'GET token')).toBe(false);
      // One token for pull,push serves the whole push (blobs, uploads, manifest).
      expect(calls.length).toBeLessThanOrEqual(2);
      const before = calls.length;
      await pushPolicy(pusher, ref.replace(':v1', ':v2'), wasm());
      expect(calls.length).toBe(before);
      const anon = createRegistryClient({ baseUrl: r.upstreamUrl });
      expect((await pullPolicy(anon, ref)).bytes).toEqual(wasm());
      await expectCode(pushPolicy(anon, ref.replace(':v1', ':v3'), wasm()), 'unauthorized');
    });

    it('token: works through nginx with the realm on the proxy origin', async () => {
      const r = registries!.token;
      const c = createRegistryClient({
        baseUrl: r.url,
        credentials: { username: 'dev', password: 'devpass' },
      });
      const ref = `127.0.0.1:${r.port}/team/nginx-${run}:v1`;
      const pushed = await pushPolicy(c, ref, wasm());
      expect((await pullPolicy(c, ref)).digest).toBe(pushed.digest);
    });
  });
});

function sortedTags(tags: string[]) {
  return [...tags].sort();
}
