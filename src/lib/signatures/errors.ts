/** The one error class of the signatures library: which verification check failed, and why. */

/** The checks a verification runs, in the order a Sigstore verifier runs them; a failure names one. */
export type SignatureCheck =
  | 'input'
  | 'bundle'
  | 'trusted-root'
  | 'artifact'
  | 'signature'
  | 'certificate'
  | 'chain'
  | 'sct'
  | 'tlog'
  | 'timestamp'
  | 'identity'
  | 'key'
  | 'payload'
  | 'config';

/** Thrown inside the library and turned into `{ ok: false, check, reason }` at the public entry points. */
export class SignatureError extends Error {
  readonly code: SignatureCheck;
  readonly where: string | undefined;

  constructor(code: SignatureCheck, message: string, where?: string) {
    super(where ? `${message} (at ${where})` : message);
    this.name = 'SignatureError';
    this.code = code;
    this.where = where;
  }
}

/** Throws a SignatureError: a one-liner for the many checks that end a verification. */
export function fail(code: SignatureCheck, message: string, where?: string): never {
  throw new SignatureError(code, message, where);
}

/** A failed verification as the public functions return it. */
export interface Failure {
  ok: false;
  check: SignatureCheck;
  reason: string;
}

/** Turns anything thrown into a Failure, so no public function ever throws on bad input. */
export function toFailure(e: unknown, fallback: SignatureCheck = 'input'): Failure {
  if (e instanceof SignatureError) return { ok: false, check: e.code, reason: e.message };
  const message = e instanceof Error ? e.message : String(e);
  return { ok: false, check: fallback, reason: `unexpected error: ${message}` };
}
