/** The one error type of the Wasm binary library: a code for the UI, the byte offset, and a plain message. */

export type WasmParseErrorCode =
  | 'not-wasm'
  | 'truncated'
  | 'section-overflow'
  | 'bad-leb'
  | 'bad-utf8'
  | 'unsupported-version'
  | 'bad-section'
  | 'not-core-module'
  | 'not-component';

export class WasmParseError extends Error {
  override readonly name = 'WasmParseError';
  constructor(
    readonly code: WasmParseErrorCode,
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}
