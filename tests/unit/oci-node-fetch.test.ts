// The client's default fetch in Node: large byte bodies go through node:http (docs/performance.md), everything else
// through Node's fetch. The oracle for every answer is Node's own fetch: the same request must read the same.
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRegistryClient, RegistryError } from '../../src/lib/oci';
import { defaultFetch, NODE_HTTP_MIN_BODY } from '../../src/lib/oci/node-fetch';
import type { TestRegistries } from '../../scripts/lib/test-env.mjs';
import { failure, run, sha } from './oci-helpers';

const registries = inject('registries') as unknown as TestRegistries | null;
const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

/** A server on a free loopback port; `handle` answers each request with its body read in full. */
async function server(handle: (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => void) {
  const s = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => handle(req, Buffer.concat(parts), res));
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  return { url, close: () => new Promise<void>((resolve) => s.close(() => resolve())) };
}

afterEach(() => vi.restoreAllMocks());

describe('defaultFetch', () => {
  it('sends a large byte body with node:http and anything smaller with fetch', async () => {
    const seen: { path: string; size: number }[] = [];
    const s = await server((req, body, res) => {
      seen.push({ path: req.url!, size: body.length });
      res.writeHead(201, [
        ['Location', '/v2/x/blobs/done'],
        ['WWW-Authenticate', 'Bearer realm="a"'],
        ['WWW-Authenticate', 'Basic realm="b"'],
      ]);
      res.end('stored');
    });
    try {
      const viaHttp = vi.spyOn(http, 'request');
      const viaFetch = vi.spyOn(globalThis, 'fetch');
      const big = await defaultFetch(`${s.url}/big`, { method: 'PUT', body: bytes(NODE_HTTP_MIN_BODY) });
      expect(viaHttp).toHaveBeenCalledTimes(1);
      expect(viaFetch).not.toHaveBeenCalled();
      // What Node's fetch answers for the same request is the oracle.
      const small = await defaultFetch(`${s.url}/small`, { method: 'PUT', body: bytes(1000) });
      expect(viaFetch).toHaveBeenCalledTimes(1);
      for (const r of [big, small]) {
        expect(r.status).toBe(201);
        expect(r.headers.get('location')).toBe('/v2/x/blobs/done');
        expect(r.headers.get('www-authenticate')).toBe('Bearer realm="a", Basic realm="b"');
        expect(await r.text()).toBe('stored');
      }
      expect(big.url).toBe(`${s.url}/big`);
      expect(seen).toEqual([
        { path: '/big', size: NODE_HTTP_MIN_BODY },
        { path: '/small', size: 1000 },
      ]);
    } finally {
      await s.close();
    }
  });

  it('follows a redirect by sending the body again with fetch', async () => {
    const seen: string[] = [];
    const s = await server((req, body, res) => {
      seen.push(`${req.method} ${req.url} ${body.length}`);
      if (req.url === '/from') res.writeHead(307, { Location: '/to' }).end();
      else res.writeHead(201).end();
    });
    try {
      const r = await defaultFetch(`${s.url}/from`, { method: 'PUT', body: bytes(2 * NODE_HTTP_MIN_BODY) });
      expect(r.status).toBe(201);
      expect(r.url).toBe(`${s.url}/to`);
      const n = 2 * NODE_HTTP_MIN_BODY;
      // The first try through node:http, then fetch's own: its 307 keeps the method and the body.
      expect(seen).toEqual([`PUT /from ${n}`, `PUT /from ${n}`, `PUT /to ${n}`]);
    } finally {
      await s.close();
    }
  });

  it('stops when the signal aborts, and when the client runs out of time', async () => {
    // A server that takes the request and never answers.
    const held: http.ServerResponse[] = [];
    const s = await server((_req, _body, res) => held.push(res));
    try {
      const c = createRegistryClient({ baseUrl: s.url, timeoutMs: 300 });
      const ctl = new AbortController();
      const t = c.transportFor(c.reference(`127.0.0.1/x`));
      const spec = { method: 'PUT', url: `${s.url}/up`, scopes: [], what: 'Uploading' };
      setTimeout(() => ctl.abort(), 50);
      const aborted = await failure(t.send({ ...spec, body: bytes(NODE_HTTP_MIN_BODY), signal: ctl.signal }));
      expect(aborted.code).toBe('aborted');
      const late = await failure(t.send({ ...spec, body: bytes(NODE_HTTP_MIN_BODY) }));
      expect(late.code).toBe('timeout');
      expect(late.message).toContain('did not answer within 0.3 s');
    } finally {
      for (const r of held) r.destroy();
      await s.close();
    }
  });

  it('fails like fetch when nothing listens', async () => {
    const s = await server(() => {});
    await s.close();
    const e = await defaultFetch(`${s.url}/gone`, { method: 'PUT', body: bytes(NODE_HTTP_MIN_BODY) }).catch(
      (x: unknown) => x,
    );
    const oracle = await fetch(`${s.url}/gone`, { method: 'PUT', body: bytes(10) }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TypeError);
    expect((e as Error).message).toBe((oracle as Error).message);
  });
});

