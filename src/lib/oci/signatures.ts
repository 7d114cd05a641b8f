/** Whether a policy is signed: cosign's `sha256-<hex>.sig` tag and sigstore-bundle referrers (oci.md §9). */
import { RegistryError } from './errors';
import { headManifest } from './manifests';
import { listReferrers, type ReferrersMode } from './listing';
import type { Descriptor } from './media-types';
import type { Transport } from './transport';

export const NO_SIGNATURES = 'No sigstore signatures found';

export interface SignatureReport {
  /** `signed`, `unsigned` (nothing found), or `unknown` (the lookup failed). */
  state: 'signed' | 'unsigned' | 'unknown';
  /** The cosign tag when it exists. */
  cosignTag: string | null;
  /** Signature and attestation referrers (sigstore bundles, cosign types). */
  referrers: Descriptor[];
  /** kwctl's wording for the result. */
  message: string;
}

const SIG_TYPES = /sigstore|cosign|dsse|notation/i;

/** Looks for signatures of manifest `digest` in `repository`. Never throws for registry errors: reports `unknown`. */
export async function findSignatures(
  t: Transport,
  repository: string,
  digest: string,
  signal?: AbortSignal,
  referrersMode?: ReferrersMode,
): Promise<SignatureReport> {
  const cosignTag = `${digest.replace(':', '-')}.sig`;
  try {
    const head = await headManifest(t, repository, cosignTag, signal);
    const refs = await listReferrers(t, repository, digest, { signal, mode: referrersMode });
    const referrers = refs.descriptors.filter((d) => SIG_TYPES.test(d.artifactType ?? d.mediaType));
    const found = !!head || referrers.length > 0;
    return {
      state: found ? 'signed' : 'unsigned',
      cosignTag: head ? cosignTag : null,
      referrers,
      message: found
        ? `Signatures found: ${[
            head ? `cosign tag ${cosignTag}` : '',
            referrers.length ? `${referrers.length} referrer(s)` : '',
          ]
            .filter(Boolean)
            .join(', ')}`
        : NO_SIGNATURES,
    };
  } catch (e) {
    if (e instanceof RegistryError && e.code === 'aborted') throw e;
    return {
      state: 'unknown',
      cosignTag: null,
      referrers: [],
      message: `Cannot determine if the policy has been signed. There was an error while attempting to fetch its signatures from the remote registry: ${(e as Error).message}`,
    };
  }
}
