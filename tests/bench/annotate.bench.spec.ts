// Bench (Chromium): a keystroke in Annotate's Title field, and one in an annotation row, with 50,000 annotations
// against the same keystroke with 500, each stamped in the page from the input event to the frame after it.
// The 500 baseline is mostly the frame itself. Before the rows' findings were kept apart, a Title keystroke at
// 50,000 took 204-226 ms (the rows were walked again); what is left scales with the metadata object rebuilt.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from '../e2e/helpers';
import { encodeCustomSection } from '../../src/lib/wasm';
import { median, report } from './measure';

const KEYS = 9;

function moduleWith(count: number): Buffer {
  const annotations = Object.fromEntries(
    Array.from({ length: count }, (_, i) => [`example.com/a${String(i).padStart(5, '0')}`, `value ${i}`]),
  );
  const metadata = JSON.stringify({ protocolVersion: 'v1', rules: [], mutating: false, annotations });
  return Buffer.concat([
    Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]),
    Buffer.from(encodeCustomSection('io.kubewarden.metadata', new TextEncoder().encode(metadata))),
  ]);
}

/** Median ms from an input event in the focused field to the task after the next frame; the first key warms up. */
async function keystrokes(page: Page): Promise<number> {
  const times = await page.evaluate(async (keys) => {
    const out: number[] = [];
    for (let i = 0; i <= keys; i++) {
      const el = document.activeElement as HTMLInputElement;
      const t0 = performance.now();
      el.value += 'x';
      el.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r)));
      if (i > 0) out.push(performance.now() - t0);
    }
    return out;
  }, KEYS);
  return median(times);
}

test('a keystroke in Annotate with 50,000 annotations against 500', async ({ page, problems: _ }) => {
  const dir = mkdtempSync(join(tmpdir(), 'wasmlens-bench-annotate-'));
  const result: Record<number, { title: number; row: number }> = {};
  try {
    for (const count of [500, 50_000]) {
      const file = join(dir, `annotations-${count}.wasm`);
      writeFileSync(file, moduleWith(count));
      await page.goto('/#/annotate');
      await page.locator('input[type=file]').first().setInputFiles(file);
      await expect(page.getByRole('navigation', { name: 'Pages of annotations' })).toContainText(
        `of ${count.toLocaleString('en-US')} annotations`,
        { timeout: 60_000 },
      );
      await page.getByLabel('Title').click();
      const title = await keystrokes(page);
      await page.getByLabel('Annotation 1 value').click();
      const row = await keystrokes(page);
      result[count] = { title, row };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  report(
    'annotate keystroke in Title, 50,000 annotations',
    result[50_000].title,
    '500 annotations',
    result[500].title,
  );
  report(
    'annotate keystroke in a row, 50,000 annotations',
    result[50_000].row,
    '500 annotations',
    result[500].row,
  );
});
