/**
 * Fetches what signs one manifest, through the connection layer's client: cosign's `sha256-<hex>.sig` manifest
 * with its layer blobs, and the Sigstore-bundle referrers (the referrers API, or the `sha256-<hex>` fallback tag)
 * with their bundle blobs. Every blob is digest-checked by the client. Nothing is verified here: the bytes are kept
 * so verification can run again when the trusted root or the user's inputs change, without a request.
 */
import { MT } from '../lib/common';
import { RegistryError, type Descriptor, type RegistryClient } from '../lib/oci';
import { bundleLayers, type FetchedSignatures } from '../lib/signatures';

/** Simple-signing payloads are a few hundred bytes and bundles a few KB: anything far larger is not one. */
const MAX_PAYLOAD_BYTES = 256 * 1024;
const MAX_BUNDLE_BYTES = 1024 * 1024;
const MAX_SIG_LAYERS = 64;
const MAX_REFERRERS = 32;
const MAX_BUNDLES_PER_REFERRER = 4;
/** Requests in flight per lookup. */
const PARALLEL = 4;
/** Referrers that sign (Notary, cosign attestations) but are not Sigstore bundles; SBOMs and the like are not. */
const OTHER_SIGNATURE_TYPES = /notation|notary|cosign|dsse|signature/i;

type CosignTag = NonNullable<FetchedSignatures['cosign']>;
/** What the lookup found, for verifyFetched (lib/signatures). */
export type Lookup = FetchedSignatures;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const isAborted = (e: unknown) => e instanceof RegistryError && e.code === 'aborted';

/** Runs `f` on each item, at most PARALLEL at a time, in order of the results. */
async function mapLimited<T, R>(items: T[], f: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
  return out;
}

/** Fetches one small blob; a failure (but not a cancel) becomes the reason it is missing. */
async function smallBlob(
  client: RegistryClient,
  repo: string,
  d: { digest: string; size: number },
  limit: number,
  signal: AbortSignal,
): Promise<{ bytes: Uint8Array | null; problem: string | null }> {
  if (d.size > limit)
    return { bytes: null, problem: `the blob is ${d.size} bytes, more than a signature can be` };
  try {
    return { bytes: await client.getBlob(repo, d, { signal }), problem: null };
  } catch (e) {
    if (isAborted(e) || signal.aborted) throw e;
    return { bytes: null, problem: `the blob could not be fetched: ${message(e)}` };
  }
}

const asDescriptor = (l: unknown): { digest: string; size: number } | null => {
  const d = l as Partial<Descriptor> | null;
  return d && typeof d.digest === 'string' && Number.isSafeInteger(d.size) && (d.size as number) >= 0
    ? { digest: d.digest, size: d.size as number }
    : null;
};

/** cosign's signature manifest and its layer blobs; null when the tag does not exist. */
async function fetchCosign(
  client: RegistryClient,
  repo: string,
  digest: string,
  signal: AbortSignal,
): Promise<CosignTag | null> {
  const reference = `${repo}:${digest.replace(':', '-')}.sig`;
  let fetched;
  try {
    fetched = await client.getManifest(reference, signal);
  } catch (e) {
    if (e instanceof RegistryError && e.code === 'not-found') return null;
    throw e;
  }
  const layers = Array.isArray(fetched.manifest.layers) ? fetched.manifest.layers : [];
  const blobs = new Map<string, Uint8Array>();
  const blobProblems = new Map<string, string>();
  const wanted = layers.map(asDescriptor).filter((d) => d !== null);
  for (const d of wanted.slice(MAX_SIG_LAYERS))
    blobProblems.set(d.digest, `only the first ${MAX_SIG_LAYERS} layers are read`);
  const got = await mapLimited(wanted.slice(0, MAX_SIG_LAYERS), (d) =>
    smallBlob(client, repo, d, MAX_PAYLOAD_BYTES, signal),
  );
  got.forEach((r, i) => {
    const d = wanted[i]!.digest;
    if (r.bytes) blobs.set(d, r.bytes);
    else blobProblems.set(d, r.problem!);
  });
  return { reference, manifest: fetched.manifest, blobs, blobProblems };
}

