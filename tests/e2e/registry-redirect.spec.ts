// E2E: a blob GET that the registry redirects to another origin (as S3 or a CDN would) must not carry the user's
// Authorization header there. A tiny front server stands in for the registry and redirects blobs to a "storage"
// server on another port (another origin), which records what it received.
import { execFileSync } from 'node:child_process';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, registries, FIXTURES } from './helpers';
import { writePolicyDir } from './registry-helpers';

interface AuthReg {
  url: string;
  port: number;
  upstreamUrl: string;
  upstreamPort: number;
  username: string;
  password: string;
}

const listen = (server: Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
const ALLOW_HEADERS = 'Authorization, Accept, Content-Type, Content-Range, Range, If-Match, Cache-Control';

test('a blob redirected to another origin is fetched without the Authorization header', async ({
  page,
  problems: _,
}) => {
  const reg = registries().htpasswd as unknown as AuthReg;
  const basic = `Basic ${Buffer.from(`${reg.username}:${reg.password}`).toString('base64')}`;
  const wasm = readFileSync(join(FIXTURES, 'no-privileged-pods.wasm'));

  // Put an artifact in the htpasswd registry with skopeo (straight to the registry, not through nginx).
  const dir = mkdtempSync(join(tmpdir(), 'wasmlens-e2e-redirect-'));
  writePolicyDir(dir, wasm);
  execFileSync(
    'skopeo',
    [
      'copy',
      '--dest-tls-verify=false',
      '--dest-creds',
      `${reg.username}:${reg.password}`,
      `dir:${dir}`,
      `docker://127.0.0.1:${reg.upstreamPort}/e2e/redirect:1`,
    ],
    { timeout: 30_000, stdio: 'pipe' },
  );
  rmSync(dir, { recursive: true, force: true });

  const seen: { front: { method: string; path: string; auth: boolean }[]; storage: IncomingHttpHeaders[] } = {
    front: [],
    storage: [],
  };

  // "Storage": another origin. It allows any origin (the browser sends Origin: null after the hop) and would
  // accept an Authorization header in a preflight, so a leak would show up in what it records.
  const storage = createServer((req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (req.method === 'OPTIONS') {
      seen.storage.push(req.headers);
      res.writeHead(204, {
        'Access-Control-Allow-Headers': ALLOW_HEADERS,
        'Access-Control-Allow-Methods': 'GET',
      });
      return res.end();
    }
    seen.storage.push(req.headers);
    const url = new URL(req.url ?? '/', 'http://x');
    const upstream = request(
      `${reg.upstreamUrl}/v2/${url.searchParams.get('repo')}/blobs/${url.pathname.split('/').pop()}`,
      { headers: { authorization: basic } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, { 'Content-Type': 'application/octet-stream' });
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    upstream.end();
  });
  const storagePort = await listen(storage);

  // "Registry": proxies to the htpasswd nginx, except blob GETs, which it redirects to the storage origin.
  const front = createServer((req, res) => {
    const origin = req.headers.origin ?? '*';
    const path = req.url ?? '/';
    seen.front.push({ method: req.method ?? '', path, auth: !!req.headers.authorization });
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': 'HEAD, GET, OPTIONS, POST, PUT, PATCH, DELETE',
        'Access-Control-Allow-Headers': ALLOW_HEADERS,
        'Access-Control-Max-Age': '600',
      });
      return res.end();
    }
    const blob = /^\/v2\/(.+)\/blobs\/(sha256:[0-9a-f]{64})$/.exec(path);
    if (req.method === 'GET' && blob) {
      res.writeHead(307, {
        Location: `http://127.0.0.1:${storagePort}/storage/${blob[2]}?repo=${encodeURIComponent(blob[1])}`,
        'Access-Control-Allow-Origin': origin,
      });
      return res.end();
    }
    const upstream = request(
      `${reg.url}${path}`,
      { method: req.method, headers: { ...req.headers, host: `127.0.0.1:${reg.port}` } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  const frontPort = await listen(front);

  try {
    await page.goto('/');
    await page.getByRole('link', { name: 'Registry' }).click();
    const form = page.getByRole('form', { name: 'Add a registry' });
    await form.getByLabel('Registry host').fill(`127.0.0.1:${frontPort}`);
    await form.getByLabel('Username').fill(reg.username);
    await form.getByLabel('Password or token').fill(reg.password);
    await form.getByRole('button', { name: 'Add registry' }).click();
    const pullForm = page.getByRole('form', { name: 'Pull a policy' });
    await pullForm.getByLabel('Reference (tag or digest)').fill(`127.0.0.1:${frontPort}/e2e/redirect:1`);
    await pullForm.getByRole('button', { name: 'Pull and inspect' }).click();
    await expect(page).toHaveURL(/#\/inspect$/);

    // Credentials were in use on the registry's origin…
    expect(seen.front.some((r) => r.method === 'GET' && r.path.includes('/manifests/') && r.auth)).toBe(true);
    // …the blob request went there with them, and was redirected…
    expect(seen.front.some((r) => r.method === 'GET' && r.path.includes('/blobs/'))).toBe(true);
    // …but nothing that reached the storage origin carried them.
    const gets = seen.storage.filter((h) => !h['access-control-request-method']);
    expect(gets.length).toBeGreaterThan(0);
    for (const h of seen.storage) {
      expect(h.authorization).toBeUndefined();
      expect(String(h['access-control-request-headers'] ?? '')).not.toMatch(/authorization/i);
    }
  } finally {
    front.close();
    storage.close();
  }
});
