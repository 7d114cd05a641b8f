/**
 * Rekor checkpoints: a signed note (transparency-dev/formats `log/README.md`) carrying the origin,
 * tree size and root hash; each signature line is `— <name> base64(keyhint[4] ‖ signature)`.
 */
import { bytesEqual, fromBase64, utf8 } from './bytes';
import { fail } from './errors';
import { verifySignature } from './keys';
import type { TransparencyLog } from './trusted-root';

export interface Checkpoint {
  origin: string;
  size: bigint;
  rootHash: Uint8Array;
}

const SIGNATURE_LINE = /^\u2014 (\S+) (\S+)$/;

/** The host and path of a log URL without the scheme, which is how notes name their signer. */
const logName = (url: string) => url.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');

/** Parses the note and checks that a log of `logs` signed it; returns the checkpoint body. */
export async function verifyCheckpoint(envelope: unknown, logs: TransparencyLog[]): Promise<Checkpoint> {
  if (typeof envelope !== 'string' || envelope.length > 64 * 1024)
    fail('tlog', 'the checkpoint is missing or too long');
  const split = envelope.indexOf('\n\n');
  if (split < 0) fail('tlog', 'the checkpoint has no blank line between the note and its signatures');
  const note = envelope.slice(0, split + 1);
  const sigLines = envelope
    .slice(split + 2)
    .split('\n')
    .filter((l) => l !== '');
  if (sigLines.length === 0 || sigLines.length > 32) fail('tlog', 'the checkpoint has no signatures');
  let verified = false;
  for (const line of sigLines) {
    const m = SIGNATURE_LINE.exec(line);
    if (!m) fail('tlog', `checkpoint signature line "${line.slice(0, 80)}" is malformed`);
    const bytes = fromBase64(m[2], 'checkpoint signature', 'tlog');
    if (bytes.length < 5) fail('tlog', 'checkpoint signature is too short');
    const hint = bytes.subarray(0, 4);
    for (const log of logs) {
      const id = log.checkpointKeyId ?? log.logId;
      if (!bytesEqual(id.subarray(0, 4), hint) || logName(log.baseUrl) !== m[1]) continue;
      if (await verifySignature(log.key, utf8(note), bytes.subarray(4))) verified = true;
    }
  }
  if (!verified) fail('tlog', 'no checkpoint signature verifies with a Rekor key of the trusted root');
  const lines = note.trimEnd().split('\n');
  if (lines.length < 3) fail('tlog', 'the checkpoint note has fewer than three lines');
  if (!/^\d{1,20}$/.test(lines[1]!))
    fail('tlog', `checkpoint tree size "${lines[1]!.slice(0, 30)}" is not a number`);
  return {
    origin: lines[0]!,
    size: BigInt(lines[1]!),
    rootHash: fromBase64(lines[2], 'checkpoint root hash', 'tlog'),
  };
}
