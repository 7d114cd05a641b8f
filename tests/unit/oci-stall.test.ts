// A registry that sends its headers, part of a body, and then nothing: every body read ends with `timeout` once
// nothing has arrived for the registry's time limit, while a slow but steady body (longer in total than the limit)
// still arrives, and Cancel still wins. The token service is held to the same limit. A real Node http server, so the stall is a real open connection.
import { createServer, type Server, type ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryClient } from '../../src/lib/oci';
import { failure } from './oci-helpers';

// The steady body's pieces come a quarter of the limit apart, so a false timeout needs the test's own process to
// stall for three quarters of the limit (600 ms) on a loaded two-core machine.
const LIMIT_MS = 800;
const blob = Buffer.alloc(256 * 1024, 0x61);
const blobDigest = `sha256:${createHash('sha256').update(blob).digest('hex')}`;
const manifest = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: blobDigest, size: blob.length },
    layers: [],
  }),
);

let server: Server;
let base = '';
const open = new Set<ServerResponse>();

/** Writes `body` in `pieces`, `gapMs` apart; with `stopAfter`, stops for good after that many pieces. */
function trickle(res: ServerResponse, body: Buffer, pieces: number, gapMs: number, stopAfter = Infinity) {
  const size = Math.ceil(body.length / pieces);
  let i = 0;
  const next = () => {
    if (res.destroyed) return;
    if (i >= stopAfter) return; // the stall: the connection stays open, nothing more comes
    res.write(body.subarray(i * size, (i + 1) * size));
    i++;
    if (i * size >= body.length) return void res.end();
    setTimeout(next, gapMs);
  };
  next();
}

beforeAll(async () => {
  server = createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/token/silent') return; // never answered
    if (path === '/token/stall') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return void res.write('{"token":"ab');
    }
    const [, , repo, kind] = path.split('/');
    if (repo === 'silent' || repo === 'stall-token') {
      const realm = `${base}/token/${repo === 'silent' ? 'silent' : 'stall'}`;
      return res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="${realm}",service="s"` }).end();
    }
    if (kind === 'manifests') {
      res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' });
      if (repo === 'stall') return trickle(res, manifest, 4, 10, 2);
      return trickle(res, manifest, 6, LIMIT_MS / 4);
    }
    if (kind === 'blobs') {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': blob.length });
      if (repo === 'stall') return trickle(res, blob, 8, 10, 3);
      return trickle(res, blob, 6, LIMIT_MS / 4);
    }
    if (kind === 'tags') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return trickle(res, Buffer.from('{"name":"stall","tags":["a","b","c"]}'), 4, 10, 1);
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  for (const res of open) res.destroy();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const client = () => createRegistryClient({ baseUrl: base, timeoutMs: LIMIT_MS });
const host = () => new URL(base).host;

describe('a body that stops arriving', () => {
  it('a manifest cut off half way fails with timeout, saying it stalled', async () => {
    const e = await failure(client().getManifest(`${host()}/stall:v1`));
    expect(e.code).toBe('timeout');
    expect(e.message).toMatch(
      /stalled: http:\/\/127\.0\.0\.1:\d+ sent part of the answer, then nothing for 0\.8 s\./,
    );
  });

  it('a blob cut off after three pieces fails with timeout', async () => {
    const e = await failure(
      client().getBlob(`${host()}/stall:v1`, { digest: blobDigest, size: blob.length }),
    );
    expect(e.code).toBe('timeout');
  });

  it('a tag list cut off fails with timeout', async () => {
    const e = await failure(client().listTags(`${host()}/stall:v1`));
    expect(e.code).toBe('timeout');
  });

  it('a slow but steady body, longer in total than the limit, arrives whole and verified', async () => {
    const started = Date.now();
    const got = await client().getBlob(`${host()}/slow:v1`, { digest: blobDigest, size: blob.length });
    expect(Buffer.from(got).equals(blob)).toBe(true);
    // Six pieces a quarter of the limit apart: the whole read took longer than one limit.
    expect(Date.now() - started).toBeGreaterThan(LIMIT_MS);
    const m = await client().getManifest(`${host()}/slow:v1`);
    expect(JSON.parse(new TextDecoder().decode(m.bytes)).schemaVersion).toBe(2);
  });

  it('a token service that never answers, or stops half way, fails with timeout too', async () => {
    const silent = await failure(client().getManifest(`${host()}/silent:v1`));
    expect(silent.code).toBe('timeout');
    expect(silent.message).toMatch(/^Asking the token service failed: .* did not answer within 0\.8 s\.$/);
    const stalled = await failure(client().getManifest(`${host()}/stall-token:v1`));
    expect(stalled.code).toBe('timeout');
    expect(stalled.message).toMatch(/^Asking the token service stalled: /);
  });

  it('Cancel during a stall is a cancel, not a timeout', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), LIMIT_MS / 3);
    const e = await failure(
      client().getBlob(
        `${host()}/stall:v1`,
        { digest: blobDigest, size: blob.length },
        { signal: ac.signal },
      ),
    );
    expect(e.code).toBe('aborted');
  });
});
