// Push and pull of a 14 MB policy with the Wasmlens client vs `skopeo copy` of the same artifact (Node side).
import { describe, expect, inject, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRegistryClient } from '../../src/lib/oci';
import { pullPolicy, pushPolicy } from '../../src/lib/kubewarden';
import { syntheticPolicy } from '../unit/oci-helpers';
import type { TestRegistries } from '../../scripts/lib/test-env.mjs';
import { report } from './measure';

const registries = inject('registries') as unknown as TestRegistries | null;
const SIZE = 14_000_000;
const RUNS = 5;

/** A fresh valid policy each time (the title differs), so no run can reuse a blob another run uploaded. */
const policy = (seed: number) => syntheticPolicy(SIZE, `bench-${seed}`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = async (fn: () => unknown) => {
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
    const client = createRegistryClient({ baseUrl: a.url });
    // The same push in one request, to show what the 4 MiB chunking (needed by GHCR) costs.
    const mono = createRegistryClient({ baseUrl: a.url, uploadMode: 'monolithic' });
    const run = Date.now().toString(36);
    const t = {
      push: [] as number[],
      mono: [] as number[],
      pull: [] as number[],
      skopeoPush: [] as number[],
      skopeoPull: [] as number[],
    };
    for (let i = 0; i <= RUNS; i++) {
      const wasm = policy(i + Date.now());
      const ref = `${hostA}/bench/ours-${run}-${i}:v1`;
      const pushMs = await time(() => pushPolicy(client, ref, wasm));
      const monoWasm = policy(i + 7919 + Date.now());
      const monoMs = await time(() => pushPolicy(mono, `${hostA}/bench/mono-${run}-${i}:v1`, monoWasm));
      let pulled: Uint8Array | null = null;
      const pullMs = await time(async () => (pulled = (await pullPolicy(client, ref)).bytes));
      expect(pulled!.length).toBe(wasm.length);
      const dir = mkdtempSync(join(tmpdir(), 'wasmlens-bench-'));
      try {
        const skopeoPullMs = await time(() =>
          execFileSync('skopeo', ['copy', '-q', '--src-tls-verify=false', `docker://${ref}`, `dir:${dir}`]),
        );
        const skopeoPushMs = await time(() =>
          execFileSync('skopeo', [
            'copy',
            '-q',
            '--dest-tls-verify=false',
            `dir:${dir}`,
            `docker://${hostB}/bench/skopeo-${run}-${i}:v1`,
          ]),
        );
        if (i === 0) continue; // warm-up
        t.push.push(pushMs);
        t.mono.push(monoMs);
        t.pull.push(pullMs);
        t.skopeoPush.push(skopeoPushMs);
        t.skopeoPull.push(skopeoPullMs);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    const mb = SIZE / 1e6;
    report(
      'oci push 14 MB (node)',
      median(t.push),
      'skopeo copy dir→registry',
      median(t.skopeoPush),
      `${mb} MB`,
    );
    report(
      'oci push 14 MB monolithic (node)',
      median(t.mono),
      'skopeo copy dir→registry',
      median(t.skopeoPush),
    );
    report(
      'oci pull 14 MB (node)',
      median(t.pull),
      'skopeo copy registry→dir',
      median(t.skopeoPull),
      `${mb} MB`,
    );
  });
});
