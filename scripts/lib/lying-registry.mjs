// A small registry that lies, for the hostile-input e2e tests (issue 19). Loopback only, bounded: every answer is
// made up front or streamed to a fixed size, a hanging request is closed when the server stops, and the whole
// server stops itself after `lifetimeMs`. Repositories:
//   dup     tags that repeat ("v1" three times)
//   many    100,000 tags in one page
//   link    one tag and a Link header of 200,000 "<" (a quadratic parser took 16 s on it)
//   hang    every request is accepted and never answered
//   stall   a manifest whose headers and first half arrive, and then nothing
//   lie     a manifest whose layer declares 1,000 bytes; the blob sends 5 MiB
//   deep    a manifest under 4 MiB nesting 200,000 arrays
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';

const sha = (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

function manifest(extra = {}, layerSize = 1000, layerDigest = sha('layer')) {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha('{}'), size: 2 },
      layers: [{ mediaType: 'application/octet-stream', digest: layerDigest, size: layerSize }],
      ...extra,
    }),
  );
}

/** Starts the lying registry on 127.0.0.1 with CORS for `origin`. Resolves to { url, port, host, close }. */
export function startLyingRegistry({ origin, lifetimeMs = 10 * 60_000 }) {
  const depth = 200_000;
  // Written as text: JSON.stringify itself overflows the stack on this depth.
  const shallow = manifest({ annotations: { note: 'deep' } }).toString();
  const deep = Buffer.from(`${shallow.slice(0, -1)},"nesting":${'['.repeat(depth)}${']'.repeat(depth)}}`);
  const plain = manifest();
  const tags = {
    dup: ['v1', 'v1', 'latest', 'v1'],
    many: Array.from({ length: 100_000 }, (_, i) => `t${String(i).padStart(6, '0')}`),
    link: ['only'],
  };
  const hanging = new Set();
  const server = createServer((req, res) => {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Expose-Headers', 'Docker-Content-Digest, Link, WWW-Authenticate, Location');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'GET, HEAD, PUT, POST, PATCH, DELETE',
        'Access-Control-Allow-Headers': 'Authorization, Accept, Content-Type',
        'Access-Control-Max-Age': '600',
      });
      return res.end();
    }
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const [, , repo, kind, ref] = path.split('/');
    if (path === '/v2/' || path === '/v2')
      return res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    if (repo === 'hang') {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return; // never answered
    }
    if (repo === 'stall' && kind === 'manifests') {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      res.writeHead(200, { 'Content-Type': OCI_MANIFEST, 'Docker-Content-Digest': sha(plain) });
      if (req.method === 'HEAD') return res.end();
      return void res.write(plain.subarray(0, plain.length >> 1)); // and never the rest
    }
    if (kind === 'tags' && tags[repo]) {
      const headers = { 'Content-Type': 'application/json' };
      if (repo === 'link') headers.Link = '<'.repeat(200_000);
      return res.writeHead(200, headers).end(JSON.stringify({ name: repo, tags: tags[repo] }));
    }
    if (kind === 'manifests' && (repo === 'lie' || repo === 'deep')) {
      const body = repo === 'deep' ? deep : plain;
      res.writeHead(200, { 'Content-Type': OCI_MANIFEST, 'Docker-Content-Digest': sha(body) });
      return res.end(req.method === 'HEAD' ? undefined : body);
    }
    if (kind === 'blobs' && repo === 'lie') {
      if (ref === sha('{}')) return res.writeHead(200).end('{}');
      // Declared 1,000 bytes; 5 MiB arrive, in 64 KiB pieces.
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      const piece = Buffer.alloc(64 * 1024, 0x61);
      let left = 80;
      const more = () => {
        while (left > 0) {
          left--;
          if (!res.write(piece)) return void res.once('drain', more);
        }
        res.end();
      };
      return more();
    }
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ code: 'NAME_UNKNOWN', message: 'no such repository' }] }));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      const close = () =>
        new Promise((r) => {
          clearTimeout(timer);
          for (const res of hanging) res.destroy();
          server.closeAllConnections?.();
          server.close(() => r());
        });
      const timer = setTimeout(close, lifetimeMs);
      timer.unref();
      resolve({ url: `http://127.0.0.1:${port}`, port, host: `127.0.0.1:${port}`, close });
    });
  });
}
