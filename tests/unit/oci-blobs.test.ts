// Blob transfers against scripted registries: memory follows the bytes received (never a declared size), the
// download limit, the finish that confirms an upload, the per-registry chunk default, and parallel pushes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createRegistryClient,
  defaultChunkSize,
  DEFAULT_CHUNK,
  DEFAULT_MAX_BLOB_BYTES,
  pushArtifact,
  REGISTRY_EXPLANATIONS,
  type BuiltArtifact,
} from '../../src/lib/oci';
import { enc, failure, scripted, sha, type Handler } from './oci-helpers';

const MiB = 1024 * 1024;
const GB = 1_000_000_000;

/**
 * Which stream a body is: fetch gives byte streams (read into the caller's buffer, BYOB), a Response made from a
 * plain ReadableStream a default one. getBlob reads each its own way, so every download test runs on both.
 */
type Kind = 'bytes' | 'default';
let kind: Kind = 'default';

/** A body that streams `total` bytes (or `bytes`) in 64 KiB pieces, calling `onPull` before each piece. */
function streamOf(total: number | Uint8Array, onPull: () => void = () => {}): ReadableStream<Uint8Array> {
  const size = typeof total === 'number' ? total : total.length;
  let sent = 0;
  return new ReadableStream({
    ...(kind === 'bytes' ? { type: 'bytes' as const } : {}),
    pull(controller: ReadableStreamDefaultController<Uint8Array> | ReadableByteStreamController) {
      onPull();
      if (sent >= size) {
        controller.close();
        // A byte stream's pending BYOB read ends only when its request is answered, with nothing.
        return void ('byobRequest' in controller && controller.byobRequest?.respond(0));
      }
      const n = Math.min(64 * 1024, size - sent);
      controller.enqueue(
        typeof total === 'number' ? new Uint8Array(n).fill(sent & 0xff) : total.slice(sent, sent + n),
      );
      sent += n;
    },
  });
}

/** Byte equality without vitest's element-by-element diff (which takes seconds per MB). */
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

