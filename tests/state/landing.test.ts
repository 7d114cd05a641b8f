// Where a file lands (issue 17), and when (issue 18): a policy opened from the Explorer goes to Inspect as soon as
// its sections are read, before its digest is known, so the view never changes under the user while a large file
// hashes; a binary without metadata stays in the Explorer; a file opened in Annotate stays there.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appDocument, openAndLand, router } from '../../src/state/app.svelte';

// The app's own annotated sample, and a fixture module without metadata.
const PATHS: Record<string, string> = {
  'no-privileged-pods.wasm': join(process.cwd(), 'public/sample/no-privileged-pods.wasm'),
  'minimal.wasm': join(process.cwd(), 'tests/fixtures/minimal.wasm'),
};
const fileOf = (name: string) => new File([readFileSync(PATHS[name]!)], name);

/** Opens `name` from `view` and says which view showed while the digest was still unknown, and at the end. */
async function openFrom(view: 'explorer' | 'annotate', name: string) {
  router.go(view);
  let whileHashing: string | null = null;
  const opened = openAndLand((hook) =>
    appDocument.openFile(fileOf(name), {
      onShown: () => {
        hook.onShown?.();
        whileHashing = appDocument.sha256 === null ? router.route.view : 'already hashed';
      },
    }),
  );
  await opened;
  return { whileHashing, after: router.route.view, sha256: appDocument.sha256 };
}

describe('landing after open', () => {
  it('a policy opened from the Explorer is in Inspect before its digest is known', async () => {
    const r = await openFrom('explorer', 'no-privileged-pods.wasm');
    expect(r).toEqual({
      whileHashing: 'inspect',
      after: 'inspect',
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('a module without metadata stays in the Explorer', async () => {
    const r = await openFrom('explorer', 'minimal.wasm');
    expect(r.whileHashing).toBe('explorer');
    expect(r.after).toBe('explorer');
  });

  it('a policy opened in Annotate stays in Annotate', async () => {
    const r = await openFrom('annotate', 'no-privileged-pods.wasm');
    expect(r.after).toBe('annotate');
  });
});
