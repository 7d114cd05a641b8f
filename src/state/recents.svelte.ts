/** The recent files and references list, and the user's choice about keeping copies of opened files. */
import {
  addRecent,
  keptFile,
  listDraftKeys,
  listRecents,
  removeRecent,
  restoreStashedRecents,
  stashRecents,
  type RecentItem,
} from '../lib/storage';

const KEEP_KEY = 'wasmlens-keep-files';

export class Recents {
  items = $state.raw<RecentItem[]>([]);
  /** SHA-256 of the modules with an unsaved draft, so their rows can say so. */
  drafts = $state.raw<readonly string[]>([]);
  /** Off by default: a file's bytes stay out of storage unless the user opts in. */
  keepFiles = $state(typeof localStorage !== 'undefined' && localStorage.getItem(KEEP_KEY) === '1');
  /** Set when IndexedDB is unavailable (private windows in some browsers); the list then stays empty. */
  unavailable = $state(false);
  /** Entries being written: a page unloaded meanwhile stashes them (see stashRecents). */
  private writing: RecentItem[] = [];

  constructor() {
    if (typeof window !== 'undefined') window.addEventListener('pagehide', () => this.stashWriting());
  }

  /** Keeps the entries still being written, synchronously: the page is going away. */
  stashWriting(): void {
    stashRecents(this.writing);
  }

  async refresh(): Promise<void> {
    try {
      await restoreStashedRecents();
      const [items, drafts] = await Promise.all([listRecents(), listDraftKeys()]);
      this.items = items;
      this.drafts = drafts;
    } catch {
      this.unavailable = true;
    }
  }

  setKeepFiles(on: boolean): void {
    this.keepFiles = on;
    if (on) localStorage.setItem(KEEP_KEY, '1');
    else localStorage.removeItem(KEEP_KEY);
  }

  async recordFile(name: string, sha256: string, bytes: Uint8Array): Promise<void> {
    const kept = this.keepFiles;
    await this.record(
      { kind: 'file', name, sha256, size: bytes.length, openedAt: Date.now(), kept },
      kept ? bytes : undefined,
    );
  }

  async recordReference(reference: string, digest?: string): Promise<void> {
    await this.record({ kind: 'reference', reference, digest, openedAt: Date.now() });
  }

  private async record(item: RecentItem, bytes?: Uint8Array): Promise<void> {
    this.writing = [...this.writing, item];
    try {
      await this.guard(() => addRecent(item, bytes));
    } finally {
      this.writing = this.writing.filter((i) => i !== item);
    }
  }

  async remove(item: RecentItem): Promise<void> {
    await this.guard(() => removeRecent(item));
  }

  keptCopy(sha256: string): Promise<Uint8Array | undefined> {
    return keptFile(sha256);
  }

  private async guard(action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch {
      this.unavailable = true;
    }
    await this.refresh();
  }
}