describe.each<Kind>(['bytes', 'default'])(
  'downloads from a %s stream: memory follows bytes received',
  (k) => {
    beforeEach(() => void (kind = k));
    afterEach(() => void (kind = 'default'));

    it('a 10 GB descriptor over a 1 MB stream fails as size-mismatch after allocating about what arrived', async () => {
      const before = process.memoryUsage().arrayBuffers;
      let peak = 0;
      const { fn } = scripted(
        () =>
          new Response(
            streamOf(MiB, () => (peak = Math.max(peak, process.memoryUsage().arrayBuffers - before))),
            { status: 200 },
          ),
      );
      // The limit is raised past the claim, so only the growth rule stands between the claim and the memory.
      const c = createRegistryClient({ baseUrl: 'https://r.example', fetch: fn, maxBlobBytes: 16 * GB });
      const e = await failure(c.getBlob('r.example/x', { digest: sha(new Uint8Array(1)), size: 10 * GB }));
      expect(e.code).toBe('size-mismatch');
      expect(e.message).toContain(`has ${MiB} bytes, but its descriptor says ${10 * GB}`);
      // Pre-allocating the claim would show 10 GB here (or throw a raw RangeError): 1 MiB arrived, a few MiB is fine.
      expect(peak).toBeLessThan(8 * MiB);
    });

    it('refuses a descriptor above the download limit before sending anything, with an explained code', async () => {
      const { fn, calls } = scripted(() => new Response(streamOf(MiB)));
      const c = createRegistryClient({ baseUrl: 'https://r.example', fetch: fn });
      const e = await failure(c.getBlob('r.example/x', { digest: sha(new Uint8Array(1)), size: 10 * GB }));
      expect(e.code).toBe('blob-limit');
      expect(e.message).toMatch(/more than the download limit of 536,870,912 B \(512\.0 MiB\)/);
      expect(calls).toHaveLength(0);
      expect(REGISTRY_EXPLANATIONS['blob-limit'].fix).toMatch(/Largest blob to download/);
      expect(DEFAULT_MAX_BLOB_BYTES).toBe(512 * MiB);
    });

    it('honours a per-registry limit, and still verifies a blob within it', async () => {
      const blob = new Uint8Array(3 * MiB + 5);
      for (let i = 0; i < blob.length; i++) blob[i] = (i * 31) & 0xff;
      const { fn } = scripted(() => new Response(streamOf(blob)));
      const small = createRegistryClient({ baseUrl: 'https://r.example', fetch: fn, maxBlobBytes: 2 * MiB });
      expect(
        (await failure(small.getBlob('r.example/x', { digest: sha(blob), size: blob.length }))).code,
      ).toBe('blob-limit');
      const big = createRegistryClient({ baseUrl: 'https://r.example', fetch: fn, maxBlobBytes: 4 * MiB });
      const got = await big.getBlob('r.example/x', { digest: sha(blob), size: blob.length });
      expect(same(got, blob)).toBe(true);
      expect(got.buffer.byteLength).toBe(blob.length); // grown to exactly the verified size, no slack kept
    });

    it('stops reading at the first byte past the descriptor size', async () => {
      let pulls = 0;
      const { fn } = scripted(() => new Response(streamOf(100 * MiB, () => pulls++)));
      const c = createRegistryClient({ baseUrl: 'https://r.example', fetch: fn });
      const e = await failure(c.getBlob('r.example/x', { digest: sha(new Uint8Array(1)), size: MiB }));
      expect(e.code).toBe('size-mismatch');
      expect(pulls).toBeLessThan(40); // 16 pieces make 1 MiB; the stream has 1,600
    });

    it('with a Content-Length of the size, ends at the last byte without waiting for the end of the stream', async () => {
      // Chromium signals the end of a 14 MB body 25-45 ms after its last byte; here the end never comes at all.
      const blob = new Uint8Array(300_000).map((_, i) => i * 7);
      const held = (total: Uint8Array) => {
        const whole = streamOf(total).getReader();
        return new ReadableStream<Uint8Array>({
          async pull(controller) {
            const { done, value } = await whole.read();
            if (!done) controller.enqueue(value);
            // done: the last byte is out, and the stream stays open, as a connection would before its end is seen
          },
        });
      };
      const framed = scripted(
        () => new Response(held(blob), { headers: { 'Content-Length': String(blob.length) } }),
      );
      const c = createRegistryClient({ baseUrl: 'https://r.example', fetch: framed.fn });
      expect(same(await c.getBlob('r.example/x', { digest: sha(blob), size: blob.length }), blob)).toBe(true);
      // Without the header nothing says the body is over: the read waits for its end (here: the stall limit).
      const unframed = scripted(() => new Response(held(blob)));
      const slow = createRegistryClient({ baseUrl: 'https://r.example', fetch: unframed.fn, timeoutMs: 200 });
      const e = await failure(slow.getBlob('r.example/x', { digest: sha(blob), size: blob.length }));
      expect(e.code).toBe('timeout');
    });

    it('reports progress at most every 1% and every 16 ms, ending at the size', async () => {
      const blob = new Uint8Array(10 * MiB);
      // 160 pieces, each a millisecond or more apart: a report per piece would be 160 reports.
      const pace = () => new Promise((r) => setTimeout(r, 1));
      const { fn } = scripted(() => new Response(streamOf(blob, () => void pace())));
      const slow: typeof fetch = async (input, init) => {
        const res = await fn(input, init);
        const reader = res.body!.getReader();
        const body = new ReadableStream<Uint8Array>({
          async pull(c) {
            await pace();
            const { done, value } = await reader.read();
            if (done) c.close();
            else c.enqueue(value);
          },
        });
        return new Response(body, { status: res.status });
      };
      const c = createRegistryClient({ baseUrl: 'https://r.example', fetch: slow });
      const seen: { done: number; at: number }[] = [];
      const t0 = performance.now();
      await c.getBlob(
        'r.example/x',
        { digest: sha(blob), size: blob.length },
        { onProgress: (done) => seen.push({ done, at: performance.now() }) },
      );
      const elapsed = performance.now() - t0;
      expect(seen.at(-1)!.done).toBe(blob.length);
      expect(seen.length).toBeGreaterThan(1);
      expect(seen.length).toBeLessThanOrEqual(Math.min(101, elapsed / 16 + 2));
      for (let i = 1; i < seen.length - 1; i++) {
        expect(seen[i].done - seen[i - 1].done).toBeGreaterThanOrEqual(blob.length / 100);
        expect(seen[i].at - seen[i - 1].at).toBeGreaterThanOrEqual(15.9);
      }
    });
  },
);

