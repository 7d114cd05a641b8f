// Bench (Chromium): cold start of the built app. JS loaded before first interaction (gzip, as a ratio to all the
// JS in dist) and time to interactive (as a ratio to a static page from the same static server).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from '@playwright/test';
import { startStaticServer } from '../../scripts/lib/static-server.mjs';
import { test, expect, ROOT } from '../e2e/helpers';
import { report } from './measure';

const RUNS = 5;
const DIST = process.env.WASMLENS_DIST ?? join(ROOT, 'dist');
const BUTTON = 'Open a Wasm file';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const gz = (b: Buffer) => gzipSync(b, { level: 9 }).length;

/**
 * Before any page script: watch every frame for the enabled "Open a Wasm file" button, then stamp the frame
 * after it (when it is painted) as ms since navigation start.
 */
const WATCH = `(() => {
  const tick = () => {
    const b = [...document.querySelectorAll('button')].find((x) => x.textContent.trim() === ${JSON.stringify(BUTTON)});
    if (b && !b.disabled) requestAnimationFrame(() => (window.__interactive = performance.now()));
    else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();`;

interface Load {
  ms: number;
  jsGzip: number;
  jsUrls: string[];
}

/** One cold load in a fresh context (no HTTP cache, no service worker yet). */
async function coldLoad(browser: Browser, url: string): Promise<Load> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.addInitScript(WATCH);
    const js: Promise<{ url: string; size: number; at: number }>[] = [];
    page.on('response', (r) => {
      const type = r.headers()['content-type'] ?? '';
      if (!/javascript/.test(type) && !/\.m?js(\?|$)/.test(r.url())) return;
      const at = Date.now();
      js.push(r.body().then((b) => ({ url: r.url(), size: gz(b), at })));
    });
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { __interactive?: number }).__interactive);
    const done = Date.now();
    const ms = await page.evaluate(() => (window as unknown as { __interactive: number }).__interactive);
    await expect(page.getByRole('button', { name: BUTTON })).toBeEnabled();
    // Only what arrived before the app was interactive counts; later lazy chunks do not.
    const before = (await Promise.all(js)).filter((r) => r.at <= done);
    return { ms, jsGzip: before.reduce((s, r) => s + r.size, 0), jsUrls: before.map((r) => r.url) };
  } finally {
    await context.close();
  }
}

test('startup: JS before first interaction and time to interactive', async ({ browser, baseURL }) => {
  // Baseline page: just the button, served by the same static server code, so both loads pay the same costs.
  const blankDir = mkdtempSync(join(tmpdir(), 'wasmlens-bench-blank-'));
  writeFileSync(
    join(blankDir, 'index.html'),
    `<!doctype html><html><head><meta charset="utf-8"><title>blank</title></head><body><button type="button">${BUTTON}</button></body></html>`,
  );
  const blank = await startStaticServer({ root: blankDir, port: 0 });
  try {
    const app: Load[] = [];
    const base: Load[] = [];
    // Interleaved so that machine noise hits both alike.
    for (let i = 0; i < RUNS; i++) {
      app.push(await coldLoad(browser, `${baseURL}/`));
      base.push(await coldLoad(browser, `${blank.url}/`));
    }
    expect(app.every((l) => l.jsUrls.length > 0)).toBe(true);
    expect(base.every((l) => l.jsGzip === 0)).toBe(true);

    // Every JS file the build emitted, gzipped the same way: what loading everything eagerly would cost.
    const files = [
      ...readdirSync(join(DIST, 'assets'))
        .filter((f) => f.endsWith('.js'))
        .map((f) => join(DIST, 'assets', f)),
      join(DIST, 'sw.js'),
    ];
    const allJs = files.reduce((s, f) => s + gz(readFileSync(f)), 0);
    const loaded = median(app.map((l) => l.jsGzip));
    expect(loaded).toBeGreaterThan(0);
    expect(loaded).toBeLessThanOrEqual(allJs);
    const names = [...new Set(app.flatMap((l) => l.jsUrls.map((u) => new URL(u).pathname)))].join(', ');
    report(
      'startup JS before interactive (gzip)',
      loaded / 1024,
      'all dist JS',
      allJs / 1024,
      `[${names}]`,
      'KiB',
    );
    // Issue 17's budget for the shell; tests/unit/first-load.test.ts guards the build's preload list against it.
    report('startup JS before interactive, against the budget', loaded / 1024, 'budget', 40, '', 'KiB');
    report(
      'startup time to interactive (Chromium, cold)',
      median(app.map((l) => l.ms)),
      'static page',
      median(base.map((l) => l.ms)),
    );
  } finally {
    await blank.close();
    rmSync(blankDir, { recursive: true, force: true });
  }
});