/** The signature referrers of `digest`, with the bundle blobs of the Sigstore ones. */
async function fetchReferrers(
  client: RegistryClient,
  repo: string,
  digest: string,
  signal: AbortSignal,
): Promise<Pick<Lookup, 'bundles' | 'others' | 'notes'>> {
  const listed = await client.referrers(repo, digest, { signal });
  const notes: string[] = [];
  // A registry's index is untrusted: fields that should be strings may be anything.
  const all = listed.descriptors.filter((d) => d && typeof d.digest === 'string');
  const typeOf = (d: Descriptor) => String(d.artifactType ?? d.mediaType ?? '');
  const isBundle = (d: Descriptor) => typeOf(d).startsWith(MT.sigstoreBundlePrefix);
  const sigstore = all.filter(isBundle);
  const others = all
    .filter((d) => !isBundle(d) && OTHER_SIGNATURE_TYPES.test(typeOf(d)))
    .map((d) => ({ referrer: `${repo}@${d.digest}`, type: typeOf(d) }));
  if (sigstore.length > MAX_REFERRERS)
    notes.push(`Only the first ${MAX_REFERRERS} of ${sigstore.length} Sigstore bundle referrers were read.`);
  const perReferrer = await mapLimited(sigstore.slice(0, MAX_REFERRERS), async (d) => {
    const referrer = `${repo}@${d.digest}`;
    let layers;
    try {
      layers = bundleLayers((await client.getManifest(referrer, signal)).manifest);
    } catch (e) {
      if (isAborted(e) || signal.aborted) throw e;
      return [{ referrer, layer: d.digest, bytes: null, problem: `the referrer manifest: ${message(e)}` }];
    }
    if (layers.length === 0)
      return [
        { referrer, layer: d.digest, bytes: null, problem: 'the referrer has no Sigstore bundle layer' },
      ];
    const blobs = await mapLimited(layers.slice(0, MAX_BUNDLES_PER_REFERRER), (l) =>
      smallBlob(client, repo, l, MAX_BUNDLE_BYTES, signal),
    );
    return blobs.map((b, i) => ({ referrer, layer: layers[i]!.digest, ...b }));
  });
  return { bundles: perReferrer.flat(), others, notes };
}

/**
 * Looks up both formats at once. A failure of one is a note when the other found signatures; otherwise it is the
 * lookup's failure, since nothing found plus an error does not mean "unsigned".
 */
export async function lookUpSignatures(
  client: RegistryClient,
  repo: string,
  digest: string,
  signal: AbortSignal,
): Promise<Lookup> {
  const [cosign, referrers] = await Promise.allSettled([
    fetchCosign(client, repo, digest, signal),
    fetchReferrers(client, repo, digest, signal),
  ]);
  for (const r of [cosign, referrers])
    if (r.status === 'rejected' && (signal.aborted || isAborted(r.reason))) throw r.reason;
  const sig = cosign.status === 'fulfilled' ? cosign.value : null;
  const refs = referrers.status === 'fulfilled' ? referrers.value : { bundles: [], others: [], notes: [] };
  const found = !!sig || refs.bundles.length > 0 || refs.others.length > 0;
  const notes = [...refs.notes];
  if (cosign.status === 'rejected') {
    if (!found) throw cosign.reason;
    notes.push(`The cosign signature tag could not be read: ${message(cosign.reason)}`);
  }
  if (referrers.status === 'rejected') {
    if (!found) throw referrers.reason;
    notes.push(`The referrers could not be read: ${message(referrers.reason)}`);
  }
  return { cosign: sig, bundles: refs.bundles, others: refs.others, notes };
}
