// A page unloaded while a Recent entry was still being written (IndexedDB work then may never finish) stashes it
// synchronously, and the next start writes it: a reload right after a pull keeps the pulled reference.
import { describe, expect, it } from 'vitest';
import { Recents } from '../../src/state/recents.svelte';
import { listRecents, RECENTS_STASH_KEY, removeRecent, type RecentItem } from '../../src/lib/storage';
import { clearAllLocalData } from '../../src/lib/storage/local-data';
import { withStorage } from './helpers';

const byRef = (items: RecentItem[], reference: string) =>
  items.find((i) => i.kind === 'reference' && i.reference === reference);

describe('Recent across an unloading page', () => {
  it('keeps an entry stashed at pagehide, and the next start writes it', () =>
    withStorage(async (memory) => {
      const reference = `127.0.0.1:5000/stash/p${Date.now()}:v1`;
      const page = new Recents();
      const writing = page.recordReference(reference, 'sha256:' + 'a'.repeat(64));
      page.stashWriting(); // pagehide, while IndexedDB is still at work
      const stash = memory.get(RECENTS_STASH_KEY)!;
      expect(JSON.parse(stash)).toEqual([expect.objectContaining({ kind: 'reference', reference })]);
      await writing;
      // As if that write never finished and the page died: the entry is only in the stash the next page finds.
      await removeRecent(byRef(await listRecents(), reference)!);
      expect(byRef(await listRecents(), reference)).toBeUndefined();
      memory.set(RECENTS_STASH_KEY, stash);

      const next = new Recents();
      await next.refresh();
      expect(byRef(next.items, reference)).toMatchObject({ digest: 'sha256:' + 'a'.repeat(64) });
      expect(memory.has(RECENTS_STASH_KEY)).toBe(false);
    }));

  it('stashes a file without its bytes, never replaces a newer entry, and is cleared with all local data', () =>
    withStorage(async (memory) => {
      const sha256 = 'b'.repeat(64);
      const page = new Recents();
      page.setKeepFiles(true);
      const writing = page.recordFile('big.wasm', sha256, new Uint8Array(10));
      page.stashWriting();
      const stash = memory.get(RECENTS_STASH_KEY)!;
      const [stashed] = JSON.parse(stash) as RecentItem[];
      expect(stashed).toMatchObject({ kind: 'file', sha256, kept: false }); // bytes cannot go to localStorage
      await writing;
      // The write finished after all: the stored entry, its copy kept, is as new as the stash and stays.
      memory.set(RECENTS_STASH_KEY, stash);
      await new Recents().refresh();
      expect(memory.has(RECENTS_STASH_KEY)).toBe(false);
      expect((await listRecents()).find((i) => i.kind === 'file' && i.sha256 === sha256)).toMatchObject({
        kept: true,
      });

      memory.set(RECENTS_STASH_KEY, JSON.stringify([{ kind: 'reference', reference: 'x/y:z', openedAt: 1 }]));
      await clearAllLocalData();
      expect(memory.has(RECENTS_STASH_KEY)).toBe(false);
    }));

  it('ignores a stash that is not a list of entries', () =>
    withStorage(async (memory) => {
      for (const text of ['{"kind":', '{"a":1}', '[{"kind":"file"}, 3, null]']) {
        memory.set(RECENTS_STASH_KEY, text);
        const before = (await listRecents()).length;
        await new Recents().refresh();
        expect((await listRecents()).length).toBe(before);
        expect(memory.has(RECENTS_STASH_KEY)).toBe(false);
      }
    }));
});