/** A registry that stores uploads; `digestHeader` says whether its 201 names the digest (distribution does). */
function uploadsRegistry(digestHeader: boolean) {
  const blobs = new Map<string, Uint8Array>();
  let inFlight = 0;
  let maxInFlight = 0;
  const handler: Handler = async (url, init) => {
    const m = init.method ?? 'GET';
    const d = url.pathname.split('/').pop()!;
    if (m === 'HEAD') return new Response(null, { status: blobs.has(d) ? 200 : 404 });
    if (m === 'POST')
      return new Response(null, {
        status: 202,
        headers: { Location: `/v2/x/blobs/uploads/${Math.random()}` },
      });
    if (m === 'PUT' && url.pathname.includes('/uploads/')) {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      const digest = url.searchParams.get('digest')!;
      const body = init.body as Uint8Array;
      if (sha(body) !== digest) return new Response(null, { status: 400 });
      blobs.set(digest, body);
      return new Response(null, {
        status: 201,
        headers: digestHeader ? { 'Docker-Content-Digest': digest } : {},
      });
    }
    if (m === 'PUT') return new Response(null, { status: 201 });
    return new Response(null, { status: 500 });
  };
  return { handler, blobs, maxInFlight: () => maxInFlight };
}

describe('uploads', () => {
  const data = enc('a blob of some bytes');

  it('a 201 naming our digest confirms the upload; without the header a HEAD confirms it', async () => {
    // DS "POST then PUT": 201 Created completes the upload, and Docker-Content-Digest names what was stored.
    for (const [header, heads] of [
      [true, 1],
      [false, 2],
    ] as const) {
      const r = uploadsRegistry(header);
      const { fn, calls } = scripted(r.handler);
      const c = createRegistryClient({ baseUrl: 'https://r.example', fetch: fn });
      expect((await c.uploadBlob('r.example/x', data)).method).toBe('monolithic');
      expect(calls.filter((x) => x.method === 'HEAD')).toHaveLength(heads);
      expect(same(r.blobs.get(sha(data))!, data)).toBe(true);
    }
  });

  it('sends the Blob a caller made as the body, and its slices as chunks, instead of copying the bytes', async () => {
    const bytes = new Uint8Array(3000).map((_, i) => i * 13);
    const body = new Blob([bytes]);
    const sent: { method: string; body: unknown }[] = [];
    let received = new Uint8Array(0);
    const { fn } = scripted((url, init) => {
      const m = init.method ?? 'GET';
      if (m === 'HEAD') return new Response(null, { status: 404 });
      if (m === 'POST' || m === 'PATCH') {
        if (m === 'PATCH') received = new Uint8Array([...received, ...(init.body as Uint8Array)]);
        const headers = { Location: '/v2/x/blobs/uploads/u', Range: `0-${received.length - 1}` };
        return new Response(null, { status: 202, headers });
      }
      if (init.body) received = new Uint8Array([...received, ...(init.body as Uint8Array)]);
      const ok = sha(received) === url.searchParams.get('digest');
      return new Response(null, {
        status: ok ? 201 : 400,
        headers: { 'Docker-Content-Digest': sha(received) },
      });
    });
    const watching: typeof fetch = (input, init) => {
      sent.push({ method: init?.method ?? 'GET', body: init?.body });
      return fn(input, init);
    };
    const c = createRegistryClient({ baseUrl: 'https://r.example', fetch: watching });
    await c.uploadBlob('r.example/x', bytes, { body, mode: 'monolithic' });
    expect(sent.find((x) => x.method === 'PUT')?.body).toBe(body); // the caller's Blob itself
    expect(same(received, bytes)).toBe(true);

    sent.length = 0;
    received = new Uint8Array(0);
    await c.uploadBlob('r.example/x', bytes, { body, mode: 'chunked', chunkSize: 1024 });
    const chunks = sent.filter((x) => x.method === 'PATCH').map((x) => x.body);
    expect(chunks.map((b) => (b as Blob).size)).toEqual([1024, 1024, 952]);
    expect(chunks.every((b) => b instanceof Blob)).toBe(true);
    expect(same(received, bytes)).toBe(true);

    // A body that is not the bytes is the caller's mistake, and nothing is sent.
    sent.length = 0;
    await expect(c.uploadBlob('r.example/x', bytes, { body: new Blob([bytes.subarray(1)]) })).rejects.toThrow(
      RangeError,
    );
    expect(sent).toEqual([]);
  });

  it('sends a blob in one request to a registry on this machine, in 4 MiB chunks elsewhere', () => {
    // oci.md §11: GHCR refuses request bodies over 4 MiB; distribution (the local registry) has no such limit.
    expect(defaultChunkSize('ghcr.io')).toBe(DEFAULT_CHUNK);
    expect(defaultChunkSize('registry.example.com:5000')).toBe(DEFAULT_CHUNK);
    for (const host of ['127.0.0.1:5000', 'localhost:5000', '[::1]:5000'])
      expect(defaultChunkSize(host)).toBeGreaterThanOrEqual(1024 * MiB);
  });

  it('opens the upload session alongside the HEAD, and cancels it when the registry has the blob', async () => {
    const big = new Uint8Array(200_000).fill(7);
    for (const present of [false, true]) {
      let posted: () => void = () => {};
      const post = new Promise<void>((resolve) => (posted = resolve));
      let overlapped = false;
      const { fn, calls } = scripted(async (url, init) => {
        const m = init.method ?? 'GET';
        if (m === 'HEAD') {
          // Answers only once the POST arrived (or after 2 s): a client that waits for the HEAD first is slow here.
          overlapped = await Promise.race([
            post.then(() => true),
            new Promise<boolean>((r) => setTimeout(() => r(false), 2000)),
          ]);
          return new Response(null, { status: present ? 200 : 404 });
        }
        if (m === 'POST') {
          posted();
          return new Response(null, { status: 202, headers: { Location: '/v2/x/blobs/uploads/u1' } });
        }
        if (m === 'DELETE') return new Response(null, { status: 204 });
        const digest = url.searchParams.get('digest')!;
        return new Response(null, { status: 201, headers: { 'Docker-Content-Digest': digest } });
      });
      const c = createRegistryClient({ baseUrl: 'https://r.example', fetch: fn });
      const r = await c.uploadBlob('r.example/x', big, { digest: sha(big) });
      await new Promise((resolve) => setTimeout(resolve, 10)); // the cancel is not awaited
      expect(overlapped).toBe(true);
      expect(r.method).toBe(present ? 'existing' : 'monolithic');
      expect(calls.map((x) => x.method).sort()).toEqual(
        present ? ['DELETE', 'HEAD', 'POST'] : ['HEAD', 'POST', 'PUT'],
      );
    }
  });

  it('pushes up to three blobs at once, in order in the result, with one summed progress', async () => {
    const r = uploadsRegistry(true);
    const { fn } = scripted(r.handler);
    const c = createRegistryClient({ baseUrl: 'https://r.example', fetch: fn });
    const blobs = Array.from({ length: 5 }, (_, i) => new Uint8Array(100_000 + i).fill(i + 1));
    const built: BuiltArtifact = {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      manifestBytes: enc('{}') as Uint8Array<ArrayBuffer>,
      manifestDigest: sha(enc('{}')),
      blobs: blobs.map((b) => ({
        digest: sha(b),
        size: b.length,
        mediaType: 'application/octet-stream',
        bytes: b,
      })),
    };
    const progress: number[] = [];
    const total = blobs.reduce((n, b) => n + b.length, 0);
    const pushed = await pushArtifact(c, c.reference('r.example/x:1'), built, {
      onProgress: (done, all) => {
        expect(all).toBe(total);
        progress.push(done);
      },
    });
    expect(pushed.uploads).toEqual(Array(5).fill('monolithic'));
    expect(r.maxInFlight()).toBe(3);
    expect(progress.at(-1)).toBe(total);
    expect(progress.every((p, i) => i === 0 || p >= progress[i - 1])).toBe(true);
    for (const b of blobs) expect(same(r.blobs.get(sha(b))!, b)).toBe(true);
  });

  it('a failed blob cancels the others still travelling and fails the push', async () => {
    const aborted: string[] = [];
    const { fn } = scripted(async (url, init) => {
      if (init.method === 'HEAD') return new Response(null, { status: 404 });
      if (init.method === 'POST')
        return new Response(null, {
          status: 202,
          headers: { Location: `/v2/x/blobs/uploads/${Math.random()}` },
        });
      if (url.searchParams.get('digest') === sha(enc('bad'))) return new Response(null, { status: 400 });
      // The good blob waits until it is cancelled.
      await new Promise<void>((resolve) =>
        init.signal?.addEventListener('abort', () => {
          aborted.push(url.searchParams.get('digest')!);
          resolve();
        }),
      );
      throw new DOMException('aborted', 'AbortError');
    });
    const c = createRegistryClient({ baseUrl: 'https://r.example', fetch: fn });
    const blob = (s: string) => ({
      digest: sha(enc(s)),
      size: enc(s).length,
      mediaType: 'x',
      bytes: enc(s) as Uint8Array<ArrayBuffer>,
    });
    const built: BuiltArtifact = {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      manifestBytes: enc('{}') as Uint8Array<ArrayBuffer>,
      manifestDigest: sha(enc('{}')),
      blobs: [blob('good'), blob('bad')],
    };
    const e = await failure(pushArtifact(c, c.reference('r.example/x:1'), built));
    expect(e.code).toBe('bad-response');
    expect(aborted).toEqual([sha(enc('good'))]);
  });
});
