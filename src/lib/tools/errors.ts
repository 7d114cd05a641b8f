/** The one error type of the jco tools wrapper. */

export type ToolsErrorCode =
  'aborted' | 'failed' | 'load-failed' | 'worker-crashed' | 'too-large' | 'timed-out';

export class ToolsError extends Error {
  override readonly name = 'ToolsError';
  constructor(
    readonly code: ToolsErrorCode,
    message: string,
  ) {
    super(message);
  }
}
