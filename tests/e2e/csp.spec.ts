// The workers' Content-Security-Policy in Chromium (issue 19). A <meta> CSP never reaches a worker: only the header
// of the worker's own script does. A probe worker shows what the header changes (eval and another origin, open
// without it), and the app's own workers refuse to run when their scripts come without it.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { test, expect } from '@playwright/test';
import { startStaticServer } from '../../scripts/lib/static-server.mjs';
import { FIXTURES, openFile, ROOT, visitUntilOfflineReady } from './helpers';

/** A plain file server with no security headers at all: a host that sets none. */
async function bareServer(root: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    let file = join(root, path);
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
    } catch {
      file = join(root, 'index.html');
    }
    const type = {
      '.js': 'text/javascript',
      '.html': 'text/html',
      '.wasm': 'application/wasm',
      '.css': 'text/css',
    }[extname(file)];
    try {
      res.writeHead(200, { 'Content-Type': type ?? 'application/octet-stream' }).end(readFileSync(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

const PROBE = `
let evalRuns = false, otherOrigin = false;
try { evalRuns = new Function('return 1')() === 1; } catch {}
try { await fetch(OTHER, { mode: 'no-cors' }); otherOrigin = true; } catch {}
postMessage({ evalRuns, otherOrigin });
`;

test('a worker under the worker header cannot eval or reach another origin; without it, it can', async ({
  page,
}) => {
  const root = mkdtempSync(join(tmpdir(), 'wasmlens-csp-e2e-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>probe</title>');
  const bare = await bareServer(root);
  const served = await startStaticServer({ root, port: 0 });
  // Each probe tries to reach the other server, a real second origin on this machine.
  try {
    const probe = async (url: string, other: string) => {
      writeFileSync(join(root, 'assets', 'probe-worker-T.js'), PROBE.replace('OTHER', JSON.stringify(other)));
      await page.goto(`${url}/`);
      return page.evaluate(
        () =>
          new Promise((resolve) => {
            const w = new Worker('/assets/probe-worker-T.js', { type: 'module' });
            w.onmessage = (e) => resolve(e.data);
            // A worker that fails to load says so, rather than leaving the test to its timeout.
            w.onerror = (e) => resolve({ workerError: e.message || 'the worker did not load' });
          }),
      );
    };
    expect(await probe(bare.url, served.url)).toEqual({ evalRuns: true, otherOrigin: true });
    expect(await probe(served.url, bare.url)).toEqual({ evalRuns: false, otherOrigin: false });
  } finally {
    await served.close();
    await new Promise((r) => {
      bare.server.close(r);
      bare.server.closeAllConnections();
    });
    rmSync(root, { recursive: true, force: true });
  }
});

test("the app's workers refuse to run when their scripts come without the header", async ({ page }) => {
  const bare = await bareServer(join(ROOT, 'dist'));
  try {
    await page.goto(`${bare.url}/`);
    await openFile(page, join(FIXTURES, 'minimal.wasm'));
    await page.getByRole('button', { name: 'Show WAT' }).click();
    await expect(
      page.getByText(
        /The tools worker refused to run: its script was served without a Content-Security-Policy/,
      ),
    ).toBeVisible();
  } finally {
    await new Promise((r) => bare.server.close(r));
  }
});

test('offline, the workers still find their header (the service worker keeps it) and run', async ({
  page,
  context,
}) => {
  await visitUntilOfflineReady(page);
  // Once online, so the 2.4 MB wasm-tools lands in the service worker's runtime cache.
  await openFile(page, join(FIXTURES, 'minimal.wasm'));
  await page.getByRole('button', { name: 'Show WAT' }).click();
  const out = page.getByRole('textbox', { name: 'WAT output' });
  await expect(out).toHaveValue(/^\(module \$minimal/, { timeout: 30_000 });

  await context.setOffline(true);
  try {
    await page.reload();
    await openFile(page, join(FIXTURES, 'minimal.wasm'));
    await page.getByRole('button', { name: 'Show WAT' }).click();
    await expect(out).toHaveValue(/^\(module \$minimal/, { timeout: 30_000 });
  } finally {
    await context.setOffline(false);
  }
});
