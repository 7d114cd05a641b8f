// Bench (Chromium): from choosing the largest annotated corpus policy to the Inspect view in the DOM, as a ratio
// to `File.arrayBuffer()` of the same file in the same page (the least any file-based view must spend), measured
// right after each run so machine noise hits both alike.
import { join } from 'node:path';
import { test, expect, corpusPath, openFile, FIXTURES } from '../e2e/helpers';
import { median, row } from './measure';
import { armProbe, readProbe } from './probe';

// 1,206,289 B: the largest of the four annotated policies in the corpus.
const LARGEST = 'kw-javy-js-sdk-demo-annotated-kwctl1.25.0.wasm';
const RUNS = 15;

test('open → Inspect drawn for the largest annotated policy', async ({ page, problems: _ }) => {
  const file = corpusPath(LARGEST);
  test.skip(!file, 'WASMLENS_CORPUS is not set');
  await page.goto('/#/inspect');
  // Keep the chosen File, so the baseline reads the very same one.
  await page.evaluate(() =>
    document.addEventListener(
      'change',
      (e) => {
        const input = e.target as HTMLInputElement;
        if (input.type === 'file' && input.files?.[0])
          (window as unknown as { __file: File }).__file = input.files[0];
      },
      true,
    ),
  );
  const open: number[] = [];
  const painted: number[] = [];
  const read: number[] = [];
  // Two warm-up runs (the Inspect and Markdown code loads on the first), then RUNS measured ones.
  for (let run = 0; run < RUNS + 2; run++) {
    // A module without metadata in between, so each run draws the details afresh.
    await openFile(page, join(FIXTURES, 'minimal.wasm'));
    await expect(page.getByText('No Kubewarden metadata found.')).toBeVisible();
    await armProbe(page, 'change', '[data-testid="inspect-details"]');
    await openFile(page, file!);
    const t = await readProbe(page);
    const baseline = await page.evaluate(async () => {
      const f = (window as unknown as { __file: File }).__file;
      const t0 = performance.now();
      await f.arrayBuffer();
      return performance.now() - t0;
    });
    if (run < 2) continue;
    open.push(t.ms);
    painted.push(t.paintedMs);
    read.push(baseline);
  }
  await expect(
    page.getByTestId('inspect-details').getByRole('row', { name: 'title: js-demo-policy' }),
  ).toBeVisible();
  row({
    what: 'open → Inspect drawn, 1.2 MB annotated policy, Chromium',
    value: median(open),
    baseline: median(read),
    baselineName: '`File.arrayBuffer()`',
    goal: 2,
    note: `median of ${RUNS}; next frame at ${median(painted).toFixed(1)} ms`,
  });
});
