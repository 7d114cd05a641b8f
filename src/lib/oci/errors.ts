/** The one error class of the OCI library: every failure carries a machine-readable code, status and URL. */

export type RegistryErrorCode =
  | 'network'
  | 'redirect-failed'
  | 'timeout'
  | 'cors'
  | 'mixed-content'
  | 'unauthorized'
  | 'realm-declined'
  | 'denied'
  | 'not-found'
  | 'upload-unknown'
  | 'digest-mismatch'
  | 'size-mismatch'
  | 'unsupported'
  | 'too-large'
  | 'blob-limit'
  | 'rate-limited'
  | 'invalid-reference'
  | 'invalid-manifest'
  | 'bad-response'
  | 'push-refused'
  | 'delete-refused'
  | 'aborted';

/** One entry of a registry's `{"errors":[…]}` body (DS "Error Codes"), shown verbatim. */
export interface RegistryErrorDetail {
  code: string;
  message: string;
  detail?: unknown;
}

/** A failed registry operation. `message` says what failed and where, without credentials. */
export class RegistryError extends Error {
  readonly code: RegistryErrorCode;
  readonly status?: number;
  readonly url?: string;
  /** The registry's own error entries, when its body had them. */
  readonly detail?: RegistryErrorDetail[];

  constructor(
    code: RegistryErrorCode,
    message: string,
    extra: { status?: number; url?: string; detail?: RegistryErrorDetail[]; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'RegistryError';
    this.code = code;
    this.status = extra.status;
    this.url = extra.url;
    this.detail = extra.detail;
  }
}

/** Turns an abort reason (or any thrown value while `signal` is aborted) into an `aborted` error. */
export function abortError(signal?: AbortSignal, url?: string): RegistryError {
  const reason = signal?.reason instanceof Error ? signal.reason.message : 'The operation was cancelled.';
  return new RegistryError('aborted', reason, { url });
}

/** Reads a registry error body (bounded) into entries; never throws. */
export async function readErrorBody(res: Response): Promise<RegistryErrorDetail[] | undefined> {
  try {
    const text = await readTextCapped(res, 64 * 1024);
    const json = JSON.parse(text) as { errors?: unknown };
    if (!Array.isArray(json.errors)) return undefined;
    return json.errors
      .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
      .map((e) => ({ code: String(e.code ?? ''), message: String(e.message ?? ''), detail: e.detail }));
  } catch {
    return undefined;
  }
}

/** Reads at most `limit` bytes of a body as text and cancels the rest. */
export async function readTextCapped(res: Response, limit: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  while (total < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    total += value.length;
  }
  await reader.cancel().catch(() => {});
  const all = new Uint8Array(Math.min(total, limit));
  let at = 0;
  for (const p of parts) {
    const take = Math.min(p.length, all.length - at);
    all.set(p.subarray(0, take), at);
    at += take;
  }
  return new TextDecoder().decode(all);
}

/** Maps an unsuccessful response to a RegistryError with the registry's own error text. */
export async function errorFromResponse(res: Response, what: string): Promise<RegistryError> {
  const detail = await readErrorBody(res);
  const said = detail?.length
    ? ': ' + detail.map((d) => `${d.code}${d.message ? ` ${d.message}` : ''}`).join('; ')
    : '';
  const s = res.status;
  // An upload session the registry no longer knows (finished, expired, or the registry restarted): the repository
  // is there, so "not found" would send the person looking for a typo.
  const upload =
    s === 404 &&
    (detail?.some((d) => d.code === 'BLOB_UPLOAD_UNKNOWN') || /\/blobs\/uploads\//.test(res.url));
  const code: RegistryErrorCode = upload
    ? 'upload-unknown'
    : s === 401
      ? 'unauthorized'
      : s === 403
        ? 'denied'
        : s === 404
          ? 'not-found'
          : s === 429
            ? 'rate-limited'
            : s === 413
              ? 'too-large'
              : s === 405 || s === 501
                ? 'unsupported'
                : 'bad-response';
  return new RegistryError(code, `${what} failed with HTTP ${s}${said}.`, {
    status: s,
    url: res.url,
    detail,
  });
}
