/** The registry client: the OCI distribution calls for one registry, with `fetch` injected. Knows no artifact kind. */
import { Authenticator, type AuthMode, type Credentials } from './auth';
import {
  defaultChunkSize,
  beginUpload,
  dropUpload,
  getBlob,
  uploadBlob,
  type PendingUpload,
  type DownloadOptions,
  type UploadOptions,
  type UploadResult,
} from './blobs';
import { RegistryError } from './errors';
import { deleteManifest, getManifest, headManifest, putManifest, type FetchedManifest } from './manifests';
import type { Descriptor } from './media-types';
import { defaultBaseUrl, parseReference, type Reference } from './reference';
import {
  listPage,
  listReferrers,
  listTagsPaged,
  type ListPage,
  type ReferrersMode,
  type ReferrersResult,
} from './listing';
import { defaultFetch } from './node-fetch';
import { Transport } from './transport';

export interface RegistryClientOptions {
  /** Defaults to globalThis.fetch (in Node, large uploads go through node:http: see node-fetch.ts). */
  fetch?: typeof fetch;
  /** Sent only to the registry's origin (and the token realm's, after a warning if it differs). */
  credentials?: Credentials;
  /** API base URL or proxy (may have a path prefix); default `https://<host>` (`http` for loopback). */
  baseUrl?: string;
  authMode?: AuthMode;
  /** Token endpoint override (replaces the challenge's realm). */
  tokenEndpoint?: string;
  uploadMode?: UploadOptions['mode'];
  /** Default: `defaultChunkSize(registry)` (4 MiB; one request per blob for a registry on this machine). */
  chunkSize?: number;
  /** The largest blob `getBlob` accepts (default DEFAULT_MAX_BLOB_BYTES). */
  maxBlobBytes?: number;
  /** False: ignore `Range` on chunk answers and trust our own offset (default true). */
  trustRange?: boolean;
  /** How referrers are found: the API, the fallback tag, or the API then the tag (default). */
  referrersMode?: ReferrersMode;
  /** How long one request may wait for an answer (default 30 s). */
  timeoutMs?: number;
  /** Quiet notices: registry `Warning` headers, cross-origin Locations, realm on another host, dropped annotations. */
  onWarning?: (message: string) => void;
  /** Asked before Basic credentials go to a token realm on another origin. */
  confirmRealm?: (realm: string) => boolean | Promise<boolean>;
  now?: () => number;
}

type RefInput = Reference | string;
const asRef = (r: RefInput) => (typeof r === 'string' ? parseReference(r) : r);

