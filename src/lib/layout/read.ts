/**
 * Opens an OCI image layout from a tar or a dropped folder: every name is checked before use, every blob is hashed
 * against the digest it is stored under and its size against each descriptor naming it, and index.json is followed
 * down to every config, layer and child manifest. Anything wrong is one ArtifactError saying what and where.
 */
import { ArtifactError, displayName, nameHazards, readTar, throwIfAborted } from '../artifacts';
import { isIndexType, MT } from '../common';
import type { Descriptor, FetchedManifest } from '../oci';
import {
  DIGEST_HEX,
  INDEX_FILE,
  LAYOUT_FILE,
  REF_NAME,
  blobPath,
  cosignSubject,
  digestOfPath,
  isLayoutDigest,
  readManifestBytes,
  readRefName,
  type RefName,
} from './format';
import { verifyDigest } from './hash';

/** One file of a layout as given: a tar entry in memory, or a file of a dropped folder (read on demand). */
export interface LayoutFile {
  /** The path as the archive or folder names it, `/`-separated. */
  path: string;
  size: number;
  read(signal?: AbortSignal): Promise<Uint8Array<ArrayBuffer>>;
  /** True when `read` always gives the same bytes (a tar in memory), so one check at open is enough. */
  stable?: boolean;
}

/** A verified blob. A folder's file is hashed again on every read: it may have changed on disk since. */
export interface LayoutBlob {
  digest: string;
  size: number;
  read(signal?: AbortSignal): Promise<Uint8Array<ArrayBuffer>>;
}

/** `reference`: a saved reference; `signature`: a cosign `.sig`/`.att`/`.sbom` tag; `referrer`: has a `subject`. */
export type EntryRole = 'reference' | 'signature' | 'referrer';

/** One entry of index.json with its verified manifest. */
export interface LayoutEntry {
  position: number;
  descriptor: Descriptor;
  refName: string | null;
  ref: RefName | null;
  manifest: FetchedManifest;
  role: EntryRole;
  /** The manifest a signature tag or referrer is attached to. */
  subject: string | null;
}

export interface OciLayout {
  /** The tar's or folder's name, for display. */
  name: string;
  entries: LayoutEntry[];
  /** Every manifest reachable from index.json, verified, by digest. */
  manifests: ReadonlyMap<string, FetchedManifest>;
  blobs: ReadonlyMap<string, LayoutBlob>;
  /** Total bytes of the blobs. */
  size: number;
}

export interface OpenLayoutOptions {
  signal?: AbortSignal;
  /** Bytes hashed of all blobs. */
  onProgress?: (done: number, total: number) => void;
}

/** The most manifests followed below one index.json (a bound on hostile nesting). */
const MAX_DEPTH = 16;

function checkName(path: string, where: string): void {
  const hazards = nameHazards(path).filter((h) => h !== 'long');
  if (hazards.length)
    throw new ArtifactError(
      'unsafe-path',
      `The layout holds an entry named "${displayName(path, 120)}" (${hazards.join(', ')}); nothing in it was used`,
      where,
    );
}

/** The files of a layout tar (its bytes stay in memory; entries are views). Links and special files are refused. */
export function filesFromTar(tar: Uint8Array, signal?: AbortSignal): LayoutFile[] {
  const out: LayoutFile[] = [];
  for (const e of readTar(tar, { signal })) {
    const where = `tar offset ${e.offset}`;
    checkName(e.name, where);
    if (e.type === 'directory') continue;
    if (e.type === 'symlink' || e.type === 'hardlink')
      throw new ArtifactError(
        'unsafe-path',
        `The layout holds a link "${displayName(e.name, 120)}" → "${displayName(e.linkName, 120)}"; layouts hold only files`,
        where,
      );
    if (e.type !== 'file')
      throw new ArtifactError('bad-layout', `"${displayName(e.name, 120)}" is not a regular file`, where);
    const data = e.data as Uint8Array<ArrayBuffer>;
    out.push({ path: e.name, size: data.length, read: async () => data, stable: true });
  }
  return out;
}

/** Strips `./`, then the one folder the layout sits in (a folder drop, or `tar -cf x.tar mylayout/`). */
function relativePaths(files: readonly LayoutFile[]): Map<string, LayoutFile> {
  const clean = files.map((f) => ({ path: f.path.replace(/^(\.\/)+/, ''), file: f }));
  let prefix = '';
  if (!clean.some((c) => c.path === LAYOUT_FILE)) {
    const top = clean.find((c) => /^[^/]+\/oci-layout$/.test(c.path));
    prefix = top ? top.path.slice(0, -LAYOUT_FILE.length) : '';
    if (!top || !clean.every((c) => c.path.startsWith(prefix)))
      throw new ArtifactError('bad-layout', 'There is no oci-layout file at the top of the layout');
  }
  const byPath = new Map<string, LayoutFile>();
  for (const c of clean) {
    checkName(c.path, c.path);
    const path = c.path.slice(prefix.length);
    if (byPath.has(path))
      throw new ArtifactError('bad-layout', 'The same file appears twice', displayName(path, 120));
    byPath.set(path, c.file);
  }
  return byPath;
}

async function readJson(file: LayoutFile | undefined, name: string, limit: number, signal?: AbortSignal) {
  if (!file) throw new ArtifactError('bad-layout', `The layout has no ${name} file`);
  if (file.size > limit) throw new ArtifactError('bad-layout', `${name} is larger than ${limit} bytes`, name);
  const bytes = await file.read(signal);
  try {
    return { bytes, value: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown };
  } catch {
    throw new ArtifactError('bad-layout', `${name} is not valid JSON`, name);
  }
}

