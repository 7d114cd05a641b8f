// Bench (Chromium): a 100 MB OCI layout (made here, never committed) opened, checked and pushed through the app,
// against `skopeo copy oci-archive:` of a layout of the same size; then the same 100 MB saved back from the registry
// into a layout tar, against `skopeo copy docker:// oci-archive:`. Peak memory is the browser's whole resident set
// above where it started, so 3× the layout would show as 300 MB. Fresh bytes every run: nothing is skipped.
import { execFileSync } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MT } from '../../src/lib/common';
import { LayoutTarBuilder } from '../../src/lib/layout';
import { test, expect, registries } from '../e2e/helpers';
import { report } from './measure';
import { browserRss, peakDuring } from './process-memory';

const LAYERS = 4;
const LAYER_BYTES = 25 * 1024 * 1024;
const RUNS = 2;
const MB = 1024 * 1024;
const sha = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Writes a layout tar of one artifact with four 25 MiB layers of random bytes, named `name`. */
function bigLayout(path: string, name: string): void {
  const b = new LayoutTarBuilder();
  const config = new TextEncoder().encode('{}') as Uint8Array<ArrayBuffer>;
  b.addBlob({ digest: sha(config), size: 2 }, config);
  const layers = [];
  for (let i = 0; i < LAYERS; i++) {
    const bytes = new Uint8Array(randomBytes(LAYER_BYTES));
    layers.push({ mediaType: 'application/octet-stream', digest: sha(bytes), size: bytes.length });
    b.addBlob(layers[i]!, bytes);
  }
  const bytes = new TextEncoder().encode(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MT.ociManifest,
      artifactType: 'application/vnd.wasmlens.bench.v1',
      config: { mediaType: MT.empty, digest: sha(config), size: 2 },
      layers,
    }),
  ) as Uint8Array<ArrayBuffer>;
  const manifest = {
    bytes,
    manifest: JSON.parse(new TextDecoder().decode(bytes)),
    mediaType: MT.ociManifest,
    digest: sha(bytes),
  };
  b.addManifest(manifest);
  b.name(manifest, name);
  const fd = openSync(path, 'w');
  for (const part of b.finish().parts) writeSync(fd, part as Uint8Array);
  closeSync(fd);
}

test('a 100 MB layout: open and push in Chromium vs skopeo copy oci-archive:, and save it back', async ({
  page,
  problems: _,
}) => {
  const host = `127.0.0.1:${registries().noauth.port}`;
  const work = mkdtempSync(join(tmpdir(), 'wasmlens-bench-layouts-'));
  const cdp = await page.context().newCDPSession(page);
  const phases = ['open', 'push', 'save'] as const;
  const ms = { open: [] as number[], push: [] as number[], save: [] as number[] };
  const peak = { open: 0, push: 0, save: 0 };
  const retained = { open: 0, push: 0, save: 0 };
  const skopeoPush: number[] = [];
  const skopeoSave: number[] = [];
  /** Times an action, its peak browser memory, and what stays after a full garbage collection. */
  const measure = async (phase: (typeof phases)[number], action: () => Promise<unknown>) => {
    const start = browserRss();
    const t0 = performance.now();
    const { peak: p } = await peakDuring(action);
    ms[phase].push(performance.now() - t0);
    await cdp.send('HeapProfiler.collectGarbage');
    await page.waitForTimeout(300);
    peak[phase] = Math.max(peak[phase], p);
    retained[phase] = Math.max(retained[phase], browserRss() - start);
  };
  try {
    await page.goto('/');
    await page.getByRole('link', { name: 'Registry' }).click();
    for (let run = 0; run < RUNS; run++) {
      const tar = join(work, `app-${run}.tar`);
      bigLayout(tar, `bench/layout:run${run}`);
      await measure('open', async () => {
        await page.getByLabel('Open a layout tar').setInputFiles(tar);
        await page.getByRole('table', { name: 'Layout entries' }).waitFor({ timeout: 120_000 });
      });
      const form = page.getByRole('form', { name: 'Push the layout' });
      await form.getByLabel('Target registry').fill(host);
      await measure('push', async () => {
        await form.getByRole('button', { name: 'Push layout' }).click();
        await form.getByTestId('layout-pushed').waitFor({ timeout: 240_000 });
      });
      // What was just pushed, saved back into a layout tar (a download), with the opened layout closed first.
      await page.getByRole('button', { name: 'Close layout' }).click();
      await cdp.send('HeapProfiler.collectGarbage');
      const saveForm = page.getByRole('region', { name: 'Save for offline' });
      await saveForm.getByLabel('References to save, one per line').fill(`${host}/bench/layout:run${run}`);
      await measure('save', async () => {
        const download = page.waitForEvent('download', { timeout: 240_000 });
        await saveForm.getByRole('button', { name: 'Save for offline' }).click();
        await (await download).saveAs(join(work, `saved-${run}.tar`));
      });

      // skopeo with a layout of the same size and fresh bytes.
      const other = join(work, `skopeo-${run}.tar`);
      bigLayout(other, `bench/skopeo:run${run}`);
      let t0 = performance.now();
      execFileSync('skopeo', [
        'copy',
        '--dest-tls-verify=false',
        `oci-archive:${other}:bench/skopeo:run${run}`,
        `docker://${host}/bench/skopeo:run${run}`,
      ]);
      skopeoPush.push(performance.now() - t0);
      t0 = performance.now();
      execFileSync('skopeo', [
        'copy',
        '--src-tls-verify=false',
        `docker://${host}/bench/skopeo:run${run}`,
        `oci-archive:${join(work, `skopeo-saved-${run}.tar`)}:x`,
      ]);
      skopeoSave.push(performance.now() - t0);
      for (const f of [tar, other, join(work, `saved-${run}.tar`), join(work, `skopeo-saved-${run}.tar`)])
        rmSync(f, { force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  expect(ms.push).toHaveLength(RUNS);
  report('layout open+verify 100 MB (Chromium)', median(ms.open));
  report(
    'layout open+push 100 MB (Chromium)',
    median(ms.open) + median(ms.push),
    'skopeo copy oci-archive:→docker://',
    median(skopeoPush),
  );
  report(
    'layout save 100 MB registry→tar (Chromium)',
    median(ms.save),
    'skopeo copy docker://→oci-archive:',
    median(skopeoSave),
  );
  const size = (LAYERS * LAYER_BYTES) / MB;
  for (const phase of phases)
    report(
      `layout ${phase} 100 MB peak browser memory`,
      peak[phase] / MB,
      'the layout size',
      size,
      `(after GC: ${(retained[phase] / MB).toFixed(0)} MB)`,
      'MB',
    );
});
