/**
 * Carries out transfer plans against a destination: blobs first (skipped when the destination has them, mounted
 * when it is another repository of the same registry, else read and written), then manifests in plan order, then
 * whatever makes referrers findable there. A journal of finished steps makes a retry resume where it stopped.
 */
import { throwIfAborted } from '../artifacts';
import type { Descriptor, FetchedManifest, ProgressFn } from '../oci';
import type { BlobData, ContentReader, PlannedManifest, TransferPlan } from './plan';

/** Where content is written: a registry repository, or a layout being built. */
export interface ContentWriter {
  /** Names the destination in a journal (`registry/repository`, `layout`). */
  readonly key: string;
  /** The form blobs are wanted in. */
  readonly wants: 'bytes' | 'blob';
  hasBlob(d: Descriptor, signal?: AbortSignal): Promise<boolean>;
  /** Links a blob from another repository of the same registry; false when that cannot be done. */
  mount?(
    d: Descriptor,
    from: { registry: string; repository: string },
    signal?: AbortSignal,
  ): Promise<boolean>;
  putBlob(d: Descriptor, data: BlobData, o: { signal?: AbortSignal; onProgress?: ProgressFn }): Promise<void>;
  putManifest(m: PlannedManifest, signal?: AbortSignal): Promise<void>;
  /** Makes referrers findable where the destination has no referrers API (the `sha256-<hex>` fallback tag). */
  linkReferrers?(subject: string, referrers: FetchedManifest[], signal?: AbortSignal): Promise<void>;
}

/** What a transfer did, for the UI and for tests. */
export interface TransferReport {
  uploaded: number;
  existing: number;
  mounted: number;
  /** Steps skipped because an earlier try finished them. */
  resumed: number;
  manifests: number;
  /** Blob bytes written (not skipped or mounted). */
  bytes: number;
}

export const emptyReport = (): TransferReport => ({
  uploaded: 0,
  existing: 0,
  mounted: 0,
  resumed: 0,
  manifests: 0,
  bytes: 0,
});

/** Progress over several plans: bytes of blobs done (skipped ones at once) of the total. */
export class Tally {
  done = 0;
  constructor(
    readonly total: number,
    private readonly report?: ProgressFn,
  ) {}
  /** A blob of `n` bytes is finished. */
  add(n: number): void {
    this.done += n;
    this.report?.(this.done, this.total);
  }
  /** `n` bytes of the blob in hand have moved. */
  partial(n: number): void {
    this.report?.(this.done + n, this.total);
  }
}

export interface ExecuteOptions {
  signal?: AbortSignal;
  tally?: Tally;
  /** Steps done by an earlier try; they are skipped without a request, and new ones are recorded. */
  journal?: Set<string>;
  report?: TransferReport;
}

/** Writes one plan. Resolves with the report (the given one, updated). */
export async function executePlan(
  plan: TransferPlan,
  reader: ContentReader,
  writer: ContentWriter,
  { signal, tally = new Tally(plan.bytes), journal = new Set(), report = emptyReport() }: ExecuteOptions = {},
): Promise<TransferReport> {
  for (const d of plan.blobs) {
    throwIfAborted(signal);
    const step = `${writer.key} blob ${d.digest}`;
    if (journal.has(step)) report.resumed++;
    else if (await writer.hasBlob(d, signal)) report.existing++;
    else if (reader.location && (await writer.mount?.(d, reader.location, signal))) report.mounted++;
    else {
      // A layout being built shows download progress; a registry shows upload progress (the longer half).
      const data = await reader.readBlob(d, writer.wants, {
        signal,
        onProgress: writer.wants === 'blob' ? (n) => tally.partial(n) : undefined,
      });
      await writer.putBlob(d, data, { signal, onProgress: (n) => tally.partial(n) });
      report.uploaded++;
      report.bytes += d.size;
    }
    journal.add(step);
    tally.add(d.size);
  }
  for (const m of plan.manifests) {
    throwIfAborted(signal);
    const step = `${writer.key} manifest ${m.fetched.digest} ${m.tag ?? ''}`;
    if (journal.has(step)) {
      report.resumed++;
      continue;
    }
    await writer.putManifest(m, signal);
    journal.add(step);
    report.manifests++;
  }
  const bySubject = new Map<string, FetchedManifest[]>();
  for (const m of plan.manifests)
    if (m.role === 'referrer' && m.subject)
      bySubject.set(m.subject, [...(bySubject.get(m.subject) ?? []), m.fetched]);
  for (const [subject, referrers] of bySubject) {
    const step = `${writer.key} referrers ${subject} ${referrers.map((r) => r.digest).join(',')}`;
    if (journal.has(step) || !writer.linkReferrers) continue;
    await writer.linkReferrers(subject, referrers, signal);
    journal.add(step);
  }
  return report;
}
