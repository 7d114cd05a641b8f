// Bench (Chromium): a 100 MB module (an annotated corpus policy with 99 MB of DWARF, generated here and deleted
// after, never committed): drop → first view drawn, open Annotate, download the annotated module, each as a ratio to
// File.arrayBuffer() of the same file; and the renderer's peak memory over that journey as a ratio to the file.
// Peak memory is the renderer process's peak RSS (Linux VmHWM, reset before each run): the app is not
// cross-origin isolated, so performance.measureUserAgentSpecificMemory() is not available to it.
import { readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CDPSession, Page } from '@playwright/test';
import { test, expect, corpusPath, FIXTURES } from '../e2e/helpers';
import { median, pairs, row } from './measure';
import { armProbe, provideFiles, readProbe } from './probe';

const BASE = 'kw-javy-js-sdk-demo-annotated-kwctl1.25.0.wasm';
const SIZE = 100 * 1000 * 1000;
const RUNS = 3;
const MB = 1e6;

// gc() lets each run start from the same heap; it changes no timing inside a run.
test.use({
  launchOptions: { executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--js-flags=--expose-gc'] },
});

/** `base` plus a `.debug_info` custom section that brings it to `size` bytes (DWARF is what makes modules big). */
function bigModule(base: Buffer, size: number): Buffer {
  const name = Buffer.from('.debug_info');
  const payload = size - base.length - 1 - 5 - 1 - name.length;
  const leb = Buffer.alloc(5);
  for (let i = 0, v = 1 + name.length + payload; i < 5; i++, v >>>= 7)
    leb[i] = (v & 0x7f) | (i < 4 ? 0x80 : 0);
  const body = Buffer.alloc(payload);
  for (let i = 0; i < payload; i += 4096) body.writeUInt32LE((i * 2654435761) >>> 0, i);
  // The metadata section must stay where kwctl put it; DWARF goes before it, as toolchains emit it.
  return Buffer.concat([base, Buffer.from([0]), leb, Buffer.from([name.length]), name, body]);
}

/** Linux memory figures of a process, in bytes. */
function status(pid: number): { rss: number; peak: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** The renderer process of `page`: of this browser's renderers, the one that grows when the page allocates. */
async function rendererPid(page: Page, cdp: CDPSession): Promise<number> {
  const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as {
    processInfo: { type: string; id: number }[];
  };
  const renderers = processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
  const before = new Map(renderers.map((pid) => [pid, status(pid).rss]));
  await page.evaluate(
    () =>
      ((window as unknown as { __probeBytes: Uint8Array }).__probeBytes = new Uint8Array(64 * 2 ** 20).fill(
        1,
      )),
  );
  const grown = renderers.map((pid) => ({ pid, by: status(pid).rss - before.get(pid)! }));
  await page.evaluate(() => delete (window as unknown as { __probeBytes?: Uint8Array }).__probeBytes);
  grown.sort((a, b) => b.by - a.by);
  expect(grown[0].by).toBeGreaterThan(32 * 2 ** 20);
  return grown[0].pid;
}

test('a 100 MB module: drop → table, annotate, download, and peak memory', async ({
  page,
  browser,
  problems: _,
}) => {
  test.setTimeout(600_000);
  const base = corpusPath(BASE);
  test.skip(!base, 'WASMLENS_CORPUS is not set');
  const file = join(tmpdir(), `wasmlens-bench-100mb-${process.pid}.wasm`);
  writeFileSync(file, bigModule(readFileSync(base!), SIZE));
  try {
    await page.goto('/');
    const cdp = await browser.newBrowserCDPSession();
    const pid = await rendererPid(page, cdp);
    await provideFiles(page, [join(FIXTURES, 'minimal.wasm'), file]);
    const name = file.split('/').pop()!;
    const t = {
      drop: [] as number[],
      annotate: [] as number[],
      download: [] as number[],
      read: [] as number[],
    };
    const peaks: number[] = [];
    for (let run = 0; run <= RUNS; run++) {
      // Start each run from the minimal module, with the big one's earlier copies collected.
      await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Explorer' }).click();
      await dropFile(page, 'minimal.wasm');
      await expect(page.getByTestId('summary-sha256')).toHaveText(/^[0-9a-f]{64}$/);
      await page.evaluate(() => (globalThis as unknown as { gc: () => void }).gc());
      await page.waitForTimeout(300);
      // The baseline first, while the page is idle, as the drop will find it.
      const read = await page.evaluate(async (name) => {
        const f = [...(document.getElementById('bench-files') as HTMLInputElement).files!].find(
          (x) => x.name === name,
        )!;
        const t0 = performance.now();
        await f.arrayBuffer();
        return performance.now() - t0;
      }, name);
      await page.evaluate(() => (globalThis as unknown as { gc: () => void }).gc());
      await page.waitForTimeout(300);
      const start = status(pid).rss;
      writeFileSync(`/proc/${pid}/clear_refs`, '5'); // resets VmHWM to the current RSS

      // Dropped on the Explorer, a policy lands in Inspect as soon as its sections are read (before its digest):
      // the first view drawn is Inspect's details. The Explorer's summary then shows the digest once it is done.
      await armProbe(page, 'now', '#inspect-panel-details table');
      await dropFile(page, name);
      const drop = await readProbe(page);
      await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Explorer' }).click();
      await expect(page.getByTestId('summary-sha256')).toHaveText(/^[0-9a-f]{64}$/, { timeout: 60_000 });

      await armProbe(page, 'click', 'button.primary:not([disabled])', 'Download annotated .wasm');
      await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Annotate' }).click();
      const annotate = await readProbe(page);
      await page.getByLabel('Title').fill(`big module ${run}`);

      const download = page.waitForEvent('download');
      const handedOver = await timeDownload(page);
      await (await download).path(); // the browser has written the file
      const peak = status(pid).peak - start;

      if (run === 0) continue; // warm-up: the Annotate view's code loads
      t.drop.push(drop.ms);
      t.annotate.push(annotate.ms);
      t.download.push(handedOver);
      t.read.push(read);
      peaks.push(peak);
    }
    const common = { baseline: median(t.read), baselineName: '`File.arrayBuffer()`', goal: 2 };
    const note = `${RUNS} runs`;
    row({
      what: 'a 100 MB module: drop → first view drawn (Inspect, where a policy lands)',
      value: median(t.drop),
      pairs: pairs(t.drop, t.read),
      note,
      ...common,
    });
    row({
      what: 'a 100 MB module: open Annotate',
      value: median(t.annotate),
      pairs: pairs(t.annotate, t.read),
      note,
      ...common,
    });
    row({
      what: 'a 100 MB module: download annotated',
      value: median(t.download),
      pairs: pairs(t.download, t.read),
      note,
      ...common,
    });
    row({
      what: 'a 100 MB module: peak memory over drop, annotate and download',
      value: median(peaks) / MB,
      baseline: SIZE / MB,
      baselineName: 'the file',
      goal: 2.5,
      unit: 'MB',
      note: `renderer peak RSS (VmHWM) above the start of the run; ${RUNS} runs`,
    });
  } finally {
    if (existsSync(file)) rmSync(file);
  }
});

/** Drops one of the bench input's files on the page, as a person dragging it there would. */
async function dropFile(page: Page, name: string) {
  await page.evaluate((name) => {
    const f = [...(document.getElementById('bench-files') as HTMLInputElement).files!].find(
      (x) => x.name === name,
    )!;
    const dt = new DataTransfer();
    dt.items.add(f);
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, name);
}

/** Clicks "Download annotated .wasm"; ms from the click to the file handed to the browser (its object URL). */
async function timeDownload(page: Page): Promise<number> {
  await page.evaluate(() => {
    const w = window as unknown as { __dl: { t0: number; t1: number } };
    w.__dl = { t0: 0, t1: 0 };
    const create = URL.createObjectURL.bind(URL);
    URL.createObjectURL = (obj: Blob | MediaSource) => {
      if (w.__dl.t0 && !w.__dl.t1) w.__dl.t1 = performance.now();
      return create(obj);
    };
    document.addEventListener('click', () => (w.__dl.t0 = performance.now()), { capture: true, once: true });
  });
  await page.getByRole('button', { name: 'Download annotated .wasm' }).click();
  await page.waitForFunction(() => (window as unknown as { __dl: { t1: number } }).__dl.t1 > 0);
  return page.evaluate(() => {
    const d = (window as unknown as { __dl: { t0: number; t1: number } }).__dl;
    return d.t1 - d.t0;
  });
}
