// E2E: offline on any static host. The built app is served by two static servers that send different headers (the
// project's own server, and `vite preview`, which adds `Vary: Origin` and no immutable caching). After one visit to
// the start page, with no view opened, the host goes away and the network is cut: every view still opens from the
// service worker's precache.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { startStaticServer } from '../../scripts/lib/static-server.mjs';
import { freePort, waitForHttp } from '../../scripts/lib/ports.mjs';
import { test, expect, openFile, ROOT, visitUntilOfflineReady } from './helpers';

const DIST = process.env.WASMLENS_DIST ?? join(ROOT, 'dist');
const SAMPLE = join(ROOT, 'public', 'sample', 'no-privileged-pods.wasm');
const VIEWS = ['Explorer', 'Inspect', 'Annotate', 'Evaluate', 'Registry', 'Artifacts'];

interface Host {
  url: string;
  stop: () => Promise<void>;
}

async function ownServer(): Promise<Host> {
  const server = await startStaticServer({ root: DIST, port: 0 });
  return { url: server.url, stop: server.close };
}

async function vitePreview(): Promise<Host> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(ROOT, 'node_modules/vite/bin/vite.js'),
      'preview',
      '--outDir',
      DIST,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--strictPort',
    ],
    { cwd: ROOT, stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/`, { isAlive: () => child.exitCode === null });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

/** The headers a host sends for one hashed asset, so the test shows the two hosts really differ. */
async function assetHeaders(page: Page): Promise<Record<string, string>> {
  const src = await page.locator('script[type="module"]').first().getAttribute('src');
  const res = await page.request.get(new URL(src!, page.url()).href, { headers: { Origin: 'http://x' } });
  return res.headers();
}

async function everyViewOffline(page: Page, context: BrowserContext, host: Host): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await visitUntilOfflineReady(page, `${host.url}/`);

  await host.stop();
  await context.setOffline(true);
  try {
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Look inside a WebAssembly policy' })).toBeVisible();
    await openFile(page, SAMPLE);
    const nav = page.getByRole('navigation', { name: 'Views' });
    for (const name of VIEWS) {
      await nav.getByRole('link', { name }).click();
      await expect(page.getByRole('heading', { level: 2 }).first()).toBeVisible();
      await expect(page.getByText(/view could not be loaded/)).toHaveCount(0);
    }
    await nav.getByRole('link', { name: 'Inspect' }).click();
    await expect(page.getByTestId('inspect-details')).toBeVisible();
    expect(errors).toEqual([]);
  } finally {
    await context.setOffline(false);
  }
}

const HOSTS = [
  // The project's own server sends no Vary.
  { name: 'the project’s static server', start: ownServer, vary: undefined },
  // The header that made a precached stylesheet miss before the service worker ignored Vary.
  { name: 'vite preview (Vary: Origin)', start: vitePreview, vary: 'Origin' },
];

for (const { name, start, vary } of HOSTS) {
  test(`offline under ${name}: every view opens, none visited before`, async ({ browser }) => {
    const host = await start();
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${host.url}/`);
      expect((await assetHeaders(page)).vary).toBe(vary);
      await everyViewOffline(page, context, host);
    } finally {
      await context.close();
      await host.stop();
    }
  });
}
