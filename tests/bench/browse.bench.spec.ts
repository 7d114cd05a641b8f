// Bench (Chromium): the Browse tag table with 10,000 and 100,000 tags from a stand-in registry: time until the
// first page is rendered and read, and time for a filter to show its rows, each as a ratio to the 10,000-tag run.
import type { Page } from '@playwright/test';
import { startHugeRegistry, type HugeRegistry } from '../fixtures/huge-registry';
import { test, expect } from '../e2e/helpers';
import { report } from './measure';

const RUNS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(page: Page, reg: HugeRegistry, count: number) {
  const open: number[] = [];
  const filter: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await page.goto('/#/browse');
    await expect(page.getByRole('heading', { name: 'Browse', level: 2 })).toBeVisible();
    let t0 = performance.now();
    await page.goto(`/#/repo/${reg.host}/huge/r${run}`);
    await expect(page.getByTestId('tag-count')).toHaveText(`(${count})`, { timeout: 60_000 });
    await expect(page.getByText('not read')).toHaveCount(0);
    open.push(performance.now() - t0);
    t0 = performance.now();
    await page.getByLabel('Filter tags').fill('build-999');
    await expect(page.getByTestId('tag-page')).toHaveText(/^Page 1 of \d+ · \d+ tags$/);
    await expect(page.getByTestId('tag-row').first()).toHaveAttribute('data-tag', /build-999/);
    filter.push(performance.now() - t0);
  }
  return { open: median(open), filter: median(filter) };
}

test('tag table: 100,000 tags against 10,000', async ({ page, problems: _ }) => {
  test.setTimeout(300_000);
  const small = await startHugeRegistry(10_000);
  const large = await startHugeRegistry(100_000);
  try {
    const a = await measure(page, small, 10_000);
    const b = await measure(page, large, 100_000);
    report('browse open 10k tags (first page read)', a.open);
    report('browse open 100k tags (first page read)', b.open, '10k tags', a.open);
    report('browse filter 10k tags', a.filter);
    report('browse filter 100k tags', b.filter, '10k tags', a.filter);
  } finally {
    await small.close();
    await large.close();
  }
});
