// readTar against archives GNU tar makes here, in every format it writes: the listing must match `tar -tv`
// (type, mode, size, mtime to the minute, name and link target), and file contents must match the files.
// Oracle: GNU tar itself (Debian `tar`), run on a tree made by the test; sparse files via `-S` and pax
// `--sparse-version`, GNU incremental dumps via `-G` / `--listed-incremental`.
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  linkSync,
  writeFileSync,
  openSync,
  writeSync,
  closeSync,
  ftruncateSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTar, type TarEntry } from '../../src/lib/artifacts';

const hasTar = (() => {
  try {
    return /GNU tar/.test(execFileSync('tar', ['--version']).toString());
  } catch {
    return false;
  }
})();

let root = '';
let src = '';
const longDir = `${'d'.repeat(120)}/${'e'.repeat(120)}`;
const longName = `${longDir}/${'f'.repeat(90)}.txt`;
const SPARSE_SIZE = 3 * 1024 * 1024;

beforeAll(() => {
  if (!hasTar) return;
  root = mkdtempSync(join(tmpdir(), 'wasmlens-gnutar-'));
  src = join(root, 'src');
  mkdirSync(join(src, 'dir'), { recursive: true });
  mkdirSync(join(src, longDir), { recursive: true });
  writeFileSync(join(src, 'a.txt'), 'hello\n');
  writeFileSync(join(src, 'dir', 'b.yaml'), 'kind: ConfigMap\n'.repeat(100));
  writeFileSync(join(src, longName), 'long\n');
  symlinkSync('a.txt', join(src, 'link'));
  linkSync(join(src, 'a.txt'), join(src, 'hard'));
  // A sparse file: 3 MiB with two data islands.
  const fd = openSync(join(src, 'sparse.bin'), 'w');
  ftruncateSync(fd, SPARSE_SIZE);
  writeSync(fd, Buffer.alloc(5000, 0x61), 0, 5000, 700_000);
  writeSync(fd, Buffer.alloc(100, 0x62), 0, 100, 2_000_000);
  closeSync(fd);
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

function tar(args: string[]): Buffer {
  return execFileSync('tar', args, {
    cwd: root,
    env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' },
    maxBuffer: 1 << 28,
  });
}

const TYPE_CHAR: Record<string, string> = { file: '-', directory: 'd', symlink: 'l', hardlink: 'h' };

function modeString(e: TarEntry): string {
  const m = e.mode;
  const bits = 'rwxrwxrwx'.split('').map((c, i) => (m & (1 << (8 - i)) ? c : '-'));
  return (TYPE_CHAR[e.type] ?? '?') + bits.join('');
}

const minute = (seconds: number) =>
  new Date(Math.floor(seconds) * 1000).toISOString().slice(0, 16).replace('T', ' ');

/** Our listing in `tar -tv`'s fields (without the owner column). */
function ours(entries: TarEntry[]): string[] {
  return entries.map((e) => {
    const size = e.type === 'file' || e.type === 'directory' ? e.size : 0;
    const tail =
      e.type === 'symlink' ? ` -> ${e.linkName}` : e.type === 'hardlink' ? ` link to ${e.linkName}` : '';
    return `${modeString(e)} ${size} ${minute(e.mtime)} ${e.name}${tail}`;
  });
}

/** GNU tar's `tar -tv` listing, reduced to the same fields. */
function theirs(archive: string, extra: string[] = []): string[] {
  return tar(['-tv', ...extra, '-f', archive])
    .toString()
    .trimEnd()
    .split('\n')
    .map((line) => {
      const m = /^(\S{10}) \S+ +(\d+) (\d{4}-\d\d-\d\d \d\d:\d\d) (.*)$/.exec(line);
      if (!m) throw new Error(`unexpected tar -tv line: ${line}`);
      return `${m[1]} ${m[2]} ${m[3]} ${m[4]}`;
    });
}

const FORMATS: [string, string[]][] = [
  ['gnu', ['--format=gnu']],
  ['oldgnu', ['--format=oldgnu']],
  ['pax', ['--format=pax']],
  ['gnu sparse (-S)', ['--format=gnu', '-S']],
  ['oldgnu sparse (-S)', ['--format=oldgnu', '-S']],
  ['pax sparse 0.0', ['--format=pax', '-S', '--sparse-version=0.0']],
  ['pax sparse 0.1', ['--format=pax', '-S', '--sparse-version=0.1']],
  ['pax sparse 1.0', ['--format=pax', '-S', '--sparse-version=1.0']],
];

describe.skipIf(!hasTar)('archives made by GNU tar', () => {
  it.each(FORMATS)('%s: same listing as tar -tv, same file contents', (_, flags) => {
    const archive = `a-${flags.join('').replace(/\W/g, '')}.tar`;
    tar(['-c', ...flags, '-f', archive, '-C', 'src', '.']);
    const entries = readTar(readFileSync(join(root, archive)));
    expect(ours(entries)).toEqual(theirs(archive));
    const byName = new Map(entries.map((e) => [e.name, e]));
    // One of the two hard-linked names carries the data, the other is a link to it.
    const stored = ['./a.txt', './hard'].map((n) => byName.get(n)!).find((e) => e.type === 'file')!;
    expect(Buffer.from(stored.data).toString()).toBe('hello\n');
    expect(Buffer.from(byName.get(`./${longName}`)!.data).toString()).toBe('long\n');
    const sparse = byName.get('./sparse.bin')!;
    expect(sparse.size).toBe(SPARSE_SIZE);
    expect(Buffer.from(sparse.data).equals(readFileSync(join(src, 'sparse.bin')))).toBe(true);
    if (flags.includes('-S')) expect(sparse.sparse?.storedSize).toBeLessThan(SPARSE_SIZE);
    // No header field leaks into a name (a GNU header's atime/ctime at byte 345 is not a ustar prefix).
    for (const e of entries) expect(e.name.startsWith('./'), e.name).toBe(true);
  });

  it('ustar: names split into prefix and name, as tar -tv shows them', () => {
    mkdirSync(join(root, 'short/' + 'p'.repeat(90)), { recursive: true });
    writeFileSync(join(root, 'short/' + 'p'.repeat(90) + '/' + 'n'.repeat(90)), 'x');
    tar(['-c', '--format=ustar', '-f', 'u.tar', '-C', 'short', '.']);
    const entries = readTar(readFileSync(join(root, 'u.tar')));
    expect(ours(entries)).toEqual(theirs('u.tar'));
  });

  it('GNU incremental (-G): dump-directory entries are directories, names are clean', () => {
    tar(['-c', '--format=gnu', '--listed-incremental=snap', '-f', 'inc.tar', '-C', 'src', '.']);
    const entries = readTar(readFileSync(join(root, 'inc.tar')));
    expect(ours(entries)).toEqual(theirs('inc.tar', ['--incremental']));
    const dirs = entries.filter((e) => e.type === 'directory').map((e) => e.name);
    expect(dirs).toContain('./dir/');
    expect(entries.some((e) => /^\d+\//.test(e.name))).toBe(false);
  });

  it('keeps a pax mtime with its fraction', () => {
    tar(['-c', '--format=pax', '--mtime=2021-03-04 05:06:07.25', '-f', 'm.tar', '-C', 'src', 'a.txt']);
    const [entry] = readTar(readFileSync(join(root, 'm.tar')));
    expect(entry.mtime).toBe(Date.UTC(2021, 2, 4, 5, 6, 7, 250) / 1000);
  });
});
