/** The one error type of the Kubewarden metadata library, with a code the UI maps to a plain explanation. */

export type MetadataErrorCode =
  'bad-json' | 'bad-yaml' | 'invalid-metadata' | 'scaffold' | 'not-core-module' | 'write-check';

/** A metadata problem that stops an operation; `line` (1-based) and `field` (dotted path) say where when known. */
export class MetadataError extends Error {
  override readonly name = 'MetadataError';
  constructor(
    readonly code: MetadataErrorCode,
    message: string,
    readonly line?: number,
    readonly field?: string,
  ) {
    super(message);
  }
}
