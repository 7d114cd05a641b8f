/** A tar reader (ustar, pax and GNU long names) over bytes in memory that checks every size before use. */
import { ArtifactError, throwIfAborted } from './errors';
import { nameHazards, type NameHazard } from './tar-names';

export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface TarEntry {
  /** The entry name exactly as stored (may be hostile: see `hazards`). */
  name: string;
  type: TarEntryType;
  size: number;
  mode: number;
  mtime: number;
  linkName: string;
  /** Byte offset of the entry's header within the tar data. */
  offset: number;
  /** The entry's content (a view into the tar bytes; empty for non-files). */
  data: Uint8Array;
  hazards: NameHazard[];
}

export interface TarReadOptions {
  /** Most entries read before refusing (default 100,000). */
  maxEntries?: number;
  signal?: AbortSignal;
}

const BLOCK = 512;
const decoder = new TextDecoder('utf-8');

function field(block: Uint8Array, start: number, length: number): string {
  const bytes = block.subarray(start, start + length);
  const nul = bytes.indexOf(0);
  return decoder.decode(nul >= 0 ? bytes.subarray(0, nul) : bytes);
}

/** Reads an octal numeric field, or GNU base-256 when the high bit is set; NaN when malformed. */
function numeric(block: Uint8Array, start: number, length: number): number {
  const b = block.subarray(start, start + length);
  if (b[0]! & 0x80) {
    let v = b[0]! & 0x7f;
    for (let i = 1; i < b.length; i++) {
      v = v * 256 + b[i]!;
      if (v > Number.MAX_SAFE_INTEGER) return NaN;
    }
    return v;
  }
  const text = field(block, start, length).trim();
  if (text === '') return 0;
  return /^[0-7]+$/.test(text) ? parseInt(text, 8) : NaN;
}

function checksumOk(block: Uint8Array): boolean {
  const stored = numeric(block, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : block[i]!;
  return stored === sum;
}

/** Parses pax records `"<len> key=value\n"`; a malformed record is an error, not a guess. */
function parsePax(data: Uint8Array, where: string): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const len = space > at ? Number(decoder.decode(data.subarray(at, space))) : NaN;
    if (!Number.isSafeInteger(len) || len <= space - at || at + len > data.length)
      throw new ArtifactError('bad-tar', 'Malformed pax header record', where);
    const record = decoder.decode(data.subarray(space + 1, at + len - 1));
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    at += len;
  }
  return out;
}

const TYPES: Record<string, TarEntryType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '5': 'directory',
  '2': 'symlink',
  '1': 'hardlink',
};

/**
 * Lists every entry of a tar archive. Sizes are checked against the bytes present (`truncated`), headers by
 * checksum (`bad-tar`); each loop step consumes at least one block, so it always ends.
 */
export function readTar(tar: Uint8Array, options: TarReadOptions = {}): TarEntry[] {
  const maxEntries = options.maxEntries ?? 100_000;
  const entries: TarEntry[] = [];
  let longName: string | null = null;
  let longLink: string | null = null;
  let pax = new Map<string, string>();
  let at = 0;
  let ended = false;
  while (at + BLOCK <= tar.length) {
    throwIfAborted(options.signal);
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) {
      ended = true; // end-of-archive marker
      break;
    }
    const where = `tar offset ${at}`;
    if (!checksumOk(header)) throw new ArtifactError('bad-tar', 'Tar header checksum mismatch', where);
    const paxSize = pax.get('size');
    const size = paxSize !== undefined && /^\d+$/.test(paxSize) ? Number(paxSize) : numeric(header, 124, 12);
    if (!Number.isSafeInteger(size) || size < 0)
      throw new ArtifactError('bad-tar', 'Unreadable entry size', where);
    const dataStart = at + BLOCK;
    if (size > tar.length - dataStart)
      throw new ArtifactError(
        'truncated',
        `Entry declares ${size} bytes but only ${tar.length - dataStart} remain`,
        where,
      );
    const data = tar.subarray(dataStart, dataStart + size);
    const next = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    const flag = String.fromCharCode(header[156]!);
    at = next;
    if (flag === 'x') {
      pax = parsePax(data, where);
      continue;
    }
    if (flag === 'g') continue; // global pax defaults carry nothing Wasmlens shows
    if (flag === 'L' || flag === 'K') {
      const text = field(data, 0, data.length);
      if (flag === 'L') longName = text;
      else longLink = text;
      continue;
    }
    if (entries.length >= maxEntries)
      throw new ArtifactError('too-large', `The archive has more than ${maxEntries} entries`, where);
    const magic = field(header, 257, 6);
    const prefix = magic.startsWith('ustar') ? field(header, 345, 155) : '';
    const short = field(header, 0, 100);
    const name = pax.get('path') ?? longName ?? (prefix ? `${prefix}/${short}` : short);
    const linkName = pax.get('linkpath') ?? longLink ?? field(header, 157, 100);
    const type = TYPES[flag] ?? 'other';
    entries.push({
      name,
      type: type === 'file' && name.endsWith('/') ? 'directory' : type,
      size,
      mode: numeric(header, 100, 8) || 0,
      mtime: numeric(header, 136, 12) || 0,
      linkName,
      offset: dataStart - BLOCK,
      data: type === 'file' ? data : new Uint8Array(0),
      hazards: nameHazards(name),
    });
    longName = null;
    longLink = null;
    pax = new Map();
  }
  if (!ended && at < tar.length)
    throw new ArtifactError('truncated', 'The tar data ends inside a header', `tar offset ${at}`);
  return entries;
}
