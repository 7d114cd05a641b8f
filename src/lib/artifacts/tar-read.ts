/** A tar reader (ustar, pax, GNU long names, GNU and pax sparse files) over bytes in memory that checks every size. */
import { ArtifactError, throwIfAborted } from './errors';
import { nameHazards, type NameHazard } from './tar-names';

export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface TarEntry {
  /** The entry name exactly as stored (may be hostile: see `hazards`). */
  name: string;
  type: TarEntryType;
  /** The file's size: for a sparse file the real (expanded) size, not the bytes stored. */
  size: number;
  mode: number;
  /** Seconds since the epoch; a pax `mtime` keeps its fraction. */
  mtime: number;
  linkName: string;
  /** Byte offset of the entry's header within the tar data. */
  offset: number;
  /** The entry's content (a view into the tar bytes; empty for non-files). */
  data: Uint8Array;
  hazards: NameHazard[];
  /** For a sparse file: the bytes stored and whether `data` was expanded (not when over `maxSparseExpand`). */
  sparse?: { storedSize: number; expanded: boolean };
}

export interface TarReadOptions {
  /** Most entries read before refusing (default 100,000). */
  maxEntries?: number;
  /** Largest real size of a sparse file whose holes are filled in `data` (default 64 MiB). */
  maxSparseExpand?: number;
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

/** Parses pax records `"<len> key=value\n"` in order (sparse 0.0 repeats keys); a malformed record is an error. */
function parsePax(data: Uint8Array, where: string): [string, string][] {
  const out: [string, string][] = [];
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const len = space > at ? Number(decoder.decode(data.subarray(at, space))) : NaN;
    if (!Number.isSafeInteger(len) || len <= space - at || at + len > data.length)
      throw new ArtifactError('bad-tar', 'Malformed pax header record', where);
    const record = decoder.decode(data.subarray(space + 1, at + len - 1));
    const eq = record.indexOf('=');
    if (eq > 0) out.push([record.slice(0, eq), record.slice(eq + 1)]);
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
  D: 'directory', // GNU dump directory (tar -G): its data lists the directory's contents
  S: 'file', // GNU old sparse file
};

/** A sparse file's map: data segments at `offset` of `size` bytes, stored one after another. */
type SparseMap = { offset: number; size: number }[];

const bad = (message: string, where: string) => new ArtifactError('bad-tar', message, where);

/** GNU old sparse (type S): 4 map entries in the header, 21 more per extension block while the flag is set. */
function gnuSparse(
  tar: Uint8Array,
  header: Uint8Array,
  at: number,
  where: string,
): { map: SparseMap; next: number; realSize: number } {
  const map: SparseMap = [];
  const read = (block: Uint8Array, start: number, count: number) => {
    for (let i = 0; i < count; i++) {
      const offset = numeric(block, start + i * 24, 12);
      const size = numeric(block, start + i * 24 + 12, 12);
      if (block[start + i * 24] === 0) break;
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(size))
        throw bad('Unreadable sparse map', where);
      map.push({ offset, size });
    }
  };
  read(header, 386, 4);
  let extended = header[482] !== 0;
  let next = at + BLOCK;
  while (extended) {
    if (next + BLOCK > tar.length) throw new ArtifactError('truncated', 'The sparse map ends early', where);
    const block = tar.subarray(next, next + BLOCK);
    read(block, 0, 21);
    extended = block[504] !== 0;
    next += BLOCK;
    if (map.length > 1_000_000) throw bad('The sparse map is too long', where);
  }
  const realSize = numeric(header, 483, 12);
  if (!Number.isSafeInteger(realSize)) throw bad('Unreadable sparse size', where);
  return { map, next, realSize };
}

/** pax sparse 1.0: the map is text at the start of the data (`count\noffset\nsize\n…`), padded to a block. */
function pax10Map(data: Uint8Array, where: string): { map: SparseMap; skip: number } {
  const numbers: number[] = [];
  let at = 0;
  let count = -1;
  while (count < 0 || numbers.length < 2 * count) {
    const nl = data.indexOf(0x0a, at);
    if (nl < 0 || nl - at > 20) throw bad('Malformed pax sparse map', where);
    const n = Number(decoder.decode(data.subarray(at, nl)));
    if (!Number.isSafeInteger(n) || n < 0) throw bad('Malformed pax sparse map', where);
    if (count < 0) count = n;
    else numbers.push(n);
    at = nl + 1;
  }
  const map: SparseMap = [];
  for (let i = 0; i < numbers.length; i += 2) map.push({ offset: numbers[i], size: numbers[i + 1] });
  return { map, skip: Math.ceil(at / BLOCK) * BLOCK };
}

