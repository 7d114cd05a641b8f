/**
 * Brings a reloaded tab back to the draft it was editing. The tab remembers which document was open (in
 * sessionStorage, which survives a reload but not the tab); when that document has a draft, the kept copy of the
 * file is reopened, or, when no copy was kept, the welcome page says which file to choose again.
 */
import { keptFile, loadDraft } from '../lib/storage';

const KEY = 'wasmlens-open-document';

/** What the tab remembers about its open document: never its bytes. */
export interface OpenRecord {
  sha256: string;
  name: string;
  /** Set when it was pulled from a registry. */
  reference?: string;
}

function isRecord(v: unknown): v is OpenRecord {
  const r = v as Partial<OpenRecord> | null;
  return (
    !!r &&
    typeof r.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(r.sha256) &&
    typeof r.name === 'string' &&
    (r.reference === undefined || typeof r.reference === 'string')
  );
}

export class Resume {
  /** A draft whose file must be chosen again (no copy was kept), or null. */
  waiting = $state.raw<OpenRecord | null>(null);

  /** Records the document now open in this tab. */
  remember(record: OpenRecord): void {
    if (this.waiting?.sha256 === record.sha256) this.waiting = null;
    try {
      sessionStorage.setItem(KEY, JSON.stringify(record));
    } catch {
      // Storage off or full: a reload then simply starts fresh.
    }
  }

  /** On page load: reopens the remembered document if it has a draft and a kept copy, else says which to choose. */
  async start(open: (name: string, bytes: Uint8Array) => Promise<void>): Promise<void> {
    let record: unknown;
    try {
      record = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
    } catch {
      return;
    }
    if (!isRecord(record)) return;
    try {
      if (!(await loadDraft(record.sha256))) return;
      const bytes = record.reference ? undefined : await keptFile(record.sha256);
      if (bytes) await open(record.name, bytes);
      else this.waiting = record;
    } catch {
      // No IndexedDB: there is no draft to come back to.
    }
  }
}
