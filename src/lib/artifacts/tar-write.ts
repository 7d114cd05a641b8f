/** A deterministic tar writer: sorted entries, mtime 0, uid/gid 0, fixed modes, no owner names. */
import { concat } from '../common';
import { ArtifactError } from './errors';
import { nameHazards } from './tar-names';

export interface TarInputFile {
  /** Relative path with `/` separators, e.g. `deploy/app.yaml`. */
  path: string;
  bytes: Uint8Array;
}

const BLOCK = 512;
const encoder = new TextEncoder();

/** Cleans a relative path (drops `./` and empty segments) and refuses anything that could escape the archive root. */
export function normalizeArchivePath(path: string): string {
  const clean = path
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .join('/');
  const hazards = nameHazards(clean).filter((h) => h !== 'long');
  if (hazards.length > 0 || path.startsWith('/'))
    throw new ArtifactError('bad-input', `Unsafe file path (${[...hazards, 'absolute'].join(', ')})`, path);
  return clean;
}

function putString(block: Uint8Array, at: number, length: number, text: string): void {
  const bytes = encoder.encode(text);
  block.set(bytes.subarray(0, length), at);
}

function putOctal(block: Uint8Array, at: number, length: number, value: number): void {
  putString(block, at, length - 1, value.toString(8).padStart(length - 1, '0'));
}

/** Splits a long name into ustar prefix (≤155 bytes) and name (≤100 bytes) at a `/`, or returns null. */
function splitUstar(name: string): [string, string] | null {
  const bytes = encoder.encode(name);
  if (bytes.length <= 100) return ['', name];
  for (let i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (encoder.encode(prefix).length <= 155 && encoder.encode(rest).length <= 100 && rest)
      return [prefix, rest];
  }
  return null;
}

function header(
  name: string,
  prefix: string,
  size: number,
  type: string,
  mode: number,
): Uint8Array<ArrayBuffer> {
  const h = new Uint8Array(BLOCK);
  putString(h, 0, 100, name);
  putOctal(h, 100, 8, mode);
  putOctal(h, 108, 8, 0);
  putOctal(h, 116, 8, 0);
  putOctal(h, 124, 12, size);
  putOctal(h, 136, 12, 0);
  h.fill(0x20, 148, 156);
  putString(h, 156, 1, type);
  putString(h, 257, 6, 'ustar');
  putString(h, 263, 2, '00');
  putOctal(h, 329, 8, 0);
  putOctal(h, 337, 8, 0);
  putString(h, 345, 155, prefix);
  let sum = 0;
  for (const b of h) sum += b;
  putString(h, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}

/** A pax record `"<len> path=<value>\n"`, whose length counts its own digits. */
function paxRecord(key: string, value: string): Uint8Array<ArrayBuffer> {
  const body = encoder.encode(` ${key}=${value}\n`);
  let len = body.length + 1;
  while (String(len).length + body.length > len) len++;
  return encoder.encode(`${len} ${key}=${value}\n`);
}

/**
 * The header blocks of one entry (a pax `path` record first when the name fits no ustar split). A name ending in `/`
 * is a directory. For writers that stream each entry's bytes themselves: follow with the bytes and
 * {@link tarPadding}, and end the archive with {@link tarEnd}.
 */
export function tarEntryHeader(name: string, size: number): Uint8Array<ArrayBuffer>[] {
  if (!Number.isSafeInteger(size) || size < 0 || size > 0o77777777777)
    throw new ArtifactError('too-large', 'File too large for tar', name);
  const isDir = name.endsWith('/');
  const out: Uint8Array<ArrayBuffer>[] = [];
  let split = splitUstar(name);
  if (!split) {
    const record = paxRecord('path', name);
    out.push(header('PaxHeaders/entry', '', record.length, 'x', 0o644), record, tarPadding(record.length));
    split = ['', name.slice(0, 100)];
  }
  out.push(header(split[1], split[0], size, isDir ? '5' : '0', isDir ? 0o755 : 0o644));
  return out;
}

/** The zero bytes that bring an entry of `size` bytes to a whole 512-byte block. */
export function tarPadding(size: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array((BLOCK - (size % BLOCK)) % BLOCK);
}

/** The two zero blocks that end every tar archive. */
export function tarEnd(): Uint8Array<ArrayBuffer> {
  return new Uint8Array(BLOCK * 2);
}

function padded(bytes: Uint8Array): Uint8Array[] {
  const rest = bytes.length % BLOCK;
  return rest === 0 ? [bytes] : [bytes, new Uint8Array(BLOCK - rest)];
}

/**
 * Builds a tar archive of the files, with their parent directories, sorted by path. The output depends only on
 * the paths and bytes given; duplicate paths are refused.
 */
export function writeTar(files: readonly TarInputFile[]): Uint8Array<ArrayBuffer> {
  const byPath = new Map<string, Uint8Array>();
  const dirs = new Set<string>();
  for (const f of files) {
    const path = normalizeArchivePath(f.path);
    if (!path) throw new ArtifactError('bad-input', 'Empty file path');
    if (byPath.has(path) || dirs.has(path)) throw new ArtifactError('bad-input', 'Duplicate file path', path);
    if (f.bytes.length > 0o77777777777) throw new ArtifactError('too-large', 'File too large for tar', path);
    byPath.set(path, f.bytes);
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  for (const d of dirs)
    if (byPath.has(d)) throw new ArtifactError('bad-input', 'A file and a folder share a path', d);
  const names = [...[...dirs].map((d) => `${d}/`), ...byPath.keys()].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  const parts: Uint8Array[] = [];
  for (const name of names) {
    const isDir = name.endsWith('/');
    const bytes = isDir ? new Uint8Array(0) : byPath.get(name)!;
    parts.push(...tarEntryHeader(name, bytes.length));
    if (bytes.length > 0) parts.push(...padded(bytes));
  }
  parts.push(tarEnd());
  return concat(...parts);
}
