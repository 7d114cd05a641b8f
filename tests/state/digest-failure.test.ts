// A digest that cannot be computed (WebCrypto can refuse a large input: OperationError) is said where the digest
// shows, instead of "computing…" forever, and the document is not recorded under a digest it does not have. The
// failure cannot be made to happen with a real hasher here, so the hasher is replaced for this file only.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { OpenDocument } from '../../src/state/document.svelte';

const failNext = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src/lib/common', async (original) => {
  const real = await original<typeof import('../../src/lib/common')>();
  return {
    ...real,
    sha256Hex: (bytes: Uint8Array, signal?: AbortSignal) =>
      failNext.count-- > 0
        ? Promise.reject(new Error('OperationError: the operation failed'))
        : real.sha256Hex(bytes, signal),
  };
});

const sample = () =>
  new Uint8Array(readFileSync(join(process.cwd(), 'public/sample/no-privileged-pods.wasm')));

describe('a digest that cannot be computed', () => {
  it('is said in place of the digest, nothing is recorded, and the next document starts clean', async () => {
    const doc = new OpenDocument();
    const opened: string[] = [];
    doc.onOpened = (d) => opened.push(d.name);
    failNext.count = 1;
    await doc.openBytes('first.wasm', sample());
    expect(doc.info).not.toBeNull(); // the document itself is open and shown
    expect(doc.sha256).toBeNull();
    expect(doc.digestError).toBe(
      'The sha256 could not be computed: Error: OperationError: the operation failed',
    );
    expect(opened).toEqual([]);

    await doc.openBytes('second.wasm', sample());
    expect(doc.digestError).toBeNull();
    expect(doc.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(opened).toEqual(['second.wasm']);
  });
});