/** pax sparse 0.0 (repeated GNU.sparse.offset / numbytes) and 0.1 (GNU.sparse.map "off,size,…"). */
function pax0Map(records: [string, string][], where: string): SparseMap | null {
  const map: SparseMap = [];
  const list = records.find(([k]) => k === 'GNU.sparse.map');
  const num = (v: string) => {
    if (!/^\d+$/.test(v)) throw bad('Malformed pax sparse map', where);
    return Number(v);
  };
  if (list) {
    const parts = list[1] === '' ? [] : list[1].split(',').map(num);
    for (let i = 0; i + 1 < parts.length; i += 2) map.push({ offset: parts[i], size: parts[i + 1] });
    return map;
  }
  let offset: number | null = null;
  for (const [k, v] of records) {
    if (k === 'GNU.sparse.offset') offset = num(v);
    else if (k === 'GNU.sparse.numbytes' && offset !== null) {
      map.push({ offset, size: num(v) });
      offset = null;
    }
  }
  return records.some(([k]) => k === 'GNU.sparse.numblocks') ? map : null;
}

/** Fills the holes: the stored segments placed at their offsets in a zeroed buffer of the real size. */
function expand(stored: Uint8Array, map: SparseMap, realSize: number, where: string): Uint8Array {
  const out = new Uint8Array(realSize);
  let at = 0;
  for (const { offset, size } of map) {
    if (offset + size > realSize || at + size > stored.length)
      throw bad('The sparse map points outside the file', where);
    out.set(stored.subarray(at, at + size), offset);
    at += size;
  }
  return out;
}

/**
 * Lists every entry of a tar archive. Sizes are checked against the bytes present (`truncated`), headers by
 * checksum (`bad-tar`); each loop step consumes at least one block, so it always ends.
 */
export function readTar(tar: Uint8Array, options: TarReadOptions = {}): TarEntry[] {
  const maxEntries = options.maxEntries ?? 100_000;
  const entries: TarEntry[] = [];
  let longName: string | null = null;
  let longLink: string | null = null;
  let paxRecords: [string, string][] = [];
  let pax = new Map<string, string>();
  const maxExpand = options.maxSparseExpand ?? 64 * 1024 * 1024;
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
      paxRecords = parsePax(data, where);
      pax = new Map(paxRecords);
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
    // Only POSIX ustar ("ustar\0" "00") has a name prefix at 345; GNU headers ("ustar  \0") keep atime and ctime
    // there (and the old sparse map after them), which must never become part of the name.
    const posix = field(header, 257, 6) === 'ustar' && header[262] === 0;
    const prefix = posix ? field(header, 345, 155) : '';
    const short = field(header, 0, 100);
    let name =
      pax.get('GNU.sparse.name') ?? pax.get('path') ?? longName ?? (prefix ? `${prefix}/${short}` : short);
    const linkName = pax.get('linkpath') ?? longLink ?? field(header, 157, 100);
    const type = TYPES[flag] ?? 'other';
    let realSize = size;
    let content = data;
    let sparse: TarEntry['sparse'];
    let map: SparseMap | null = null;
    if (flag === 'S') {
      const gnu = gnuSparse(tar, header, dataStart - BLOCK, where);
      map = gnu.map;
      realSize = gnu.realSize;
      // The stored data follows the extension blocks.
      const start = gnu.next;
      if (size > tar.length - start)
        throw new ArtifactError(
          'truncated',
          `Entry declares ${size} bytes but only ${tar.length - start} remain`,
          where,
        );
      content = tar.subarray(start, start + size);
      at = start + Math.ceil(size / BLOCK) * BLOCK;
    } else if (pax.get('GNU.sparse.major') === '1' && pax.get('GNU.sparse.minor') === '0') {
      const m10 = pax10Map(data, where);
      map = m10.map;
      content = data.subarray(m10.skip);
      realSize = Number(pax.get('GNU.sparse.realsize'));
    } else if (pax.has('GNU.sparse.size') || pax.has('GNU.sparse.realsize')) {
      map = pax0Map(paxRecords, where);
      realSize = Number(pax.get('GNU.sparse.size') ?? pax.get('GNU.sparse.realsize'));
      // 0.0 and 0.1 keep the real name in the header; a GNUSparseFile.<pid> directory is only 1.0's.
    }
    if (map) {
      if (!Number.isSafeInteger(realSize) || realSize < 0) throw bad('Unreadable sparse size', where);
      const expanded = realSize <= maxExpand;
      sparse = { storedSize: content.length, expanded };
      content = expanded ? expand(content, map, realSize, where) : new Uint8Array(0);
    }
    const paxTime = pax.get('mtime');
    const mtime =
      paxTime !== undefined && /^-?\d+(\.\d+)?$/.test(paxTime)
        ? Number(paxTime)
        : numeric(header, 136, 12) || 0;
    if (name === '' && short !== '') name = short;
    const entry: TarEntry = {
      name,
      type: type === 'file' && name.endsWith('/') ? 'directory' : type,
      size: type === 'file' ? realSize : size,
      mode: numeric(header, 100, 8) || 0,
      mtime,
      linkName,
      offset: dataStart - BLOCK,
      data: type === 'file' ? content : new Uint8Array(0),
      hazards: nameHazards(name),
    };
    if (sparse) entry.sparse = sparse;
    entries.push(entry);
    longName = null;
    longLink = null;
    pax = new Map();
    paxRecords = [];
  }
  if (!ended && at < tar.length)
    throw new ArtifactError('truncated', 'The tar data ends inside a header', `tar offset ${at}`);
  return entries;
}
