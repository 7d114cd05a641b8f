// The copy helpers of lib/oci, driven by scripted registries (what distribution never sends on its own): a mount
// answered 201, 202 (the unused session is cancelled) or an error (never fatal), and the Blob-backed download that
// refuses a body longer than its descriptor or with other bytes (DS "Mounting a blob", oci.md §4 and §5).
import { describe, expect, it } from 'vitest';
import {
  BLOB_PIECE,
  RegistryError,
  createRegistryClient,
  headBlob,
  mountBlob,
  parseReference,
  readBlobAsBlob,
} from '../../src/lib/oci';
import { scripted, sha, type Handler } from './oci-helpers';

const ref = parseReference('r.example/team/target:v1');
const digest = `sha256:${'ab'.repeat(32)}`;
const client = (handler: Handler) => {
  const s = scripted(handler);
  return { ...s, c: createRegistryClient({ baseUrl: 'https://r.example', fetch: s.fn }) };
};

describe('mountBlob', () => {
  it('201 is confirmed with a HEAD and reported mounted; the POST names mount and from', async () => {
    const { c, calls } = client((url, init) =>
      init.method === 'POST' ? new Response(null, { status: 201 }) : new Response(null, { status: 200 }),
    );
    expect(await mountBlob(c, ref, digest, 'team/source')).toBe('mounted');
    const post = new URL(calls[0]!.url);
    expect(post.pathname).toBe('/v2/team/target/blobs/uploads/');
    expect(post.searchParams.get('mount')).toBe(digest);
    expect(post.searchParams.get('from')).toBe('team/source');
    expect(calls.map((x) => x.method)).toEqual(['POST', 'HEAD']);
  });

  it('202 opens an upload the copy does not use: it is cancelled at the resolved Location', async () => {
    const { c, calls } = client((_url, init) =>
      init.method === 'POST'
        ? new Response(null, {
            status: 202,
            headers: { Location: '/v2/team/target/blobs/uploads/u1?_state=x' },
          })
        : new Response(null, { status: 204 }),
    );
    expect(await mountBlob(c, ref, digest, 'team/source')).toBe('not-mounted');
    expect(calls.map((x) => `${x.method} ${x.url}`)).toEqual([
      expect.stringMatching(/^POST /),
      'DELETE https://r.example/v2/team/target/blobs/uploads/u1?_state=x',
    ]);
  });

  it('any error answer means not mounted, so the caller uploads instead', async () => {
    for (const status of [400, 404, 405, 500]) {
      const { c } = client(() => new Response('{"errors":[]}', { status }));
      expect(await mountBlob(c, ref, digest, 'team/source')).toBe('not-mounted');
    }
  });

  it('a cancel is still a cancel', async () => {
    const controller = new AbortController();
    controller.abort();
    const { c } = client(() => new Response(null, { status: 201 }));
    await expect(mountBlob(c, ref, digest, 'team/source', controller.signal)).rejects.toMatchObject({
      code: 'aborted',
    });
  });

  it('headBlob: 200 is there, 404 is not', async () => {
    for (const [status, there] of [
      [200, true],
      [404, false],
    ] as const) {
      const { c } = client(() => new Response(null, { status }));
      expect(await headBlob(c, ref, digest)).toBe(there);
    }
  });
});

describe('readBlobAsBlob', () => {
  const body = new Uint8Array(BLOB_PIECE * 2 + 12345).map((_, i) => (i * 31) & 0xff);
  const d = { digest: sha(body), size: body.length };

  it('gives the verified bytes as one Blob, gathered piece by piece', async () => {
    const { c } = client(() => new Response(body));
    const progress: number[] = [];
    const blob = await readBlobAsBlob(c, ref, d, { onProgress: (n) => progress.push(n) });
    expect(blob.size).toBe(body.length);
    expect(sha(new Uint8Array(await blob.arrayBuffer()))).toBe(d.digest);
    expect(progress.at(-1)).toBe(body.length);
  });

  it.each([
    [
      'one byte more than the descriptor',
      () => new Uint8Array([...body.subarray(0, 1000), 0]),
      'size-mismatch',
    ],
    ['fewer bytes', () => body.subarray(0, 999), 'size-mismatch'],
    ['the right size but other bytes', () => body.subarray(0, 1000).map((b) => b ^ 1), 'digest-mismatch'],
  ])('%s: refused with %s', async (_what, make, code) => {
    const { c } = client(() => new Response(make()));
    const e = await readBlobAsBlob(c, ref, { digest: sha(body.subarray(0, 1000)), size: 1000 }).catch(
      (x) => x,
    );
    expect(e).toBeInstanceOf(RegistryError);
    expect(e.code).toBe(code);
  });

  it('refuses digests it cannot check', async () => {
    const { c, calls } = client(() => new Response(body));
    await expect(
      readBlobAsBlob(c, ref, { digest: `sha512:${'a'.repeat(128)}`, size: 1 }),
    ).rejects.toMatchObject({
      code: 'unsupported',
    });
    expect(calls).toHaveLength(0);
  });
});