describe.skipIf(!registries)('uploads through node:http to a real registry', () => {
  const base = () => registries!.noauth.url;
  const host = () => `127.0.0.1:${registries!.noauth.port}`;
  // The same client with Node's fetch injected: the path every answer is compared with.
  const viaFetch = () =>
    createRegistryClient({ baseUrl: base(), fetch: (i, init) => globalThis.fetch(i, init) });

  it('stores exactly the bytes, as a GET of the blob shows', async () => {
    const blob = bytes(3 * NODE_HTTP_MIN_BODY, 7);
    const viaHttp = vi.spyOn(http, 'request');
    const c = createRegistryClient({ baseUrl: base() });
    const up = await c.uploadBlob(`${host()}/nodehttp/a-${run}`, blob, { mode: 'monolithic' });
    expect(up).toEqual({ digest: sha(blob), skipped: false, method: 'monolithic' });
    expect(viaHttp.mock.calls.map((call) => (call[1] as { method: string }).method)).toEqual(['PUT']);
    const back = await fetch(`${base()}/v2/nodehttp/a-${run}/blobs/${sha(blob)}`);
    expect(sha(new Uint8Array(await back.arrayBuffer()))).toBe(sha(blob));
    // 2 MiB chunks: every PATCH goes the same way.
    viaHttp.mockClear();
    const chunked = await c.uploadBlob(`${host()}/nodehttp/b-${run}`, blob, {
      mode: 'chunked',
      chunkSize: 2 * NODE_HTTP_MIN_BODY,
    });
    expect(chunked.method).toBe('chunked');
    expect(viaHttp.mock.calls.map((call) => (call[1] as { method: string }).method)).toEqual([
      'PATCH',
      'PATCH',
    ]);
  });

  it("reads the registry's refusal of a wrong digest exactly as fetch does", async () => {
    const blob = bytes(NODE_HTTP_MIN_BODY + 5, 9);
    const wrong = sha(bytes(10));
    const refused = async (c: ReturnType<typeof createRegistryClient>, name: string) =>
      failure(c.uploadBlob(`${host()}/nodehttp/${name}-${run}`, blob, { digest: wrong, mode: 'monolithic' }));
    const ours = await refused(createRegistryClient({ baseUrl: base() }), 'wrong-http');
    const oracle = await refused(viaFetch(), 'wrong-fetch');
    expect(oracle).toBeInstanceOf(RegistryError);
    expect({ code: ours.code, status: ours.status, message: ours.message, detail: ours.detail }).toEqual({
      code: oracle.code,
      status: oracle.status,
      message: oracle.message,
      detail: oracle.detail,
    });
    expect(ours.status).toBe(400);
  });
});
