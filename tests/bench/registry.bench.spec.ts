// Bench (Chromium): push and pull of a 14 MB policy through the Registry view to the local registry, as a ratio
// to `skopeo copy` of the same artifact. Every run uses fresh bytes so no blob is skipped as already present.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, corpusPath, registries } from '../e2e/helpers';
import { writePolicyDir } from '../e2e/registry-helpers';
import { report } from './measure';

const SAFE_LABELS = 'kw-tinygo-safe-labels-annotated-kwctl1.6.0.wasm';
const TARGET = 14 * 1024 * 1024;
const RUNS = 3;

/** The annotated policy plus a trailing custom section "bench-padding" that brings it to 14 MB, unique per run. */
function bigPolicy(base: Buffer, run: number): Buffer {
  const name = Buffer.from('bench-padding');
  const payload = TARGET - base.length - 1 - 5 - 1 - name.length;
  const size = 1 + name.length + payload;
  const leb = Buffer.alloc(5);
  for (let i = 0, v = size; i < 5; i++, v >>>= 7) leb[i] = (v & 0x7f) | (i < 4 ? 0x80 : 0);
  const body = Buffer.alloc(payload, 0);
  body.writeUInt32LE(run + 1, 0);
  body.writeDoubleLE(Math.random(), 4);
  return Buffer.concat([base, Buffer.from([0]), leb, Buffer.from([name.length]), name, body]);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

test('push and pull of a 14 MB policy: browser vs skopeo copy', async ({ page, problems: _ }) => {
  const file = corpusPath(SAFE_LABELS);
  test.skip(!file, 'WASMLENS_CORPUS is not set');
  const host = `127.0.0.1:${registries().noauth.port}`;
  const base = readFileSync(file!);
  const work = mkdtempSync(join(tmpdir(), 'wasmlens-bench-registry-'));
  const push: number[] = [];
  const pull: number[] = [];
  const skopeoPush: number[] = [];
  const skopeoPull: number[] = [];
  try {
    await page.goto('/');
    for (let run = 0; run < RUNS; run++) {
      const wasm = bigPolicy(base, run);
      const chooser = page.waitForEvent('filechooser');
      await page.getByRole('button', { name: 'Open a Wasm file' }).click();
      await (await chooser).setFiles({ name: 'big.wasm', mimeType: 'application/wasm', buffer: wasm });
      await page.getByRole('link', { name: 'Registry' }).click();
      const form = page.getByRole('form', { name: 'Push the open policy' });
      await form.getByLabel('Push to reference').fill(`${host}/bench/browser:run${run}`);
      let t0 = performance.now();
      await form.getByRole('button', { name: 'Push', exact: true }).click();
      await page.getByTestId('pushed-reference').waitFor({ timeout: 120_000 });
      push.push(performance.now() - t0);

      const pullForm = page.getByRole('form', { name: 'Pull a policy' });
      await pullForm.getByLabel('Reference (tag or digest)').fill(`${host}/bench/browser:run${run}`);
      t0 = performance.now();
      await pullForm.getByRole('button', { name: 'Pull and inspect' }).click();
      await page.waitForURL(/#\/inspect$/, { timeout: 120_000 });
      pull.push(performance.now() - t0);

      // The same artifact size with skopeo, again with fresh bytes.
      const dir = join(work, `push${run}`);
      execFileSync('mkdir', ['-p', dir]);
      writePolicyDir(dir, bigPolicy(base, run + 100));
      t0 = performance.now();
      execFileSync('skopeo', [
        'copy',
        '--dest-tls-verify=false',
        `dir:${dir}`,
        `docker://${host}/bench/skopeo:run${run}`,
      ]);
      skopeoPush.push(performance.now() - t0);
      const out = join(work, `pull${run}`);
      t0 = performance.now();
      execFileSync('skopeo', [
        'copy',
        '--src-tls-verify=false',
        `docker://${host}/bench/skopeo:run${run}`,
        `dir:${out}`,
      ]);
      skopeoPull.push(performance.now() - t0);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  expect(push.length).toBe(RUNS);
  report('registry push 14 MB (Chromium)', median(push), 'skopeo copy dir:→docker://', median(skopeoPush));
  report(
    'registry pull 14 MB (Chromium, opens Inspect)',
    median(pull),
    'skopeo copy docker://→dir:',
    median(skopeoPull),
  );
});
