// Bench (Chromium): verifying signatures in the page. A policy with 40 keyless signatures (32 cosign `.sig` layers,
// 8 bundle referrers) is verified again when a key is applied, against the same with one signature (the ratio
// shows the cost per signature), and the longest main-thread task is reported: above 50 ms (the Long Tasks API
// threshold) the work would belong in a worker.
import type { Page } from '@playwright/test';
import { pushPolicy } from '../../src/lib/kubewarden';
import { createRegistryClient } from '../../src/lib/oci';
import { cosignLayer } from '../fixtures/signatures/cosign-layers';
import {
  getManifest,
  pushBundleReferrer,
  pushCosignSignatures,
} from '../fixtures/signatures/registry-signing';
import { makeWorld } from '../fixtures/signatures/world';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, registries, ROOT } from '../e2e/helpers';
import { report } from './measure';

const SAMPLE = join(ROOT, 'public', 'sample', 'no-privileged-pods.wasm');
const RUNS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

test('re-verifying 40 signatures vs 1, and the longest main-thread task', async ({ browser }) => {
  const reg = registries().noauth;
  const host = `127.0.0.1:${reg.port}`;
  const w = makeWorld();
  const dir = mkdtempSync(join(tmpdir(), 'wasmlens-bench-sig-'));
  writeFileSync(join(dir, 'trusted_root.json'), JSON.stringify(w.trustedRoot));
  const client = createRegistryClient({ baseUrl: reg.url });

  async function signed(name: string, layers: number, referrers: number) {
    const repo = `bench/sig-${name}-${Date.now().toString(36)}`;
    const { digest } = await pushPolicy(client, `${host}/${repo}:v1`, readFileSync(SAMPLE));
    const made = Array.from({ length: layers }, () => cosignLayer(w, { subject: digest }));
    await pushCosignSignatures(reg.url, repo, digest, made);
    const manifest = await getManifest(reg.url, repo, digest);
    for (let i = 0; i < referrers; i++)
      await pushBundleReferrer(reg.url, repo, digest, w.bundle({ artifact: manifest, content: 'dsse' }));
    return `${host}/${repo}@${digest}`;
  }

  /** Opens the manifest in Artifacts, checks it with the test root, then times re-verification on Apply. */
  async function measure(p: Page, reference: string, count: number) {
    await p.goto(`/#/ref/${reference}`);
    const panel = p.getByTestId('signature-panel');
    await panel.getByRole('button', { name: 'Check signatures', exact: true }).click();
    await p.getByText('Verification settings').click();
    await panel.getByLabel('Trusted root file').setInputFiles(join(dir, 'trusted_root.json'));
    await expect(panel.getByTestId('signature-item').filter({ hasText: '✓ Verified' })).toHaveCount(count);
    await p.evaluate(() => {
      const w = window as unknown as { longest: number };
      w.longest = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.longest = Math.max(w.longest, e.duration);
      }).observe({ type: 'longtask' });
    });
    const times: number[] = [];
    for (let run = 0; run <= RUNS; run++) {
      // Alternate between two identities so every Apply changes every verdict and the status must be redrawn.
      const identity = run % 2 ? 'https://github.com/other/x' : '';
      const t0 = performance.now();
      await panel.getByLabel(/Expected identity/).fill(identity);
      await panel.getByRole('button', { name: 'Apply' }).click();
      await expect(panel.getByTestId('signature-item').filter({ hasText: '✓ Verified' })).toHaveCount(
        identity ? 0 : count,
      );
      if (run > 0) times.push(performance.now() - t0);
    }
    return {
      ms: median(times),
      longest: await p.evaluate(() => (window as unknown as { longest: number }).longest),
    };
  }

  const fresh = async (reference: string, count: number) => {
    const context = await browser.newContext();
    try {
      return await measure(await context.newPage(), reference, count);
    } finally {
      await context.close();
    }
  };
  const one = await fresh(await signed('one', 1, 0), 1);
  const many = await fresh(await signed('many', 32, 8), 40);
  report(
    'signatures: re-verify 40 keyless signatures in the page',
    many.ms,
    're-verify 1',
    one.ms,
    `(longest main-thread task ${many.longest.toFixed(0)} ms; Long Tasks threshold 50 ms)`,
  );
});
