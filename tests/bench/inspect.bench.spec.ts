// Bench (Chromium): from choosing the largest annotated corpus policy to the Inspect view drawn, as a ratio to
// `File.arrayBuffer()` of the same file in the same page (the least any file-based view must spend).
import { join } from 'node:path';
import { test, expect, corpusPath, openFile, FIXTURES } from '../e2e/helpers';
import { report } from './measure';

// 1,206,289 B: the largest of the four annotated policies in the corpus.
const LARGEST = 'kw-javy-js-sdk-demo-annotated-kwctl1.25.0.wasm';
const RUNS = 7;

interface Bench {
  t0: number;
  drawn: number;
  file: File | null;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

test('open → Inspect drawn for the largest annotated policy', async ({ page, problems: _ }) => {
  const file = corpusPath(LARGEST);
  test.skip(!file, 'WASMLENS_CORPUS is not set');
  await page.goto('/#/inspect');
  await page.evaluate(() => {
    const w = window as unknown as { __bench: Bench };
    w.__bench = { t0: 0, drawn: 0, file: null };
    // Capture phase: this runs before the app's own change handler starts reading the file.
    document.addEventListener(
      'change',
      (e) => {
        const input = e.target as HTMLInputElement;
        if (input.type !== 'file' || !input.files?.[0]) return;
        w.__bench.t0 = performance.now();
        w.__bench.file = input.files[0];
      },
      true,
    );
    new MutationObserver(() => {
      const b = w.__bench;
      if (b.t0 && !b.drawn && document.querySelector('[data-testid="inspect-details"]')) {
        b.drawn = -1;
        // The next frame is when the new content is painted.
        requestAnimationFrame(() => (b.drawn = performance.now()));
      }
    }).observe(document.body, { childList: true, subtree: true });
  });

  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    // A module without metadata in between, so each run draws the details afresh.
    await openFile(page, join(FIXTURES, 'minimal.wasm'));
    await expect(page.getByText('No Kubewarden metadata found.')).toBeVisible();
    await page.evaluate(() =>
      Object.assign((window as unknown as { __bench: Bench }).__bench, { t0: 0, drawn: 0 }),
    );
    await openFile(page, file!);
    await page.waitForFunction(() => (window as unknown as { __bench: Bench }).__bench.drawn > 0);
    times.push(
      await page.evaluate(() => {
        const b = (window as unknown as { __bench: Bench }).__bench;
        return b.drawn - b.t0;
      }),
    );
  }
  await expect(
    page.getByTestId('inspect-details').getByRole('row', { name: 'title: js-demo-policy' }),
  ).toBeVisible();

  const baseline = await page.evaluate(async (runs) => {
    const f = (window as unknown as { __bench: Bench }).__bench.file!;
    const t: number[] = [];
    for (let i = 0; i < runs + 2; i++) {
      const t0 = performance.now();
      await f.arrayBuffer();
      if (i >= 2) t.push(performance.now() - t0);
    }
    return t.sort((a, b) => a - b)[Math.floor(t.length / 2)];
  }, RUNS);
  expect(times.length).toBe(RUNS);
  report('inspect open→drawn 1.2 MB (Chromium)', median(times), 'File.arrayBuffer()', baseline);
});
