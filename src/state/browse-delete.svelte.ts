/**
 * Deleting from a repository, as the registry does it: by manifest digest, which takes every tag pointing at that
 * digest with it. So a delete is planned first (resolve the tag to its digest, find every tag of the repository
 * that points there, and the cosign signature tags left orphaned), shown to the user, and only then sent.
 */
import { parseDigest, parseReference, RegistryError } from '../lib/oci';
import { eachLimited, type TagTable } from './browse-tags.svelte';
import { connections } from './connections.svelte';
import { Operation, type Subject } from './operation.svelte';

/** At most this many tags are resolved to find those sharing a digest; beyond it the plan says it did not look. */
export const MAX_DELETE_SCAN = 2000;
const PARALLEL = 6;

/** What a delete would remove, for the confirmation. */
export interface DeletePlan {
  /** `host/repository`. */
  repository: string;
  digest: string;
  /** Every tag found pointing at the digest (all of them, when `checked === total`). */
  tags: string[];
  /** cosign `sha256-<hex>.sig/.att/.sbom` tags of this digest, which stay behind pointing at nothing. */
  signatureTags: string[];
  checked: number;
  total: number;
}

export interface DeleteResult {
  repository: string;
  digest: string;
  tags: string[];
}

const explainFor = (e: unknown, subject: Subject, signal: AbortSignal) =>
  connections.explain(e, subject.reference, signal);

export class TagDeletion {
  readonly planning = new Operation<DeletePlan>(explainFor);
  readonly deleting = new Operation<DeleteResult>(explainFor);

  constructor(private readonly table: TagTable) {}

  /** The plan waiting for the user's answer, if any. */
  get plan(): DeletePlan | null {
    const s = this.planning.state;
    return s.status === 'done' ? s.result : null;
  }

  /** Plans deleting the manifest a tag points at. */
  planTag(tag: string): Promise<void> {
    return this.planFor(this.table.tagReference(tag), tag);
  }

  /** Plans deleting a manifest given by digest (tagged or not). */
  planDigest(digest: string): Promise<void> {
    return this.planFor(`${this.table.name}@${digest.trim()}`, null);
  }

  private async planFor(reference: string, tag: string | null): Promise<void> {
    this.deleting.clear();
    const table = this.table;
    const all = table.tags;
    await this.planning.run({ reference }, async (signal, progress) => {
      const ref = parseReference(reference);
      if (ref.digest) parseDigest(ref.digest);
      const client = connections.clientFor(ref);
      const known = (t: string) => {
        const d = table.details.get(t);
        return d?.status === 'done' ? d.digest : null;
      };
      // HEAD gives the digest when the registry (and CORS) expose Docker-Content-Digest; else the bytes say it.
      const digestOf = async (t: string): Promise<string | null> => {
        const r = parseReference(table.tagReference(t));
        const head = await client.headManifest(r, signal);
        if (!head) return null;
        return head.digest?.startsWith('sha256:')
          ? head.digest
          : (await client.getManifest(r, signal)).digest;
      };
      const digest = ref.digest ?? (tag ? (known(tag) ?? (await digestOf(tag))) : null);
      if (!digest) throw new RegistryError('not-found', `${reference} does not exist any more.`);
      const scan = all.slice(0, MAX_DELETE_SCAN);
      const tags: string[] = [];
      let checked = 0;
      progress(0, scan.length);
      await eachLimited(scan, PARALLEL, signal, async (t) => {
        const d = known(t) ?? (await digestOf(t));
        if (d === digest) tags.push(t);
        progress(++checked, scan.length);
      });
      const hex = digest.replace(':', '-');
      return {
        repository: table.name,
        digest,
        tags: all.filter((t) => tags.includes(t)),
        signatureTags: all.filter((t) => t.startsWith(`${hex}.`)),
        checked,
        total: all.length,
      };
    });
  }

  /** The user said no: forget the plan. */
  dismiss(): void {
    this.planning.cancel();
    this.planning.clear();
  }

  /** Sends the planned DELETE (by digest) and takes the removed tags out of the table. */
  async confirm(): Promise<void> {
    const plan = this.plan;
    if (!plan) return;
    const reference = `${plan.repository}@${plan.digest}`;
    const state = await this.deleting.run({ reference }, async (signal) => {
      const ref = parseReference(reference);
      await connections.clientFor(ref).deleteManifest(ref, plan.digest, signal);
      return { repository: plan.repository, digest: plan.digest, tags: plan.tags };
    });
    if (state.status === 'done') {
      this.planning.clear();
      if (this.table.name === plan.repository) this.table.drop(plan.tags);
    }
  }

  /** A delete in flight goes on (it is a write the user confirmed); a plan being made is cancelled. */
  leave(): void {
    if (this.planning.running) this.planning.cancel();
  }
}
