// E2E: drafts that come back. An edit followed at once (well within 100 ms) by a reload or a closed tab is kept;
// a reload lands on the draft (the file reopens from its kept copy, or the page names the file to choose); two
// tabs on one module never overwrite each other silently: the other tab is told and can merge or load.
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, openFile, ROOT } from './helpers';

const SAMPLE = join(ROOT, 'public', 'sample', 'no-privileged-pods.wasm');
const TITLE = 'Title io.kubewarden.policy.title';
const DESCRIPTION = 'Description io.kubewarden.policy.description';

/** Opens the sample and shows it in Annotate, its form read from the file. */
async function annotateSample(page: Page) {
  await openFile(page, SAMPLE);
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Annotate' }).click();
  await expect(page.getByLabel(TITLE)).toHaveValue('no-privileged-pods');
}

/** Types into a field and reloads straight after, returning the milliseconds in between. */
async function typeThenReload(page: Page, label: string, text: string): Promise<number> {
  await page.getByLabel(label).fill(text);
  const typed = Date.now();
  const reloading = page.reload();
  const gap = Date.now() - typed;
  await reloading;
  return gap;
}

test('an edit then a reload within 100 ms: the kept file and its draft come back, in Annotate', async ({
  page,
  problems: _,
}) => {
  await page.goto('/');
  await page.getByRole('checkbox', { name: /Keep a copy of files I open/ }).check();
  await annotateSample(page);
  // The kept copy is written once the file is hashed; the Recent list (Welcome) is not on screen, so ask storage.
  await expect
    .poll(() => page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name)))
    .toContain('wasmlens-recent-files');

  const gap = await typeThenReload(page, TITLE, 'typed-then-reloaded');
  expect(gap).toBeLessThan(100);
  await expect(page).toHaveURL(/#\/annotate$/);
  await expect(page.getByLabel(TITLE)).toHaveValue('typed-then-reloaded');
  await expect(page.getByText(/^Draft restored/)).toBeVisible();
});

test('without a kept copy, a reload names the file to choose and marks its Recent row', async ({
  page,
  problems: _,
}) => {
  await page.goto('/');
  await annotateSample(page);
  const gap = await typeThenReload(page, DESCRIPTION, 'typed with no copy kept');
  expect(gap).toBeLessThan(100);

  const notice = page.getByTestId('resume-draft');
  await expect(notice).toContainText('You were editing no-privileged-pods.wasm');
  await expect(notice).toContainText('choose no-privileged-pods.wasm again');
  const row = page.getByRole('list', { name: 'Recently opened' }).getByRole('listitem').first();
  await expect(row).toContainText('no-privileged-pods.wasm');
  await expect(row.getByTestId('recent-draft')).toHaveText('unsaved draft');

  await openFile(page, SAMPLE);
  await expect(page.getByLabel(DESCRIPTION)).toHaveValue('typed with no copy kept');
  await expect(page.getByText(/^Draft restored/)).toBeVisible();
});

test('an edit then closing the tab at once: the draft is there in the next tab', async ({
  context,
  problems: _,
}) => {
  const first = await context.newPage();
  await first.goto('/');
  await annotateSample(first);
  await first.getByLabel(TITLE).fill('typed-then-closed');
  await first.close();

  const next = await context.newPage();
  await next.goto('/#/annotate');
  await openFile(next, SAMPLE);
  await expect(next.getByLabel(TITLE)).toHaveValue('typed-then-closed');
});

test('two tabs on one module: the other tab is told, merges, and the first is told in turn', async ({
  context,
  problems: _,
}) => {
  const one = await context.newPage();
  const two = await context.newPage();
  for (const page of [one, two]) {
    await page.goto('/');
    await annotateSample(page);
  }
  await one.getByLabel(TITLE).fill('title from tab one');
  await expect(one.getByText('Draft saved in this browser.')).toBeVisible();

  // Tab two learns of it before saving anything, and its own edit is not written over tab one's.
  const conflict = two.getByTestId('draft-conflict');
  await expect(conflict).toContainText('Another tab saved a draft of this module');
  await two.getByLabel(DESCRIPTION).fill('description from tab two');
  await expect(two.getByText('Not saved: another tab changed this draft.')).toBeVisible();

  await conflict.getByRole('button', { name: 'Merge both' }).click();
  await expect(conflict).toHaveCount(0);
  await expect(two.getByTestId('draft-merged')).toHaveText("Merged with the other tab's draft.");
  await expect(two.getByLabel(TITLE)).toHaveValue('title from tab one');
  await expect(two.getByLabel(DESCRIPTION)).toHaveValue('description from tab two');
  await expect(two.getByText('Draft saved in this browser.')).toBeVisible();

  // Now tab one is the one told; it loads the merged draft.
  const back = one.getByTestId('draft-conflict');
  await expect(back).toBeVisible();
  await back.getByRole('button', { name: "Load the other tab's draft" }).click();
  await expect(one.getByLabel(DESCRIPTION)).toHaveValue('description from tab two');
  await expect(one.getByLabel(TITLE)).toHaveValue('title from tab one');
});
