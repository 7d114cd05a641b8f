/**
 * The three journeys across an air gap: save references (with their signatures and referrers) from registries into
 * one layout tar, push chosen entries of an opened layout to a registry, and copy a reference between registries.
 * Every one plans first (manifests only) and writes after, so what cannot be read fails before anything is sent.
 */
import type { ProgressFn, Reference, RegistryClient } from '../oci';
import { Tally, emptyReport, executePlan, type ContentWriter, type TransferReport } from './execute';
import { layoutReader, layoutWriter } from './layout-io';
import { planTransfer, type ContentReader, type TransferPlan } from './plan';
import type { LayoutEntry, OciLayout } from './read';
import { registryReader, registryWriter } from './registry';
import { LayoutTarBuilder, type LayoutTar } from './write';

export interface TransferOptions {
  signal?: AbortSignal;
  onProgress?: ProgressFn;
  /** Steps finished by an earlier try of the same transfer (see executePlan). */
  journal?: Set<string>;
}

interface Job {
  reader: ContentReader;
  writer: ContentWriter;
  plan: TransferPlan;
}

async function run(jobs: Job[], { signal, onProgress, journal }: TransferOptions): Promise<TransferReport> {
  const tally = new Tally(
    jobs.reduce((n, j) => n + j.plan.bytes, 0),
    onProgress,
  );
  const report = emptyReport();
  for (const j of jobs) await executePlan(j.plan, j.reader, j.writer, { signal, tally, journal, report });
  return report;
}

/** Where a reference is read from: its digest when it names one (its tag is then only the name), else its tag. */
const sourceOf = (ref: Reference) => ({ source: ref.digest ?? ref.tag ?? 'latest', tag: ref.tag ?? null });

/** One reference to save, with the client of its registry. */
export interface SaveItem {
  client: RegistryClient;
  reference: Reference;
}

/**
 * Saves references into one layout tar, each named `registry/repository:tag` in index.json (referrers
 * `…@digest`). Blobs stream from the registry into Blobs, so the tar is never one buffer in script memory.
 */
export async function saveLayout(
  items: readonly SaveItem[],
  options: Omit<TransferOptions, 'journal'> = {},
): Promise<{ tar: LayoutTar; report: TransferReport }> {
  const builder = new LayoutTarBuilder();
  const jobs: Job[] = [];
  for (const { client, reference } of items) {
    const reader = registryReader(client, reference);
    const plan = await planTransfer(reader, sourceOf(reference), { signal: options.signal });
    jobs.push({
      reader,
      plan,
      writer: layoutWriter(builder, `${reference.registry}/${reference.repository}`),
    });
  }
  const report = await run(jobs, options);
  return { tar: builder.finish(), report };
}

/** One entry of an opened layout and the reference to push it to (a tag, or a digest to push it untagged). */
export interface PushChoice {
  entry: LayoutEntry;
  target: Reference;
}

/** Pushes chosen entries of a layout, each with what is attached to it; blobs the registry has are skipped. */
export async function pushLayout(
  layout: OciLayout,
  choices: readonly PushChoice[],
  clientFor: (ref: Reference) => RegistryClient,
  options: TransferOptions = {},
): Promise<TransferReport> {
  const reader = layoutReader(layout);
  const jobs: Job[] = [];
  for (const { entry, target } of choices) {
    const plan = await planTransfer(
      reader,
      { source: entry.descriptor.digest, tag: target.tag ?? null },
      { signal: options.signal },
    );
    jobs.push({ reader, plan, writer: registryWriter(clientFor(target), target) });
  }
  return run(jobs, options);
}

/**
 * Copies a reference between registries as `crane copy` / `skopeo copy --all` do (an index child by child), with its
 * cosign tags and referrers; within one registry, blobs are mounted from the source repository when allowed.
 */
export async function copyReference(
  from: SaveItem,
  to: SaveItem,
  options: TransferOptions = {},
): Promise<TransferReport & { digest: string }> {
  const reader = registryReader(from.client, from.reference);
  const source = sourceOf(from.reference);
  const plan = await planTransfer(
    reader,
    {
      source: source.source,
      tag: to.reference.digest && !to.reference.tag ? null : (to.reference.tag ?? source.tag),
    },
    { signal: options.signal },
  );
  const report = await run([{ reader, plan, writer: registryWriter(to.client, to.reference) }], options);
  return { ...report, digest: plan.manifests.find((m) => m.role === 'root')!.fetched.digest };
}

/**
 * Where an entry goes on `registry` by default: its own repository and tag when its ref name has them, else
 * `fallbackRepository` and the ref name as the tag (`oci:dir:v1` writes `v1`), else pushed by digest.
 */
export function defaultTarget(entry: LayoutEntry, registry: string, fallbackRepository: string): string {
  const repository = entry.ref?.repository ?? fallbackRepository;
  const tag = entry.role === 'referrer' ? null : (entry.ref?.tag ?? null);
  return tag ? `${registry}/${repository}:${tag}` : `${registry}/${repository}@${entry.descriptor.digest}`;
}
