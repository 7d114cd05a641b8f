/**
 * Drafts across tabs: this tab's id, the channel on which tabs announce the drafts they save, and the three-way
 * merge of two tabs' edits of one module's form. Storage itself (versions, the checked write) is lib/storage's.
 */
import { TEXT_FIELDS, type FormModel } from './annotate-form';

/**
 * A random id for one editor (one tab's session on one module); a draft records the editor that wrote it, so an
 * editor can tell its own writes from another tab's.
 */
export function newWriterId(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes); // randomUUID is missing outside secure contexts (http on a LAN address)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** What a tab says after saving a draft. */
export interface DraftAnnouncement {
  sha256: string;
  version: number;
  savedAt: number;
  tab: string;
}

const CHANNEL = 'wasmlens-drafts';

/** Listens for other writers' saves (never `self`'s own); returns the announcer and a close function. */
export function draftChannel(
  self: string,
  onOther: (a: DraftAnnouncement) => void,
): {
  announce: (a: DraftAnnouncement) => void;
  close: () => void;
} {
  if (typeof BroadcastChannel === 'undefined') return { announce: () => {}, close: () => {} };
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (e: MessageEvent<unknown>) => {
    const a = e.data as Partial<DraftAnnouncement> | null;
    if (
      a &&
      typeof a.sha256 === 'string' &&
      typeof a.version === 'number' &&
      typeof a.savedAt === 'number' &&
      typeof a.tab === 'string' &&
      a.tab !== self
    )
      onOther(a as DraftAnnouncement);
  };
  return { announce: (a) => channel.postMessage(a), close: () => channel.close() };
}

export interface MergeResult {
  form: FormModel;
  /** Labels of the fields both tabs changed differently; this tab's value was kept for each. */
  conflicts: string[];
}

const LABELS: Record<Exclude<keyof FormModel, 'text'>, string> = {
  annotations: 'Other annotations',
  rules: 'Rules',
  mutating: 'Mutating',
  backgroundAudit: 'Background audit',
  executionMode: 'Execution mode',
  policyType: 'Policy type',
  contextAwareResources: 'Context-aware resources',
  declareHostCapabilities: 'Declare host capabilities',
  hostCapabilities: 'Host capabilities',
  minimumKubewardenVersion: 'Minimum Kubewarden version',
};

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Merges two tabs' edits made from the same `base`, field by field (each text field on its own): a field only one
 * side changed takes that change; a field both changed alike takes it; a field both changed differently keeps
 * `mine` and is listed in `conflicts`.
 */
export function mergeForms(base: FormModel, mine: FormModel, theirs: FormModel): MergeResult {
  const conflicts: string[] = [];
  const pick = <T>(label: string, b: T, m: T, t: T): T => {
    if (same(m, b)) return t;
    if (same(t, b) || same(m, t)) return m;
    conflicts.push(label);
    return m;
  };
  const text = { ...mine.text };
  for (const f of TEXT_FIELDS)
    text[f.name] = pick(f.label, base.text[f.name], mine.text[f.name], theirs.text[f.name]);
  const form = { ...mine, text } as FormModel;
  for (const key of Object.keys(LABELS) as (keyof typeof LABELS)[])
    (form as unknown as Record<string, unknown>)[key] = structuredClone(
      pick(LABELS[key], base[key], mine[key], theirs[key]),
    );
  return { form, conflicts };
}
