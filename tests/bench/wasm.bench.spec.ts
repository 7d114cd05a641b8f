// Bench (Chromium): from dropping a file on the page to its full section table, vs File.arrayBuffer() alone.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, corpusPath, FIXTURES } from '../e2e/helpers';
import { report } from './measure';

const FILES = [
  'component-hello-stdout-dwarf-jco-fixture.wasm',
  'rust-dwarf-hello-stdout-jco-fixture.wasm',
  'kw-tinygo-safe-labels-annotated-kwctl1.6.0.wasm',
];
const RUNS = 7;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

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
        const dropMs: number[] = [];
        const readMs: number[] = [];
        let count = 0;
        for (let r = 0; r < runs; r++) {
          drop(tiny);
          await until(() => heading() === 'tiny.wasm' && rows() === 7);
          const t0 = performance.now();
          drop(big);
          await until(() => heading() === name && rows() > 7);
          dropMs.push(performance.now() - t0);
          count = rows();
          const t1 = performance.now();
          await big.arrayBuffer();
          readMs.push(performance.now() - t1);
        }
        return { dropMs, readMs, count };
      },
      { b64, small, runs: RUNS, name: FILES[i] },
    );
    report(
      `wasm drop-to-table ${FILES[i]}`,
      median(sections.dropMs),
      'File.arrayBuffer()',
      median(sections.readMs),
      `(${sections.count} sections)`,
    );
    expect(sections.count).toBeGreaterThan(7);
  }
});
