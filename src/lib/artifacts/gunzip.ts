/** gzip decompression through the platform's DecompressionStream, bounded by the size of its output. */
import { ArtifactError, throwIfAborted } from './errors';

export interface GunzipLimits {
  /**
   * Most bytes of output accepted (default 128 MiB). This is the only bound: real `.tar.gz` layers reach 270×
   * (a ratio limit refused them), while a bomb of any ratio still stops once it has produced this much.
   */
  maxOutput?: number;
  /** Optional ratio limit (output bytes per input byte); off unless given. */
  maxRatio?: number;
  /** Output below this size is never refused for its ratio (default 1 MiB). */
  ratioFloor?: number;
  signal?: AbortSignal;
}

export const DEFAULT_MAX_OUTPUT = 128 * 1024 * 1024;
/** No ratio limit by default; kept for callers that want one. */
export const DEFAULT_MAX_RATIO = Number.POSITIVE_INFINITY;
const INPUT_SLICE = 64 * 1024;

/** True when the bytes start like a gzip member (magic 1f 8b, method 8 = deflate). */
export function looksGzipped(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 8;
}

function classify(e: unknown): ArtifactError {
  if (e instanceof ArtifactError) return e;
  const message = e instanceof Error ? e.message : String(e);
  // Node says "unexpected end of file", Chromium "Compressed input was truncated".
  if (/unexpected end|truncat/i.test(message))
    return new ArtifactError('truncated', `The gzip data ends early: ${message}`);
  return new ArtifactError('bad-gzip', `The gzip data is corrupt: ${message}`);
}

/**
 * Decompresses gzip bytes, stopping as soon as the output passes `maxOutput` (`too-large`), or a ratio limit when
 * one is given (`ratio`), so a bomb costs at most the limit in memory and time.
 */
export async function gunzip(input: Uint8Array, limits: GunzipLimits = {}): Promise<Uint8Array> {
  const { signal } = limits;
  throwIfAborted(signal);
  if (!looksGzipped(input))
    throw new ArtifactError('bad-gzip', 'The data does not start with a gzip header', 'byte 0');
  const maxOutput = limits.maxOutput ?? DEFAULT_MAX_OUTPUT;
  const ratioCap = Math.max(
    limits.ratioFloor ?? 1024 * 1024,
    input.length * (limits.maxRatio ?? DEFAULT_MAX_RATIO),
  );
  const stream = new DecompressionStream('gzip');
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  // Feed slices with back-pressure; write errors resurface on the reading side, so they are swallowed here.
  const feed = (async () => {
    for (let at = 0; at < input.length; at += INPUT_SLICE) {
      await writer.write(input.subarray(at, at + INPUT_SLICE) as Uint8Array<ArrayBuffer>);
    }
    await writer.close();
  })().catch(() => undefined);
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      throwIfAborted(signal);
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxOutput)
        throw new ArtifactError('too-large', `Decompressed data passes the limit of ${maxOutput} bytes`);
      if (total > ratioCap)
        throw new ArtifactError(
          'ratio',
          `Decompressed data passes ${Math.floor(ratioCap / Math.max(1, input.length))}× its ${input.length} compressed bytes: likely a decompression bomb`,
        );
      chunks.push(value);
    }
  } catch (e) {
    await reader.cancel().catch(() => undefined);
    await writer.abort().catch(() => undefined);
    throw classify(e);
  }
  await feed;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
