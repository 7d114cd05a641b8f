// In-page timing for the Chromium benches: from the user's event (a form submit, a file chosen) to the moment the
// view's content is in the DOM, both stamped inside the page with performance.now(), so Playwright's own round
// trips are not counted. The next paint follows at the browser's next frame (at most 16.7 ms later, whatever the
// app does); it is stamped too and reported beside the figure, not in it.
import type { Page } from '@playwright/test';

interface Probe {
  t0: number;
  ready: number;
  painted: number;
}
type Win = { __probe?: Probe };

/**
 * Arms a probe: the next `event` (captured on the document, before any app handler) starts the clock, and the
 * first DOM change after which `selector` matches (an element whose text includes `text`, when given) stops it.
 * `'now'` starts the clock at once instead.
 */
export async function armProbe(
  page: Page,
  event: 'submit' | 'change' | 'click' | 'now',
  selector: string,
  text = '',
) {
  await page.evaluate(
    ({ event, selector, text }) => {
      const matches = () =>
        [...document.querySelectorAll(selector)].some((el) => (el.textContent ?? '').includes(text));
      const w = window as unknown as Win;
      const probe: Probe = { t0: 0, ready: 0, painted: 0 };
      w.__probe = probe;
      const start = () => (probe.t0 = performance.now());
      if (event === 'now') start();
      else document.addEventListener(event, start, { capture: true, once: true });
      const observer = new MutationObserver(() => {
        if (!probe.t0 || probe.ready || !matches()) return;
        probe.ready = performance.now();
        observer.disconnect();
        requestAnimationFrame(() => (probe.painted = performance.now()));
      });
      observer.observe(document, { childList: true, subtree: true, characterData: true });
    },
    { event, selector, text },
  );
}

/** Waits for the armed probe; returns ms from the event to the content in the DOM, and to the next frame. */
export async function readProbe(page: Page, timeout = 120_000): Promise<{ ms: number; paintedMs: number }> {
  await page.waitForFunction(() => ((window as unknown as Win).__probe?.painted ?? 0) > 0, undefined, {
    timeout,
  });
  return page.evaluate(() => {
    const p = (window as unknown as Win).__probe!;
    return { ms: p.ready - p.t0, paintedMs: p.painted - p.t0 };
  });
}

/**
 * Gives the page these files from disk, as a drop or the file picker gives them (a File made in the page from bytes
 * is read by another, slower path), on a hidden input of the bench's own; the page finds them with `benchFile()`.
 */
export async function provideFiles(page: Page, paths: string[]) {
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    input.id = 'bench-files';
    input.hidden = true;
    document.body.append(input);
  });
  await page.setInputFiles('#bench-files', paths);
}

/**
 * Waits until the page is doing nothing, as a person's next action finds it: the open document's after-draw work
 * (its digest, its recents entry in IndexedDB) done, and two frames painted. A measured action and its baseline
 * both start from here.
 */
export async function settled(page: Page) {
  await page.evaluate(async () => {
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < 2; i++) await new Promise((r) => requestAnimationFrame(r));
  });
}
