/**
 * Transparency-log entries: the signed entry timestamp (inclusion promise), the inclusion proof
 * and its signed checkpoint, against the Rekor keys of the trusted root, plus the entry body
 * (tlog-body.ts) and its integrated time. Mirrors sigstore-js `tlog/index.ts` and sigstore-go.
 */
import { bytesEqual, toBase64, toHex, utf8 } from './bytes';
import type { BundleContent, TlogEntry } from './bundle';
import { verifyCheckpoint } from './checkpoint';
import { iso } from './chain';
import { fail } from './errors';
import { verifySignature } from './keys';
import { verifyInclusion } from './merkle';
import { verifyTlogBody, type SignerMaterial } from './tlog-body';
import { logsFor, type TrustedRoot } from './trusted-root';

export interface TlogResult {
  logIndex: bigint;
  logId: string;
  /** When the log says it integrated the entry; only set when a verified promise vouches for it. */
  integratedTime: Date | null;
  promise: boolean;
  proof: boolean;
}

/** The JSON the SET signs: the canonical form of body, integratedTime, logID (hex) and logIndex. */
export function setPayload(e: {
  canonicalizedBody: Uint8Array;
  integratedTime: number;
  logIndex: bigint;
  logId: Uint8Array;
}): Uint8Array {
  // Keys in code-point order, integers as JSON numbers: RFC 8785 canonical JSON for this fixed shape.
  return utf8(
    `{"body":${JSON.stringify(toBase64(e.canonicalizedBody))},"integratedTime":${e.integratedTime},"logID":${JSON.stringify(toHex(e.logId))},"logIndex":${e.logIndex.toString()}}`,
  );
}

/** Verifies one entry; `now` bounds the integrated time. */
export async function verifyTlogEntry(
  entry: TlogEntry,
  content: BundleContent,
  signer: SignerMaterial,
  root: TrustedRoot,
  now: Date,
): Promise<TlogResult> {
  const id = toHex(entry.logId);
  const integrated = entry.integratedTime ? new Date(entry.integratedTime * 1000) : null;
  const known = logsFor(root.tlogs, entry.logId, null);
  if (known.length === 0) fail('tlog', `the entry is in log ${id}, which the trusted root does not list`);
  if (integrated && integrated.getTime() > now.getTime()) {
    fail('tlog', `the entry's integrated time ${iso(integrated)} is in the future (now is ${iso(now)})`);
  }
  const logs = integrated ? logsFor(root.tlogs, entry.logId, integrated) : known;
  if (logs.length === 0)
    fail('tlog', `log ${id}'s key was not valid at the entry's integrated time ${iso(integrated!)}`);
  if (!entry.inclusionPromise && !entry.inclusionProof)
    fail('tlog', 'the entry has neither an inclusion promise nor an inclusion proof');
  if (entry.inclusionPromise) {
    if (entry.logIndex > BigInt(Number.MAX_SAFE_INTEGER))
      fail('tlog', 'the entry log index is too large for a signed entry timestamp');
    const payload = setPayload(entry);
    let ok = false;
    for (const log of logs) if (await verifySignature(log.key, payload, entry.inclusionPromise)) ok = true;
    if (!ok) fail('tlog', `the signed entry timestamp does not verify with log ${id}'s key`);
  }
  if (entry.inclusionProof) {
    const p = entry.inclusionProof;
    const cp = await verifyCheckpoint(p.checkpoint, logs);
    if (cp.size !== p.treeSize || !bytesEqual(cp.rootHash, p.rootHash)) {
      fail('tlog', 'the checkpoint does not match the inclusion proof tree size and root hash');
    }
    await verifyInclusion(entry.canonicalizedBody, p.logIndex, p.treeSize, p.hashes, p.rootHash);
  }
  await verifyTlogBody(entry, content, signer);
  return {
    logIndex: entry.logIndex,
    logId: id,
    integratedTime: entry.inclusionPromise ? integrated : null,
    promise: !!entry.inclusionPromise,
    proof: !!entry.inclusionProof,
  };
}
