// Drafts across tabs: each editor stands for one tab's session on a module (its own writer id and channel), the
// storage is fake-indexeddb, and BroadcastChannel is Node's, which delivers between channels of one process as a
// browser does between tabs.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OpenDocument } from '../../src/state/document.svelte';
import { policyOf } from '../../src/state/policy';
import { AnnotateEditor } from '../../src/state/annotate.svelte';
import { formFromMetadata, type FormModel } from '../../src/state/annotate-form';
import { mergeForms } from '../../src/state/draft-sync';
import { withStorage } from './helpers';
import {
  discardDraft,
  listDraftKeys,
  loadDraft,
  saveDraft,
  saveDraftIfUnchanged,
  stashDraft,
} from '../../src/lib/storage';
import { emptyMetadata } from '../../src/lib/kubewarden';

const sample = () =>
  new Uint8Array(readFileSync(new URL('../../public/sample/no-privileged-pods.wasm', import.meta.url)));

async function openSample(): Promise<OpenDocument> {
  const doc = new OpenDocument();
  await doc.openBytes('sample.wasm', sample());
  return doc;
}

/** One "tab" editing the open document. */
function tab(doc: OpenDocument): AnnotateEditor {
  return new AnnotateEditor(doc.bytes!, doc.info!, doc.sha256!, doc.name, policyOf(doc)!);
}

/** Lets BroadcastChannel messages (delivered as tasks) arrive. */
const settle = () => new Promise((r) => setTimeout(r, 30));

describe('drafts in two tabs', () => {
  it('the second tab is told of the first tab’s save, does not overwrite it, and can merge', async () => {
    const doc = await openSample();
    await discardDraft(doc.sha256!);
    const first = tab(doc);
    const second = tab(doc);
    await Promise.all([first.restoreDraft(), second.restoreDraft()]);

    first.form.text.title = 'from the first tab';
    await first.saveNow();
    expect(first.saveStatus).toBe('saved');
    await settle();
    // Told at once, before it even tries to save.
    expect(second.conflict?.version).toBe(1);
    expect(second.saveStatus).toBe('conflict');

    second.form.text.description = 'from the second tab';
    await second.saveNow();
    const stored = await loadDraft(doc.sha256!);
    expect((stored?.value as FormModel).text.title).toBe('from the first tab');
    expect((stored?.value as FormModel).text.description).not.toBe('from the second tab');

    await second.resolveConflict('merge');
    expect(second.conflict).toBeNull();
    expect(second.mergeConflicts).toEqual([]);
    expect(second.form.text.title).toBe('from the first tab');
    expect(second.form.text.description).toBe('from the second tab');
    const merged = await loadDraft(doc.sha256!);
    expect(merged?.version).toBe(2);
    expect((merged?.value as FormModel).text).toMatchObject({
      title: 'from the first tab',
      description: 'from the second tab',
    });
    await settle();
    // And now the first tab is the one told.
    expect(first.conflict?.version).toBe(2);
    await first.resolveConflict('theirs');
    expect(first.form.text.description).toBe('from the second tab');
    expect(first.saveStatus).toBe('saved');
    first.dispose();
    second.dispose();
  });

  it('a save over a version it never saw is refused even without the broadcast', async () => {
    const doc = await openSample();
    await discardDraft(doc.sha256!);
    const form = formFromMetadata(emptyMetadata('kubewarden-wapc'));
    const sha = doc.sha256!;
    const a = await saveDraftIfUnchanged(sha, 'x', form, { baseVersion: 0, tab: 'a' });
    expect(a).toMatchObject({ ok: true, draft: { version: 1, tab: 'a' } });
    // Tab b read nothing (version 0) and writes after a: refused, and told what is stored.
    const b = await saveDraftIfUnchanged(sha, 'x', form, { baseVersion: 0, tab: 'b' });
    expect(b).toMatchObject({ ok: false, current: { version: 1, tab: 'a' } });
    // Tab a's own next write goes through; b, once it has read version 2, may write too.
    expect(await saveDraftIfUnchanged(sha, 'x', form, { baseVersion: 0, tab: 'a' })).toMatchObject({
      ok: true,
      draft: { version: 2 },
    });
    expect(await saveDraftIfUnchanged(sha, 'x', form, { baseVersion: 2, tab: 'b' })).toMatchObject({
      ok: true,
      draft: { version: 3, tab: 'b' },
    });
  });

  it('"Keep mine" replaces the other tab’s draft only when the user says so', async () => {
    const doc = await openSample();
    await discardDraft(doc.sha256!);
    const first = tab(doc);
    const second = tab(doc);
    first.form.text.title = 'first';
    await first.saveNow();
    second.form.text.title = 'second';
    await second.saveNow();
    expect(second.saveStatus).toBe('conflict');
    expect(((await loadDraft(doc.sha256!))?.value as FormModel).text.title).toBe('first');
    await second.resolveConflict('mine');
    expect(((await loadDraft(doc.sha256!))?.value as FormModel).text.title).toBe('second');
    first.dispose();
    second.dispose();
  });

  it('a flush as the page unloads writes the pending edit at once', async () => {
    const doc = await openSample();
    await discardDraft(doc.sha256!);
    const editor = tab(doc);
    editor.form.text.title = 'typed just before reload';
    editor.scheduleSave();
    editor.flush(true);
    await settle();
    const stored = await loadDraft(doc.sha256!);
    expect((stored?.value as FormModel).text.title).toBe('typed just before reload');
    editor.dispose();
  });
});

