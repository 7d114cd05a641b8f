/** The one error class of the artifacts library: what went wrong with an archive or layout, and where. */

export type ArtifactErrorCode =
  | 'too-large'
  | 'ratio'
  | 'truncated'
  | 'bad-gzip'
  | 'bad-tar'
  | 'bad-yaml'
  | 'bad-manifest'
  | 'bad-input'
  | 'bad-layout'
  | 'unsafe-path'
  | 'missing-blob'
  | 'dangling-reference'
  | 'digest-mismatch'
  | 'size-mismatch'
  | 'aborted';

/** Thrown by the decoders and builders; `where` names the entry, document or byte offset concerned. */
export class ArtifactError extends Error {
  readonly code: ArtifactErrorCode;
  readonly where: string | undefined;

  constructor(code: ArtifactErrorCode, message: string, where?: string) {
    super(where ? `${message} (at ${where})` : message);
    this.name = 'ArtifactError';
    this.code = code;
    this.where = where;
  }
}

/** Throws an `aborted` ArtifactError when the signal has fired, so callers can tell aborts from failures. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ArtifactError('aborted', 'The operation was cancelled.');
}
