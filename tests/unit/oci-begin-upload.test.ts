// A push that must hash the module first begins its upload meanwhile (issue 18): the session opens and, where the
// blob goes in one request, its bytes travel while the hash runs; a PUT `?digest=` with no body ends it. The
// registry's own digest check (distribution answers 400 DIGEST_INVALID to a wrong one) is what proves the bytes.
import { describe, expect, inject, it, vi } from 'vitest';
import { createRegistryClient } from '../../src/lib/oci';
import { pushPolicy } from '../../src/lib/kubewarden';
import type { TestRegistries } from '../../scripts/lib/test-env.mjs';
import { run, scripted, sha, syntheticPolicy } from './oci-helpers';

const registries = inject('registries') as unknown as TestRegistries | null;

/** Node's fetch, recording "METHOD path" with upload ids and digests made readable. */
function recording() {
  const calls: string[] = [];
  const fetchFn: typeof fetch = (input, init) => {
    const u = new URL(String(input));
    const path = u.pathname.replace(/[0-9a-f-]{36}$/, '<id>').replace(/sha256:\w+/, 'sha');
    const digest = u.searchParams.get('digest') ? '?digest' : '';
    const size = init?.body instanceof Blob ? ` ${init.body.size}` : '';
    calls.push(`${init?.method ?? 'GET'} ${path}${digest}${size}`);
    return globalThis.fetch(input, init);
  };
  return { calls, fetchFn };
}

describe.skipIf(!registries)('a push that must hash the module', () => {
  const port = () => registries!.noauth.port;

  it('sends the bytes while it hashes, ends with an empty PUT ?digest=, and the registry holds them', async () => {
    const { calls, fetchFn } = recording();
    const c = createRegistryClient({ baseUrl: registries!.noauth.url, fetch: fetchFn });
    const repo = `begin/whole-${run}`;
    const wasm = syntheticPolicy(3_000_000, 'sent ahead');
    const pushed = await pushPolicy(c, `127.0.0.1:${port()}/${repo}:v1`, wasm);
    expect(pushed.uploads).toEqual(['chunked', 'monolithic']);
    const layer = calls.filter((x) => /uploads\/(<id>)?(\?digest)?( \d+)?$/.test(x));
    // The layer's POST goes first, before the hash ends; its bytes in one PATCH; its PUT carries nothing.
    expect(calls[0]).toBe(`POST /v2/${repo}/blobs/uploads/`);
    expect(layer).toContain(`PATCH /v2/${repo}/blobs/uploads/<id> ${wasm.length}`);
    expect(layer).toContain(`PUT /v2/${repo}/blobs/uploads/<id>?digest 0`);
    expect(calls.filter((x) => x.startsWith('DELETE'))).toEqual([]);
    const back = await fetch(`${registries!.noauth.url}/v2/${repo}/blobs/${sha(wasm)}`);
    expect(sha(new Uint8Array(await back.arrayBuffer()))).toBe(sha(wasm));
  });

  it('stops and cancels the upload it began when the registry has the blob', async () => {
    const { calls, fetchFn } = recording();
    const c = createRegistryClient({ baseUrl: registries!.noauth.url, fetch: fetchFn });
    const repo = `begin/again-${run}`;
    const wasm = syntheticPolicy(3_000_000, 'pushed twice');
    await pushPolicy(c, `127.0.0.1:${port()}/${repo}:v1`, wasm);
    calls.length = 0;
    const again = await pushPolicy(c, `127.0.0.1:${port()}/${repo}:v2`, wasm);
    expect(again.uploads).toEqual(['existing', 'existing']);
    await vi.waitFor(() => expect(calls).toContain(`DELETE /v2/${repo}/blobs/uploads/<id>`));
    expect(calls.filter((x) => x.startsWith('PUT')).map((x) => x.split(' ').slice(0, 2).join(' '))).toEqual([
      `PUT /v2/${repo}/manifests/v2`,
    ]);
  });

  it('sends no PATCH where the registry is set to monolithic uploads, nor ahead of a known digest', async () => {
    const { calls, fetchFn } = recording();
    const mono = createRegistryClient({
      baseUrl: registries!.noauth.url,
      fetch: fetchFn,
      uploadMode: 'monolithic',
    });
    const wasm = syntheticPolicy(3_000_000, 'monolithic');
    const pushed = await pushPolicy(mono, `127.0.0.1:${port()}/begin/mono-${run}:v1`, wasm);
    expect(pushed.uploads).toEqual(['monolithic', 'monolithic']);
    const known = createRegistryClient({ baseUrl: registries!.noauth.url, fetch: fetchFn });
    const other = syntheticPolicy(3_000_000, 'digest known');
    await pushPolicy(known, `127.0.0.1:${port()}/begin/known-${run}:v1`, other, { digest: sha(other) });
    expect(calls.filter((x) => x.startsWith('PATCH'))).toEqual([]);
  });
});

describe('a registry that takes no PATCH, or keeps less than it was sent', () => {
  it.each([
    ['refuses the PATCH', () => Response.json({ errors: [{ code: 'UNSUPPORTED' }] }, { status: 405 })],
    ['keeps 100 bytes of it', () => new Response(null, { status: 202, headers: { Range: '0-99' } })],
  ])('%s: the blob goes in one PUT, with a warning', async (_, patchAnswer) => {
    const stored = new Map<string, number>();
    const { fn, calls } = scripted((url, init) => {
      const method = init.method ?? 'GET';
      if (method === 'HEAD') return new Response(null, { status: 404 });
      if (method === 'POST')
        return new Response(null, {
          status: 202,
          headers: { Location: `/v2/x/blobs/uploads/${calls.length}` },
        });
      if (method === 'PATCH') return patchAnswer();
      if (method === 'DELETE') return new Response(null, { status: 204 });
      if (method === 'PUT' && url.pathname.includes('/blobs/uploads/')) {
        const digest = url.searchParams.get('digest')!;
        stored.set(digest, (init.body as Uint8Array).length);
        return new Response(null, { status: 201, headers: { 'Docker-Content-Digest': digest } });
      }
      return new Response(null, {
        status: 201,
        headers: { 'Docker-Content-Digest': sha(init.body as Uint8Array) },
      });
    });
    const warnings: string[] = [];
    const c = createRegistryClient({
      baseUrl: 'https://r.example',
      fetch: fn,
      onWarning: (w) => warnings.push(w),
    });
    const wasm = syntheticPolicy(300_000, 'no patch');
    const pushed = await pushPolicy(c, 'r.example/x:v1', wasm);
    expect(pushed.uploads[0]).toBe('monolithic');
    expect(stored.get(sha(wasm))).toBe(wasm.length);
    expect(warnings).toContain(
      'The registry refused an upload in a PATCH; sending the blob in one PUT instead.',
    );
    expect(calls.filter((x) => x.method === 'DELETE')).toHaveLength(1); // the refused session
  });
});
