// The explorer in Chromium: section table, decoded custom sections, imports/exports, and jco WIT/WAT in a worker.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect, openFile, corpusPath, FIXTURES } from './helpers';

const TINYGO = 'kw-tinygo-safe-labels-annotated-kwctl1.6.0.wasm';
const ADDER = 'component-adder-jco-fixture.wasm';
const RUST_DWARF = 'rust-dwarf-hello-stdout-jco-fixture.wasm';

/** Opens a file and shows it in Explorer (a policy lands in Inspect). */
async function explore(page: Page, path: string) {
  await openFile(page, path);
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Explorer' }).click();
  await expect(page.locator('#summary-heading')).toBeVisible();
}

test.describe('corpus', () => {
  test.skip(!corpusPath(TINYGO) || !corpusPath(ADDER), 'WASMLENS_CORPUS is not set');

  test('a core module: section table, producers, hex toggle, imports filter', async ({
    page,
    problems: _,
  }) => {
    await page.goto('/');
    await explore(page, corpusPath(TINYGO)!);
    await expect(page.getByTestId('summary-kind')).toHaveText('Core module');
    await expect(page.getByTestId('summary-toolchain')).toContainText('TinyGo 0.28.1');

    const table = page.getByRole('table', { name: 'Sections', exact: true });
    const rows = table.getByRole('row');
    await expect(rows).toHaveCount(1 + 14);
    // Last row: the Kubewarden metadata section at 649,672 with a padded 5-byte size LEB (corpus README).
    const meta = rows.filter({ hasText: 'io.kubewarden.metadata' });
    await expect(meta.getByRole('cell')).toHaveText([
      '13',
      'custom',
      'io.kubewarden.metadata',
      '649,672',
      '2,849',
      'yes (5-byte LEB)',
    ]);
    await expect(table.getByRole('cell', { name: 'yes (5-byte LEB)' })).toHaveCount(14);

    await page.getByRole('checkbox', { name: 'Show offsets and sizes in hexadecimal' }).check();
    await expect(meta.getByRole('cell')).toHaveText([
      '13',
      'custom',
      'io.kubewarden.metadata',
      '0x9e9c8',
      '0xb21',
      'yes (5-byte LEB)',
    ]);

    const producers = page.getByRole('article', { name: 'Custom section producers' }).getByRole('table');
    await expect(producers.getByRole('row', { name: /processed-by TinyGo 0\.28\.1/ })).toBeVisible();
    await expect(producers.getByRole('row', { name: /walrus 0\.19\.0/ })).toBeVisible();
    const features = page.getByRole('list', { name: 'Target features' });
    await expect(features.getByRole('listitem')).toHaveText([
      '+nontrapping-fptoint',
      '+bulk-memory',
      '+sign-ext',
    ]);
    await expect(page.getByRole('article', { name: 'Custom section name' })).toContainText('Function names');

    await page.getByRole('searchbox', { name: 'Filter imports and exports' }).fill('wapc');
    const imports = page.getByRole('table', { name: /^Imports/ });
    await expect(imports.getByRole('row')).toHaveCount(1 + 3);
    await expect(page.getByRole('heading', { name: 'Imports (3 of 7)' })).toBeVisible();
    await page.getByRole('searchbox', { name: 'Filter imports and exports' }).fill('__guest_call');
    await expect(page.getByRole('table', { name: /^Exports/ }).getByRole('row')).toHaveCount(2);

    // The Kubewarden metadata is JSON: shown indented, with a link to read it in Inspect.
    const metadata = page.getByRole('article', { name: 'Custom section io.kubewarden.metadata' });
    await expect(metadata.getByRole('figure', { name: 'io.kubewarden.metadata as JSON' })).toContainText(
      '"io.kubewarden.policy.title": "safe-labels"',
    );
    await expect(metadata.getByRole('link', { name: 'Read it as kwctl inspect shows it' })).toBeVisible();
  });

  test('a component: structure, producers and WIT from jco in a worker', async ({ page, problems: _ }) => {
    await page.goto('/');
    await openFile(page, corpusPath(ADDER)!);
    await expect(page.getByTestId('summary-kind')).toHaveText('Component');
    await expect(page.getByRole('table', { name: 'Sections', exact: true }).getByRole('row')).toHaveCount(
      1 + 10,
    );
    await expect(page.getByTestId('component-core-modules')).toHaveText('1 at the top level');
    await expect(page.getByTestId('component-components')).toHaveText('1 at the top level');
    await expect(page.getByRole('article', { name: 'Custom section producers' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Imports and exports' })).toHaveCount(0);

    await page.getByRole('button', { name: 'Show WIT' }).click();
    await expect(page.getByRole('textbox', { name: 'WIT output' })).toHaveValue(
      /export docs:adder\/add@0\.1\.0;/,
      {
        timeout: 30_000,
      },
    );
  });

  test('WAT of a 650 KB module can be cancelled while the page stays responsive', async ({
    page,
    context,
    problems: _,
  }) => {
    // The tools' code is held back until the Cancel is clicked, so the run is still going when it is: on a busy
    // machine a real run of this module can end before the test reaches the button.
    let release = () => {};
    const released = new Promise<void>((r) => (release = r));
    await context.route('**/wasm-tools.core*.wasm', async (route) => {
      await released;
      await route.continue().catch(() => {}); // the cancelled worker may be gone by then
    });
    await page.goto('/');
    await explore(page, corpusPath(TINYGO)!);
    await page.getByRole('button', { name: 'Show WAT' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Running wasm-tools' })).toBeVisible();
    // The main thread is free: a timer fires and the filter box takes input while the run is under way.
    const lag = () =>
      page.evaluate(
        () =>
          new Promise<number>((r) => {
            const t = performance.now();
            setTimeout(() => r(performance.now() - t - 50), 50);
          }),
      );
    expect(await lag()).toBeLessThan(1000); // a freeze check with a generous bound, not a speed target
    await page.getByRole('searchbox', { name: 'Filter imports and exports' }).fill('wasi');
    await expect(page.getByRole('heading', { name: 'Imports (4 of 7)' })).toBeVisible();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Cancelled.' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Show WAT' })).toBeEnabled();
    await expect(page.getByRole('textbox', { name: 'WAT output' })).toHaveCount(0);

    // After a cancel the tools start afresh, and the page stays live while they really work.
    release();
    await context.unroute('**/wasm-tools.core*.wasm');
    await page.getByRole('button', { name: 'Show WAT' }).click();
    expect(await lag()).toBeLessThan(1000);
    await expect(page.getByRole('textbox', { name: 'WAT output' })).toHaveValue(/^\(module/, {
      timeout: 30_000,
    });
  });

  test('the explorer of a module and of a component has no axe violations', async ({ page, problems: _ }) => {
    await page.goto('/');
    for (const file of [TINYGO, ADDER]) {
      await explore(page, corpusPath(file)!);
      await expect(page.getByRole('heading', { name: file })).toBeVisible();
      const { violations } = await new AxeBuilder({ page }).include('main').analyze();
      expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`)).toEqual([]);
    }
  });

  test('a 2 MB module with little code gets WAT, with Copy and Download of all of it', async ({
    page,
    context,
    problems: _,
  }, info) => {
    const big = corpusPath(RUST_DWARF);
    test.skip(!big, 'corpus file missing');
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.goto('/');
    await openFile(page, big!);
    await expect(page.getByRole('table', { name: 'Sections', exact: true }).getByRole('row')).toHaveCount(
      1 + 20,
    );
    await page.getByRole('button', { name: 'Show WAT' }).click();
    const out = page.getByRole('textbox', { name: 'WAT output' });
    await expect(out).toHaveValue(/^\(module/, { timeout: 30_000 });
    // DWARF is printed as escaped bytes: more text than the box shows; Copy and Download have all of it.
    await expect(page.getByText(/^Showing the first 2,000,000 of [\d,]+ characters/)).toBeVisible();
    const pending = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download WAT' }).click();
    const file = await pending;
    expect(file.suggestedFilename()).toBe('rust-dwarf-hello-stdout-jco-fixture.wat');
    const saved = info.outputPath('out.wat');
    await file.saveAs(saved);
    const text = readFileSync(saved, 'utf8');
    expect(text.length).toBeGreaterThan(2_000_000);
    expect(text.startsWith(await out.inputValue())).toBe(true);
    await page.getByRole('button', { name: 'Copy WAT' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Copied' })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(text);
  });

  test('strip a Rust debug module: the download validates and is smaller by the bytes shown', async ({
    page,
    problems: _,
  }, info) => {
    const path = corpusPath(RUST_DWARF);
    test.skip(!path, 'corpus file missing');
    test.skip(spawnSync('wasm-validate', ['--version']).status !== 0, 'wabt is not installed');
    const original = readFileSync(path!);
    await page.goto('/');
    await openFile(page, path!);
    const panel = page.getByRole('region', { name: 'Strip debug info' });
    const saved = panel.getByTestId('strip-saved');
    const table = panel.getByRole('table', { name: 'Debug sections to remove' });

    const download = async (file: string) => {
      const pending = page.waitForEvent('download');
      await panel.getByRole('button', { name: 'Download stripped .wasm' }).click();
      const d = await pending;
      expect(d.suggestedFilename()).toBe('rust-dwarf-hello-stdout-jco-fixture-stripped.wasm');
      const out = info.outputPath(file);
      await d.saveAs(out);
      // wabt's validator is the oracle that the result is still a valid module.
      const check = spawnSync('wasm-validate', [out], { encoding: 'utf8' });
      expect(check.status, check.stderr).toBe(0);
      return readFileSync(out);
    };

    // DWARF only: the corpus README's 7 .debug_* sections, 2,061,559 B, leaving 84,038 B.
    await expect(panel.getByRole('radio', { name: /^DWARF only/ })).toBeChecked();
    await expect(table.locator('tbody tr')).toHaveCount(7);
    await expect(saved).toHaveText('2,061,559');
    const dwarf = await download('dwarf.wasm');
    expect(dwarf.length).toBe(original.length - 2_061_559);
    expect(dwarf.length).toBe(84_038);

    // Also name and producers: the README's 2,077,727 B with name, plus producers (98 B payload + id + LEB).
    await panel.getByRole('radio', { name: /^DWARF, names, producers and source maps/ }).check();
    await expect(table.locator('tbody tr')).toHaveCount(9);
    await expect(saved).toHaveText('2,077,827');
    const all = await download('all.wasm');
    const shown = Number((await saved.textContent())!.replace(/,/g, ''));
    expect(all.length).toBe(original.length - shown);
    await expect(panel.getByRole('status')).toContainText(`${all.length.toLocaleString('en-US')} bytes`);
  });
});

test('WAT of a WAT-built module, printed by jco in the worker', async ({ page, problems: _ }) => {
  await page.goto('/');
  await openFile(page, join(FIXTURES, 'minimal.wasm'));
  await page.getByRole('button', { name: 'Show WAT' }).click();
  const out = page.getByRole('textbox', { name: 'WAT output' });
  await expect(out).toHaveValue(/^\(module \$minimal/, { timeout: 30_000 });
  await expect(out).toHaveValue(/\(export "add" \(func \$add\)\)/);
  // Opening another file drops the old output.
  await openFile(page, join(FIXTURES, 'wasm-kinds.wasm'));
  await expect(page.getByRole('heading', { name: 'wasm-kinds.wasm' })).toBeVisible();
  await expect(out).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Imports (7 of 7)' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Exports (6 of 6)' })).toBeVisible();
  await expect(page.getByTestId('summary-toolchain')).toHaveText('unknown (no producers section)');
  expect(readFileSync(join(FIXTURES, 'wasm-kinds.wasm')).length).toBeLessThan(1024 * 1024);
});

test('non-Wasm files name what they look like', async ({ page, problems: _ }) => {
  // Extends open.spec.ts (plain text) with the other kinds the issue lists.
  await page.goto('/');
  const cases: [string, Buffer, RegExp][] = [
    ['policy.json', Buffer.from('{"rules": []}\n'), /looks like JSON text/],
    ['metadata.yml', Buffer.from('rules:\n  - apiGroups: [""]\n'), /looks like YAML text/],
    ['policy.wasm.gz', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0]), /looks like a gzip archive/],
    ['index.html', Buffer.from('<!doctype html><html></html>'), /looks like an HTML page/],
    ['empty.wasm', Buffer.alloc(0), /looks like an empty file/],
  ];
  for (const [name, buffer, message] of cases) {
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Open a Wasm file' }).click();
    await (await chooser).setFiles({ name, mimeType: 'application/octet-stream', buffer });
    await expect(page.getByRole('alert')).toContainText('This is not a WebAssembly file');
    await expect(page.getByRole('alert')).toContainText(message);
    await expect(page.getByRole('table', { name: 'Sections', exact: true })).toHaveCount(0);
  }
});
