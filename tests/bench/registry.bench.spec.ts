// Bench (Chromium): push and pull of a 14 MB policy through the Registry view to the local registry, as a ratio
// to `skopeo copy` of the same artifact, interleaved run by run. Every run uses fresh bytes, so no blob is skipped
// as already present. Times are taken in the page: from the form's submit to the result in the DOM.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, corpusPath, registries } from '../e2e/helpers';
import { writePolicyDir } from '../e2e/registry-helpers';
import { median, row } from './measure';
import { armProbe, readProbe } from './probe';

const SAFE_LABELS = 'kw-tinygo-safe-labels-annotated-kwctl1.6.0.wasm';
const TARGET = 14 * 1024 * 1024;
const RUNS = 7;

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

const skopeo = (args: string[]) => {
  const t0 = performance.now();
  execFileSync('skopeo', ['copy', '-q', ...args]);
  return performance.now() - t0;
};

test('push and pull of a 14 MB policy: browser vs skopeo copy', async ({ page, problems: _ }) => {
  const file = corpusPath(SAFE_LABELS);
  test.skip(!file, 'WASMLENS_CORPUS is not set');
  const host = `127.0.0.1:${registries().noauth.port}`;
  const base = readFileSync(file!);
  const work = mkdtempSync(join(tmpdir(), 'wasmlens-bench-registry-'));
  const t = {
    push: [] as number[],
    pull: [] as number[],
    skopeoPush: [] as number[],
    skopeoPull: [] as number[],
  };
  const painted = { push: [] as number[], pull: [] as number[] };
  try {
    await page.goto('/');
    // One warm-up run (loads the Registry and Inspect views' code), then RUNS measured ones.
    for (let run = 0; run <= RUNS; run++) {
      const chooser = page.waitForEvent('filechooser');
      await page.getByRole('button', { name: 'Open a Wasm file' }).click();
      await (
        await chooser
      ).setFiles({ name: 'big.wasm', mimeType: 'application/wasm', buffer: bigPolicy(base, run) });
      // As a person would: the file is open (and hashed) before they reach the Registry view and type.
      await page.getByRole('link', { name: 'Explorer' }).click();
      await expect(page.getByTestId('summary-sha256')).toHaveText(/^[0-9a-f]{64}$/);
      await page.getByRole('link', { name: 'Registry' }).click();
      // The suggestion fills the field once the default registry answers; typing before that races with it.
      await expect(page.getByTestId('default-registry')).toHaveText(/ — reachable$/);
      const form = page.getByRole('form', { name: 'Push the open policy' });
      await form.getByLabel('Push to reference').fill(`${host}/bench/browser:run${run}`);
      await armProbe(page, 'submit', '[data-testid="pushed-reference"]');
      await form.getByRole('button', { name: 'Push', exact: true }).click();
      const push = await readProbe(page);

      const pullForm = page.getByRole('form', { name: 'Pull a policy' });
      await pullForm.getByLabel('Reference (tag or digest)').fill(`${host}/bench/browser:run${run}`);
      await armProbe(page, 'submit', '[data-testid="inspect-details"]');
      await pullForm.getByRole('button', { name: 'Pull and inspect' }).click();
      const pull = await readProbe(page);
      await expect(page).toHaveURL(/#\/inspect$/);

      // The same artifact size with skopeo, again with fresh bytes, to a repository it has never seen.
      const dir = join(work, `push${run}`);
      execFileSync('mkdir', ['-p', dir]);
      writePolicyDir(dir, bigPolicy(base, run + 100));
      const skopeoPush = skopeo([
        '--dest-tls-verify=false',
        `dir:${dir}`,
        `docker://${host}/bench/skopeo-${run}:v1`,
      ]);
      const out = join(work, `pull${run}`);
      const skopeoPull = skopeo([
        '--src-tls-verify=false',
        `docker://${host}/bench/skopeo-${run}:v1`,
        `dir:${out}`,
      ]);
      if (run === 0) continue;
      t.push.push(push.ms);
      t.pull.push(pull.ms);
      painted.push.push(push.paintedMs);
      painted.pull.push(pull.paintedMs);
      t.skopeoPush.push(skopeoPush);
      t.skopeoPull.push(skopeoPull);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  expect(t.push).toHaveLength(RUNS);
  const note = (xs: number[]) => `median of ${RUNS}; next frame at ${median(xs).toFixed(0)} ms`;
  row({
    what: 'push 14 MB policy, Chromium, through the Registry view',
    value: median(t.push),
    baseline: median(t.skopeoPush),
    baselineName: '`skopeo copy dir:→docker://`',
    goal: 1.0,
    note: note(painted.push),
  });
  row({
    what: 'pull 14 MB and open Inspect, Chromium',
    value: median(t.pull),
    baseline: median(t.skopeoPull),
    baselineName: '`skopeo copy docker://→dir:`',
    goal: 1.0,
    note: note(painted.pull),
  });
});