function blobsOf(byPath: Map<string, LayoutFile>): Map<string, LayoutFile> {
  const blobs = new Map<string, LayoutFile>();
  for (const [path, file] of byPath) {
    if (!path.startsWith('blobs/') || path.split('/').pop()!.startsWith('.')) continue;
    const digest = digestOfPath(path);
    if (!digest || !DIGEST_HEX[digest.split(':')[0]!])
      throw new ArtifactError('bad-layout', 'blobs/ holds a file that is not named alg/hex', path);
    if (!isLayoutDigest(digest))
      throw new ArtifactError('bad-layout', 'A blob is named by a malformed digest', path);
    blobs.set(digest, file);
  }
  return blobs;
}

/** Opens and verifies a layout. Resolves only when every blob and every index.json entry checked out. */
export async function openLayout(
  name: string,
  files: readonly LayoutFile[],
  { signal, onProgress }: OpenLayoutOptions = {},
): Promise<OciLayout> {
  const byPath = relativePaths(files);
  const marker = (await readJson(byPath.get(LAYOUT_FILE), LAYOUT_FILE, 64 * 1024, signal)).value;
  const version = (marker as { imageLayoutVersion?: unknown } | null)?.imageLayoutVersion;
  if (typeof version !== 'string' || !/^1\.\d+\.\d+$/.test(version))
    throw new ArtifactError(
      'bad-layout',
      `oci-layout says imageLayoutVersion ${JSON.stringify(version)}, not 1.0.0`,
      LAYOUT_FILE,
    );
  const index = await readJson(byPath.get(INDEX_FILE), INDEX_FILE, 4 * 1024 * 1024, signal);
  const top = readManifestBytes(index.bytes, 'index.json', MT.ociIndex, INDEX_FILE);
  if (!Array.isArray(top.manifest.manifests) || (top.manifest.mediaType && !isIndexType(top.mediaType)))
    throw new ArtifactError('bad-layout', 'index.json is not an image index', INDEX_FILE);

  const files_ = blobsOf(byPath);
  const total = [...files_.values()].reduce((n, f) => n + f.size, 0);
  let done = 0;
  const verified = new Set<string>();
  const verify = async (digest: string, file: LayoutFile) => {
    if (verified.has(digest)) return;
    await verifyDigest(await file.read(signal), digest, blobPath(digest), signal);
    verified.add(digest);
    done += file.size;
    onProgress?.(done, total);
  };

  const manifests = new Map<string, FetchedManifest>();
  const follow = async (d: Descriptor, where: string, depth: number, top = false) => {
    throwIfAborted(signal);
    if (!isLayoutDigest(d.digest))
      throw new ArtifactError('bad-layout', `${d.digest} is not a sha256 or sha512 digest`, where);
    const file = files_.get(d.digest);
    if (!file)
      throw new ArtifactError(
        top ? 'dangling-reference' : 'missing-blob',
        `${d.digest} is named but not in blobs/`,
        where,
      );
    if (file.size !== d.size)
      throw new ArtifactError(
        'size-mismatch',
        `${d.digest} is ${file.size} bytes, but the descriptor says ${d.size}`,
        where,
      );
    const isManifest = top || isIndexType(d.mediaType) || MANIFEST_TYPES.has(d.mediaType);
    if (!isManifest || manifests.has(d.digest)) return;
    if (depth > MAX_DEPTH) throw new ArtifactError('bad-layout', 'Manifests nest too deeply', where);
    await verify(d.digest, file);
    const m = readManifestBytes(await file.read(signal), d.digest, d.mediaType, blobPath(d.digest));
    manifests.set(d.digest, m);
    const at = `manifest ${d.digest.slice(0, 19)}…`;
    for (const [i, child] of (m.manifest.manifests ?? []).entries())
      await follow(child, `${at} manifests[${i}]`, depth + 1);
    if (m.manifest.config) await follow(m.manifest.config, `${at} config`, depth + 1);
    for (const [i, layer] of (m.manifest.layers ?? []).entries())
      await follow(layer, `${at} layers[${i}]`, depth + 1);
  };

  const entries: LayoutEntry[] = [];
  for (const [position, descriptor] of top.manifest.manifests!.entries()) {
    const refName = descriptor.annotations?.[REF_NAME] ?? null;
    const where = `index.json manifests[${position}]${refName ? ` (${displayName(refName, 120)})` : ''}`;
    await follow(descriptor, where, 0, true);
    const manifest = manifests.get(descriptor.digest)!;
    const ref = refName === null ? null : readRefName(refName);
    const tagSubject = cosignSubject(ref?.tag ?? null);
    const subject = tagSubject ?? manifest.manifest.subject?.digest ?? null;
    entries.push({
      position,
      descriptor,
      refName,
      ref,
      manifest,
      role: tagSubject ? 'signature' : subject ? 'referrer' : 'reference',
      subject,
    });
  }
  // Every other blob too: a changed byte anywhere means the layout is not what its maker wrote.
  for (const [digest, file] of files_) await verify(digest, file);

  const blobs = new Map<string, LayoutBlob>();
  for (const [digest, file] of files_)
    blobs.set(digest, {
      digest,
      size: file.size,
      read: async (s?: AbortSignal) => {
        const bytes = await file.read(s);
        if (file.stable) return bytes;
        if (bytes.length !== file.size)
          throw new ArtifactError(
            'size-mismatch',
            `${digest} changed size since it was opened`,
            blobPath(digest),
          );
        await verifyDigest(bytes, digest, blobPath(digest), s);
        return bytes;
      },
    });
  return { name, entries, manifests, blobs, size: total };
}

const MANIFEST_TYPES = new Set<string>([MT.ociManifest, MT.dockerManifest, MT.ociArtifactManifest]);
