// Bench (Chromium): from dropping a file on the page to its full section table in the DOM, vs File.arrayBuffer()
// of the same file right after each drop. Both are stamped in the page; the table's paint follows at the next
// frame whatever the app does (waiting for that frame was the flat 16.7 ms of the first measurement).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, corpusPath, FIXTURES } from '../e2e/helpers';
import { median, row } from './measure';

const FILES = [
  'component-hello-stdout-dwarf-jco-fixture.wasm',
  'rust-dwarf-hello-stdout-jco-fixture.wasm',
  'kw-tinygo-safe-labels-annotated-kwctl1.6.0.wasm',
];
const RUNS = 11;

test('drop to section table vs File.arrayBuffer()', async ({ page, problems: _ }) => {
  const paths = FILES.map((f) => corpusPath(f));
  test.skip(
    paths.some((p) => !p),
    'WASMLENS_CORPUS is not set',
  );
  await page.goto('/');
  // Keep a small file ready: it is dropped between runs so every big drop rebuilds the whole table.
  const small = readFileSync(join(FIXTURES, 'minimal.wasm')).toString('base64');
  for (const [i, path] of paths.entries()) {
    const b64 = readFileSync(path!).toString('base64');
    const sections = await page.evaluate(
      async ({ b64, small, runs, name }) => {
        const bytes = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
        const big = new File([bytes(b64)], name, { type: 'application/wasm' });
        const tiny = new File([bytes(small)], 'tiny.wasm', { type: 'application/wasm' });
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
          await until(() => heading() === 'tiny.wasm' && rows() === 7);
          const ready = domReady(() => heading() === name && rows() > 7);
          const t0 = performance.now();
          drop(big);
          const dropped = (await ready) - t0;
          count = rows();
          const t1 = performance.now();
          await big.arrayBuffer();
          const read = performance.now() - t1;
          if (r === 0) continue;
          dropMs.push(dropped);
          readMs.push(read);
        }
        return { dropMs, readMs, count };
      },
      { b64, small, runs: RUNS, name: FILES[i] },
    );
    const mb = (readFileSync(path!).length / 1e6).toFixed(2);
    row({
      what: `drop → section table, ${mb} MB module (${FILES[i]}, ${sections.count} sections), Chromium`,
      value: median(sections.dropMs),
      baseline: median(sections.readMs),
      baselineName: '`File.arrayBuffer()`',
      goal: 1.5,
      note: `median of ${RUNS}`,
    });
    expect(sections.count).toBeGreaterThan(7);
  }
});
