// Shared e2e helpers: the page fixture that fails a test on any uncaught error or CSP violation.
import { test as base, expect, type Page } from '@playwright/test';
import { isAbsolute, join, resolve } from 'node:path';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

export const ROOT = resolve(new URL('../..', import.meta.url).pathname);
export const FIXTURES = join(ROOT, 'tests', 'fixtures');

export function corpusPath(name: string): string | null {
  const dir = process.env.WASMLENS_CORPUS;
  if (!dir) return null;
  const abs = isAbsolute(dir) ? dir : join(ROOT, dir);
  const file = join(abs, name);
  return existsSync(file) ? file : null;
}

export interface TestRegistry {
  url: string;
  port: number;
  dataDir: string;
}
export function registries(): Record<string, TestRegistry> {
  return JSON.parse(process.env.WASMLENS_REGISTRIES ?? '{}');
}

/** A page that records page errors and CSP violations; each test asserts there were none. */
export const test = base.extend<{ problems: string[] }>({
  problems: async ({ page }, use) => {
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text()))
        problems.push(`csp: ${m.text()}`);
    });
    await use(problems);
    expect(problems, 'page errors or CSP violations').toEqual([]);
  },
});
export { expect };

/**
 * The first visit, as the offline tests need it: loads `url`, waits until the service worker has precached the
 * shell, and reloads until the page is under its control.
 */
export async function visitUntilOfflineReady(page: Page, url = '/') {
  await page.goto(url);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
}

/** Opens a file through the "Open a Wasm file" control, as a person would. */
export async function openFile(page: Page, path: string) {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Open a Wasm file' }).click();
  await (await chooser).setFiles(path);
}

/** Every value of one IndexedDB object store of the page, read as another script on the origin could. */
export function storedValues(page: Page, database: string, store: string): Promise<unknown[]> {
  return page.evaluate(
    ([database, store]) =>
      new Promise<unknown[]>((resolve, reject) => {
        const req = indexedDB.open(database);
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const all = req.result.transaction(store).objectStore(store).getAll();
          all.onsuccess = () => {
            resolve(all.result);
            req.result.close();
          };
        };
      }),
    [database, store] as const,
  );
}

/** `0x00 size name payload` with minimal LEBs: a custom section built by hand, independent of the library. */
export function customSection(name: string, payload: string): Buffer {
  const leb = (n: number) => {
    const out: number[] = [];
    do {
      let b = n & 0x7f;
      n >>>= 7;
      if (n) b |= 0x80;
      out.push(b);
    } while (n);
    return Buffer.from(out);
  };
  const body = Buffer.concat([leb(Buffer.byteLength(name)), Buffer.from(name), Buffer.from(payload)]);
  return Buffer.concat([Buffer.from([0]), leb(body.length), body]);
}

/** minimal.wasm with the given sections appended, in a temporary folder. */
export function writeModule(name: string, ...sections: Buffer[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'wasmlens-e2e-')), name);
  writeFileSync(path, Buffer.concat([readFileSync(join(FIXTURES, 'minimal.wasm')), ...sections]));
  return path;
}