/** Creates a client. Use one client per registry: its credentials go to every base URL it talks to. */
export function createRegistryClient(options: RegistryClientOptions = {}) {
  const fetchFn = options.fetch ?? defaultFetch;
  const transports = new Map<string, Transport>();
  const transportFor = (ref?: Reference): Transport => {
    const base = options.baseUrl ?? (ref ? defaultBaseUrl(ref) : null);
    if (!base) throw new RegistryError('invalid-reference', 'No registry given and no base URL configured.');
    let t = transports.get(base);
    if (!t) {
      const auth = new Authenticator(
        {
          fetch: fetchFn,
          credentials: options.credentials,
          mode: options.authMode,
          tokenEndpoint: options.tokenEndpoint,
          onWarning: options.onWarning,
          confirmRealm: options.confirmRealm,
          now: options.now,
          timeoutMs: options.timeoutMs,
        },
        new URL(base).origin,
      );
      t = new Transport(fetchFn, base, auth, options.onWarning, options.timeoutMs);
      transports.set(base, t);
    }
    return t;
  };
  const upload = { mode: options.uploadMode, chunkSize: options.chunkSize, trustRange: options.trustRange };
  const target = (ref: Reference) => ref.digest ?? ref.tag ?? 'latest';

  return {
    /** Parses a reference given as text (RegistryError `invalid-reference`); a parsed one is returned as it is. */
    reference: asRef,
    /** The transport (base URL, auth state) used for a reference. */
    transportFor,

    /** GET /v2/: 200 (open) or 401 (auth needed, scheme named). Never sends credentials. */
    async ping(ref?: RefInput, signal?: AbortSignal) {
      const t = transportFor(ref ? asRef(ref) : undefined);
      const res = await t.raw(
        { method: 'GET', url: t.url('/v2/'), scopes: [], signal, what: 'Probing' },
        null,
      );
      await res.body?.cancel().catch(() => {});
      const challenge = res.headers.get('www-authenticate') ?? '';
      return {
        status: res.status,
        ok: res.status === 200 || res.status === 401,
        auth:
          res.status === 200
            ? 'none'
            : /^\s*bearer/i.test(challenge)
              ? 'bearer'
              : challenge
                ? 'basic'
                : 'unknown',
        apiVersion: res.headers.get('docker-distribution-api-version'),
      } as const;
    },

    getManifest: (ref: RefInput, signal?: AbortSignal): Promise<FetchedManifest> => {
      const r = asRef(ref);
      return getManifest(transportFor(r), r.repository, target(r), signal);
    },
    headManifest: (ref: RefInput, signal?: AbortSignal) => {
      const r = asRef(ref);
      return headManifest(transportFor(r), r.repository, target(r), signal);
    },
    putManifest: (ref: RefInput, bytes: Uint8Array<ArrayBuffer>, mediaType: string, signal?: AbortSignal) => {
      const r = asRef(ref);
      return putManifest(transportFor(r), r.repository, target(r), bytes, mediaType, signal);
    },
    /** DELETE by digest (never by tag); every tag pointing at the digest goes with it. */
    deleteManifest: (ref: RefInput, digest: string, signal?: AbortSignal): Promise<void> => {
      const r = asRef(ref);
      return deleteManifest(transportFor(r), r.repository, digest, signal);
    },
    getBlob: (
      ref: RefInput,
      descriptor: Pick<Descriptor, 'digest' | 'size'>,
      o: Omit<DownloadOptions, 'maxBytes'> = {},
    ) => {
      const r = asRef(ref);
      return getBlob(transportFor(r), r.repository, descriptor.digest, descriptor.size, {
        maxBytes: options.maxBlobBytes,
        ...o,
      });
    },
    uploadBlob: (
      ref: RefInput,
      bytes: Uint8Array,
      o: UploadOptions & { digest?: string } = {},
    ): Promise<UploadResult> => {
      const r = asRef(ref);
      return uploadBlob(transportFor(r), r.repository, bytes, {
        ...upload,
        chunkSize: upload.chunkSize ?? defaultChunkSize(r.registry),
        ...o,
      });
    },
    /**
     * Begins the upload of bytes whose digest the caller is still computing, for an `uploadBlob` to the same
     * repository that passes it as `session`: the session opens now and, where this client would send the blob in
     * one request, its bytes go now too (one PATCH; the PUT `?digest=` follows). `dropUpload` cancels one not used.
     * Undefined for a small blob, which is better asked about first.
     */
    beginUpload: (
      ref: RefInput,
      bytes: Uint8Array,
      o: { signal?: AbortSignal; body?: Blob } = {},
    ): PendingUpload | undefined => {
      const r = asRef(ref);
      const chunkSize = upload.chunkSize ?? defaultChunkSize(r.registry);
      const whole = upload.mode !== 'monolithic' && bytes.length <= chunkSize;
      return beginUpload(transportFor(r), r.repository, bytes, { ...o, whole });
    },
    dropUpload: (ref: RefInput, pending: PendingUpload): Promise<void> => {
      const r = asRef(ref);
      return dropUpload(transportFor(r), r.repository, pending);
    },
    /** Every tag, following `Link: rel="next"` (stops if a URL repeats). Unsorted: see sortTags(). */
    listTags: (ref: RefInput, signal?: AbortSignal) => {
      const r = asRef(ref);
      return listTagsPaged(
        transportFor(r),
        `/v2/${r.repository}/tags/list?n=100`,
        'tags',
        [`repository:${r.repository}:pull`],
        signal,
      );
    },
    /** Repository names from /v2/_catalog (optional API; many registries deny it). */
    catalog: (ref?: RefInput, signal?: AbortSignal) =>
      listTagsPaged(
        transportFor(ref ? asRef(ref) : undefined),
        '/v2/_catalog?n=100',
        'repositories',
        ['registry:catalog:*'],
        signal,
      ),
    /**
     * One page of /v2/_catalog: `n` names (distribution accepts 1 to 1000) after the start, or the page at `next` (a
     * URL from the previous page's `Link`). For a browser that loads pages as the user asks for them.
     */
    catalogPage: (
      ref: RefInput | undefined,
      { n = 100, next }: { n?: number; next?: string | null } = {},
      signal?: AbortSignal,
    ): Promise<ListPage> =>
      listPage(
        transportFor(ref ? asRef(ref) : undefined),
        next ?? `/v2/_catalog?n=${Math.max(1, Math.min(1000, Math.floor(n)))}`,
        'repositories',
        ['registry:catalog:*'],
        signal,
      ),
    /** Referrers of `digest`: the API, else the `sha256-<hex>` fallback tag (per `referrersMode`). */
    referrers: (
      ref: RefInput,
      digest: string,
      o: { artifactType?: string; signal?: AbortSignal } = {},
    ): Promise<ReferrersResult> => {
      const r = asRef(ref);
      return listReferrers(transportFor(r), r.repository, digest, { mode: options.referrersMode, ...o });
    },
  };
}

export type RegistryClient = ReturnType<typeof createRegistryClient>;