describe('the stash of an unloading page', () => {
  it('moves a stashed draft into IndexedDB on the next read, unless a later one is stored', async () =>
    withStorage(async (memory) => {
      const doc = await openSample();
      const sha = doc.sha256!;
      await discardDraft(sha);
      const form = formFromMetadata(emptyMetadata('kubewarden-wapc'));
      // Stashed only: listed as a draft already.
      stashDraft(sha, 'x', form, 1, 'unloading');
      expect(await listDraftKeys()).toContain(sha);
      await discardDraft(sha);
      expect(await listDraftKeys()).not.toContain(sha);
      await saveDraft(sha, 'x', { ...form, minimumKubewardenVersion: 'stored' }, undefined, { version: 3 });
      await new Promise((r) => setTimeout(r, 5));
      stashDraft(sha, 'x', { ...form, minimumKubewardenVersion: 'stashed' }, 1, 'unloading');
      const read = await loadDraft(sha);
      expect((read?.value as FormModel).minimumKubewardenVersion).toBe('stashed');
      expect(read?.version).toBe(4); // after the stored version 3, so other tabs see it as new
      expect([...memory.keys()]).toEqual([]);
      expect(((await loadDraft(sha))?.value as FormModel).minimumKubewardenVersion).toBe('stashed');

      // A stash older than what another tab stored later is dropped.
      stashDraft(sha, 'x', { ...form, minimumKubewardenVersion: 'old stash' }, 1, 'unloading');
      await new Promise((r) => setTimeout(r, 5));
      await saveDraft(sha, 'x', { ...form, minimumKubewardenVersion: 'newer' }, undefined, { version: 9 });
      expect(((await loadDraft(sha))?.value as FormModel).minimumKubewardenVersion).toBe('newer');
      expect([...memory.keys()]).toEqual([]);
    }));
});

describe('mergeForms', () => {
  const base = formFromMetadata(emptyMetadata('kubewarden-wapc'));
  const edit = (f: (m: FormModel) => void) => {
    const copy = structuredClone(base);
    f(copy);
    return copy;
  };

  it('takes each side’s changes and keeps mine where both changed a field differently', () => {
    const mine = edit((m) => {
      m.text.title = 'mine';
      m.text.version = '1.0.0';
      m.mutating = true;
    });
    const theirs = edit((m) => {
      m.text.title = 'theirs';
      m.text.version = '1.0.0';
      m.rules = [{ apiGroups: '""', apiVersions: 'v1', resources: 'pods', operations: ['CREATE'] }];
    });
    const { form, conflicts } = mergeForms(base, mine, theirs);
    expect(form.text.title).toBe('mine');
    expect(form.text.version).toBe('1.0.0');
    expect(form.mutating).toBe(true);
    expect(form.rules).toEqual(theirs.rules);
    expect(conflicts).toEqual(['Title']);
  });
});
