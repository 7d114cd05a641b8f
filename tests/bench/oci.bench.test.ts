// Push and pull of a 14 MB policy with the Wasmlens client in Node vs `skopeo copy` of the same artifact size,
// interleaved run by run. Every run pushes fresh bytes to a fresh repository, so no blob is found already there.
import { describe, expect, inject, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRegistryClient, DEFAULT_CHUNK } from '../../src/lib/oci';
import { pullPolicy, pushPolicy } from '../../src/lib/kubewarden';
import { syntheticPolicy } from '../unit/oci-helpers';
import { writePolicyDir } from '../e2e/registry-helpers';
import type { TestRegistries } from '../../scripts/lib/test-env.mjs';
import { median, pairs, report, row } from './measure';

const registries = inject('registries') as unknown as TestRegistries | null;
const SIZE = 14_000_000;
const RUNS = 15;

/** A fresh valid policy each time (the title differs), so no run can reuse a blob another run uploaded. */
const policy = (seed: string) => syntheticPolicy(SIZE, `bench-${seed}`);

/**
 * Wall time of `fn`, after a full garbage collection when the bench runs with `--expose-gc` (`npm run bench` does):
 * the 14 MB buffers earlier runs left behind are the bench's garbage, and collecting them inside a timed push
 * measured 30 ms of it on its own. skopeo runs in its own process and never pays for them.
 */
const time = async (fn: () => unknown) => {
  (globalThis as { gc?: () => void }).gc?.();
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
};

describe.skipIf(!registries)('OCI push/pull of a 14 MB policy', () => {
  it('Wasmlens client vs skopeo copy', async () => {
    const a = registries!.noauth;
    const b = registries!.nocors; // skopeo pushes to a second registry so it cannot mount blobs it saw on the first
    const hostA = `127.0.0.1:${a.port}`;
    const hostB = `127.0.0.1:${b.port}`;
    // The library as an application would use it: defaults only (a registry on this machine gets one request
    // per blob). The digest is not given, so every push hashes its 14 MB.
    const client = createRegistryClient({ baseUrl: a.url });
    // What a hosted registry gets by default: 4 MiB PATCHes (GHCR's limit), for comparison.
    const chunked = createRegistryClient({ baseUrl: a.url, chunkSize: DEFAULT_CHUNK });
    const run = Date.now().toString(36);
    const t = { push: [] as number[], chunked: [] as number[], pull: [] as number[] };
    const skopeo = { push: [] as number[], pull: [] as number[] };
    for (let i = 0; i <= RUNS; i++) {
      const ref = `${hostA}/bench/ours-${run}-${i}:v1`;
      const skopeoRef = `docker://${hostB}/bench/skopeo-${run}-${i}:v1`;
      const dir = mkdtempSync(join(tmpdir(), 'wasmlens-bench-'));
      const out = mkdtempSync(join(tmpdir(), 'wasmlens-bench-'));
      try {
        // Both inputs are ready before either push, and the two pushes take turns going first, so neither always
        // follows the other's disk writes.
        const wasm = policy(`${run}-${i}`);
        writePolicyDir(dir, policy(`${run}-${i}-skopeo`));
        const ours = () => time(() => pushPolicy(client, ref, wasm));
        const theirs = () =>
          time(() =>
            execFileSync('skopeo', ['copy', '-q', '--dest-tls-verify=false', `dir:${dir}`, skopeoRef]),
          );
        let pushMs: number, skopeoPush: number;
        if (i % 2) {
          skopeoPush = await theirs();
          pushMs = await ours();
        } else {
          pushMs = await ours();
          skopeoPush = await theirs();
        }
        const chunkedWasm = policy(`${run}-${i}-chunked`);
        const chunkedMs = await time(() =>
          pushPolicy(chunked, `${hostA}/bench/chunked-${run}-${i}:v1`, chunkedWasm),
        );
        let pulled: Uint8Array | null = null;
        const pullMs = await time(async () => (pulled = (await pullPolicy(client, ref)).bytes));
        expect(pulled!.length).toBe(wasm.length);
        rmSync(out, { recursive: true, force: true });
        const skopeoPull = await time(() =>
          execFileSync('skopeo', ['copy', '-q', '--src-tls-verify=false', skopeoRef, `dir:${out}`]),
        );
        if (i === 0) continue; // warm-up
        t.push.push(pushMs);
        t.chunked.push(chunkedMs);
        t.pull.push(pullMs);
        skopeo.push.push(skopeoPush);
        skopeo.pull.push(skopeoPull);
      } finally {
        rmSync(dir, { recursive: true, force: true });
        rmSync(out, { recursive: true, force: true });
      }
    }
    console.log('ours', t.push.map((x) => x.toFixed(0)).join(' '));
    console.log('skop', skopeo.push.map((x) => x.toFixed(0)).join(' '));
    row({
      what: 'push 14 MB, the library in Node',
      value: median(t.push),
      baseline: median(skopeo.push),
      baselineName: 'skopeo',
      goal: 0.8,
      pairs: pairs(t.push, skopeo.push),
      note: `${RUNS} runs; digest computed by the push`,
    });
    report(
      'oci push 14 MB in 4 MiB chunks (node)',
      median(t.chunked),
      'skopeo copy dir→registry',
      median(skopeo.push),
    );
    report('oci pull 14 MB (node)', median(t.pull), 'skopeo copy registry→dir', median(skopeo.pull));
  });
});
