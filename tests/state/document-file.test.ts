// The File an open document came from is its push body while it still holds exactly the open bytes (issue 18: no
// copy of them for the request), and never once the bytes changed or the file can no longer be read.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OpenDocument } from '../../src/state/document.svelte';

const SAMPLE = readFileSync(join(process.cwd(), 'public/sample/no-privileged-pods.wasm'));
const MINIMAL = readFileSync(join(process.cwd(), 'tests/fixtures/minimal.wasm'));

/** A File whose reads fail as Chromium's do for a file changed on disk since it was picked. */
class ChangedOnDisk extends File {
  override slice(): Blob {
    const gone = new Blob([]);
    gone.arrayBuffer = () => Promise.reject(new DOMException('changed', 'NotReadableError'));
    return gone;
  }
}

describe('OpenDocument.fileOf', () => {
  it('gives the opened File for its own bytes, and nothing for other bytes', async () => {
    const doc = new OpenDocument();
    const file = new File([SAMPLE], 'p.wasm');
    await doc.openFile(file);
    expect(doc.fileOf(doc.bytes!)).toBe(file);
    expect(await doc.fileReadable(file)).toBe(true);
    // Equal bytes that are not the open ones (an edit that produced the same content is still another buffer).
    expect(doc.fileOf(doc.bytes!.slice())).toBeNull();

    await doc.openBytes('m.wasm', new Uint8Array(MINIMAL));
    expect(doc.fileOf(doc.bytes!)).toBeNull();
  });

  it('a File that can no longer be read is no longer offered, so the bytes in memory are sent', async () => {
    const doc = new OpenDocument();
    const file = new ChangedOnDisk([SAMPLE], 'p.wasm');
    await doc.openFile(file);
    expect(doc.bytes?.length).toBe(SAMPLE.length);
    expect(doc.fileOf(doc.bytes!)).toBe(file);
    expect(await doc.fileReadable(file)).toBe(false);
    expect(doc.fileOf(doc.bytes!)).toBeNull();
  });

  it('a file that failed to open leaves no File behind', async () => {
    const doc = new OpenDocument();
    const file = new File([SAMPLE], 'p.wasm');
    await doc.openFile(file);
    const bytes = doc.bytes!;
    await doc.openFile(new File([new Uint8Array([1, 2, 3])], 'bad.wasm'));
    expect(doc.error).not.toBeNull();
    expect(doc.fileOf(bytes)).toBeNull();
  });
});
