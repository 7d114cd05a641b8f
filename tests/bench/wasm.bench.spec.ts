// Bench (Chromium): from dropping a file on the page to its full section table in the DOM, vs File.arrayBuffer()
// of the same file right after each drop. Both are stamped in the page; the table's paint follows at the next
// frame whatever the app does (waiting for that frame was the flat 16.7 ms of the first measurement).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, corpusPath, FIXTURES } from '../e2e/helpers';
import { median, pairs, row } from './measure';
import { provideFiles } from './probe';

// Binaries that open in the Explorer: a file with Kubewarden metadata lands in Inspect instead (issue 17), and
// its first view is measured by inspect.bench.spec.ts.
const FILES = [
  'component-hello-stdout-dwarf-jco-fixture.wasm',
  'rust-dwarf-hello-stdout-jco-fixture.wasm',
  'kw-javy-js-sdk-demo-unannotated.wasm',
];
const RUNS = 21;

test('drop to section table vs File.arrayBuffer()', async ({ page, problems: _ }) => {
  const paths = FILES.map((f) => corpusPath(f));
  test.skip(
    paths.some((p) => !p),
    'WASMLENS_CORPUS is not set',
  );
  await page.goto('/');
  await provideFiles(page, [join(FIXTURES, 'minimal.wasm'), ...(paths as string[])]);
  for (const [i, name] of FILES.entries()) {
    const sections = await page.evaluate(
      async ({ runs, name }) => {
        const files = [...(document.getElementById('bench-files') as HTMLInputElement).files!];
        const big = files.find((f) => f.name === name)!;
        const tiny = files.find((f) => f.name === 'minimal.wasm')!;
        const rows = () =>
          document.querySelectorAll('table[aria-labelledby="sections-heading"] tbody tr').length;
        const heading = () => document.getElementById('summary-heading')?.textContent;
        const frame = () => new Promise((r) => requestAnimationFrame(r));
        const drop = (file: File) => {
          const dt = new DataTransfer();
          dt.items.add(file);
          window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
        };
        const until = async (ok: () => boolean) => {
          while (!ok()) await frame();
        };
        /**
         * A person drops a file into a page that is doing nothing, and the baseline read gets the same: the open
         * file's digest is shown, its recents entry written (IndexedDB, a few ms) and two frames painted.
         */
        const idle = async () => {
          const digest = () => document.querySelector('[data-testid="summary-sha256"]')?.textContent ?? '';
          await until(() => /^[0-9a-f]{64}$/.test(digest()));
          await new Promise((r) => setTimeout(r, 200));
          await frame();
          await frame();
        };
        /** Resolves with the time of the first DOM change after which `ok()` holds. */
        const domReady = (ok: () => boolean) =>
          new Promise<number>((resolve) => {
            const observer = new MutationObserver(() => {
              if (!ok()) return;
              observer.disconnect();
              resolve(performance.now());
            });
            observer.observe(document, { childList: true, subtree: true, characterData: true });
          });
        const dropMs: number[] = [];
        const readMs: number[] = [];
        let count = 0;
        // One warm-up drop, then `runs` measured ones.
        for (let r = 0; r <= runs; r++) {
          drop(tiny);
          await until(() => heading() === 'minimal.wasm' && rows() === 7);
          await idle();
          const ready = domReady(() => heading() === name && rows() > 7);
          const t0 = performance.now();
          drop(big);
          const dropped = (await ready) - t0;
          count = rows();
          await idle();
          const t1 = performance.now();
          await big.arrayBuffer();
          const read = performance.now() - t1;
          if (r === 0) continue;
          dropMs.push(dropped);
          readMs.push(read);
        }
        return { dropMs, readMs, count };
      },
      { runs: RUNS, name },
    );
    const mb = (readFileSync(paths[i]!).length / 1e6).toFixed(2);
    row({
      what: `drop → section table, ${mb} MB module (${name}, ${sections.count} sections), Chromium`,
      value: median(sections.dropMs),
      baseline: median(sections.readMs),
      baselineName: '`File.arrayBuffer()`',
      goal: 1.5,
      pairs: pairs(sections.dropMs, sections.readMs),
      note: `${RUNS} runs`,
    });
    expect(sections.count).toBeGreaterThan(7);
  }
});
