// The tar reader and writer, gzip limits and the deterministic gzip writer, checked against GNU tar and zlib.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip, gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { concat } from '../../src/lib/common';
import {
  ArtifactError,
  displayName,
  gunzip,
  gzipDeterministic,
  readTar,
  safeDownloadName,
  writeTar,
} from '../../src/lib/artifacts';

const enc = new TextEncoder();
const tmp = mkdtempSync(join(tmpdir(), 'wasmlens-tar-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A raw ustar header with any name (including hostile ones), for archives no honest writer makes. */
function rawEntry(name: string, data: Uint8Array, type = '0', size = data.length): Uint8Array {
  const h = new Uint8Array(512);
  h.set(enc.encode(name).subarray(0, 100), 0);
  h.set(enc.encode('0000644\0'), 100);
  h.set(enc.encode(`${size.toString(8).padStart(11, '0')}\0`), 124);
  h.set(enc.encode('00000000000\0'), 136);
  h.fill(0x20, 148, 156);
  h[156] = type.charCodeAt(0);
  h.set(enc.encode('ustar\x0000'), 257);
  const sum = h.reduce((a, b) => a + b, 0);
  h.set(enc.encode(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
  const padded = new Uint8Array(Math.ceil(data.length / 512) * 512);
  padded.set(data);
  const out = new Uint8Array(512 + padded.length);
  out.set(h);
  out.set(padded, 512);
  return out;
}

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return e instanceof ArtifactError ? e.code : `not an ArtifactError: ${String(e)}`;
  }
  return 'no error';
}

async function asyncCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return e instanceof ArtifactError ? e.code : `not an ArtifactError: ${String(e)}`;
  }
  return 'no error';
}

const LONG = `${'deep/'.repeat(30)}file-with-a-long-name.yaml`;

describe('readTar', () => {
  it.each(['gnu', 'pax', 'ustar'])(
    'reads what GNU tar writes in %s format, long names included',
    (format) => {
      const src = join(tmp, `src-${format}`);
      const long = format === 'ustar' ? 'a/b.txt' : LONG;
      mkdirSync(join(src, long, '..'), { recursive: true });
      writeFileSync(join(src, long), 'long\n');
      writeFileSync(join(src, 'top.yaml'), 'kind: A\n');
      const out = join(tmp, `${format}.tar`);
      execFileSync('tar', [`--format=${format}`, '-cf', out, '-C', src, '.']);
      const entries = readTar(new Uint8Array(readFileSync(out)));
      const files = entries.filter((e) => e.type === 'file');
      expect(files.map((e) => e.name).sort()).toEqual([`./${long}`, './top.yaml'].sort());
      expect(new TextDecoder().decode(files.find((e) => e.name === './top.yaml')!.data)).toBe('kind: A\n');
      expect(entries.every((e) => e.hazards.length === 0)).toBe(true);
    },
  );

  it('flags traversal, absolute and control-character names without using them', () => {
    const tar = concat(
      rawEntry('../../etc/passwd', enc.encode('x')),
      rawEntry('/etc/shadow', enc.encode('y')),
      rawEntry('ok/\x1b[31mred\u202etxt.exe', enc.encode('z')),
      rawEntry('fine.txt', enc.encode('w')),
      new Uint8Array(1024),
    );
    const entries = readTar(tar);
    expect(entries.map((e) => e.hazards)).toEqual([['parent'], ['absolute'], ['control'], []]);
    expect(displayName(entries[2]!.name)).toBe('ok/\\u{1b}[31mred\\u{202e}txt.exe');
    expect(safeDownloadName(entries[0]!.name)).toBe('passwd');
    expect(safeDownloadName(entries[2]!.name)).toBe('_[31mred_txt.exe');
    expect(safeDownloadName('..')).toBe('file');
  });

  it('refuses truncated data, bad checksums and unreadable sizes', () => {
    const good = rawEntry('a.txt', new Uint8Array(1000).fill(65));
    expect(codeOf(() => readTar(good.subarray(0, 700)))).toBe('truncated');
    expect(codeOf(() => readTar(good.subarray(0, 300)))).toBe('truncated');
    // A header that declares 8 GiB over a few bytes: refused without allocating.
    expect(codeOf(() => readTar(rawEntry('big', new Uint8Array(10), '0', 0o77777777777)))).toBe('truncated');
    const bad = good.slice();
    bad[0] = 66;
    expect(codeOf(() => readTar(bad))).toBe('bad-tar');
    const badSize = rawEntry('s', new Uint8Array(0));
    badSize.set(enc.encode('9'), 124);
    expect(codeOf(() => readTar(badSize))).toBe('bad-tar');
    expect(readTar(new Uint8Array(0))).toEqual([]);
  });

  it('never throws anything but ArtifactError, and always ends, on random bytes', () => {
    const base = writeTar([{ path: 'x/y.txt', bytes: enc.encode('hello') }]);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        (edits) => {
          const t = base.slice();
          for (const [at, v] of edits) t[at] = v;
          try {
            readTar(t);
          } catch (e) {
            expect(e).toBeInstanceOf(ArtifactError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('writeTar', () => {
  it('writes sorted entries with parent folders that GNU tar lists and extracts', () => {
    const tar = writeTar([
      { path: 'z.txt', bytes: enc.encode('z') },
      { path: './apps/podinfo/release.yaml', bytes: enc.encode('kind: HelmRelease\n') },
      { path: LONG, bytes: enc.encode('long') },
    ]);
    const file = join(tmp, 'ours.tar');
    writeFileSync(file, tar);
    const listing = execFileSync('tar', ['-tvf', file], { encoding: 'utf8' }).trim().split('\n');
    const names = listing.map((l) => l.split(/\s+/).slice(5).join(' '));
    expect(names).toEqual([...names].sort());
    expect(names).toContain('apps/podinfo/release.yaml');
    expect(names).toContain(LONG);
    expect(names).toContain('apps/');
    expect(listing.every((l) => /^[-d]rw.r..r.. 0\/0 .* 1970-01-01 00:00 /.test(l))).toBe(true);
    const back = readTar(tar).filter((e) => e.type === 'file');
    expect(back.map((e) => e.name)).toEqual(['apps/podinfo/release.yaml', LONG, 'z.txt']);
  });

  it('refuses unsafe and duplicate paths', () => {
    const b = enc.encode('x');
    expect(codeOf(() => writeTar([{ path: '../x', bytes: b }]))).toBe('bad-input');
    expect(codeOf(() => writeTar([{ path: '/etc/x', bytes: b }]))).toBe('bad-input');
    expect(codeOf(() => writeTar([{ path: 'a\nb', bytes: b }]))).toBe('bad-input');
    expect(
      codeOf(() =>
        writeTar([
          { path: 'a', bytes: b },
          { path: './a', bytes: b },
        ]),
      ),
    ).toBe('bad-input');
    expect(
      codeOf(() =>
        writeTar([
          { path: 'a', bytes: b },
          { path: 'a/b', bytes: b },
        ]),
      ),
    ).toBe('bad-input');
  });
});

describe('gunzip', () => {
  it('decompresses what zlib compresses', async () => {
    const data = enc.encode('policy: yes\n'.repeat(5000));
    expect(await gunzip(gzipSync(data))).toEqual(data);
  });

  it('refuses a gzip bomb by ratio and by total size', async () => {
    const bomb = gzipSync(new Uint8Array(64 * 1024 * 1024), { level: 9 });
    expect(bomb.length).toBeLessThan(100_000);
    // No ratio limit by default (64 MiB is under the 128 MiB output bound); a ratio limit still works when asked for.
    expect((await gunzip(bomb)).length).toBe(64 * 1024 * 1024);
    expect(await asyncCode(gunzip(bomb, { maxRatio: 200 }))).toBe('ratio');
    expect(await asyncCode(gunzip(bomb, { maxRatio: 1e9, maxOutput: 8 * 1024 * 1024 }))).toBe('too-large');
  });

  it('accepts real archives that compress 270× (issue 12) and stops 1 GiB of zeros at the output bound', async () => {
    // A layer as compressible as the two refused .tar.gz files: about 270 output bytes per input byte.
    const text = enc.encode('apiVersion: v1\nkind: ConfigMap\n'.repeat(400_000));
    const layer = gzipSync(text, { level: 9 });
    expect(text.length / layer.length).toBeGreaterThan(200);
    expect((await gunzip(layer)).length).toBe(text.length);

    // 1 GiB of zeros, compressed as a stream (about 1 MB), is refused once 128 MiB have come out.
    const gz = createGzip({ level: 9 });
    const parts: Buffer[] = [];
    gz.on('data', (b: Buffer) => parts.push(b));
    const zeros = Buffer.alloc(1 << 20);
    for (let i = 0; i < 1024; i++) if (!gz.write(zeros)) await new Promise((r) => gz.once('drain', r));
    await new Promise((r) => gz.end(r));
    const bomb = new Uint8Array(Buffer.concat(parts));
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    const start = performance.now();
    expect(await asyncCode(gunzip(bomb))).toBe('too-large');
    // Stopping needs at most the 128 MiB bound of work, not the whole GiB.
    expect(performance.now() - start).toBeLessThan(20_000);
  }, 60_000);

  it('reports truncated and corrupt data and non-gzip input', async () => {
    const gz = gzipSync(enc.encode('hello world\n'.repeat(100)));
    expect(await asyncCode(gunzip(gz.subarray(0, gz.length - 6)))).toBe('truncated');
    expect(await asyncCode(gunzip(enc.encode('plain text')))).toBe('bad-gzip');
    const corrupt = gz.slice();
    corrupt.fill(0xff, 12, 30);
    expect(await asyncCode(gunzip(corrupt))).toMatch(/bad-gzip|truncated/);
  });

  it('stops when aborted', async () => {
    const c = new AbortController();
    c.abort();
    expect(await asyncCode(gunzip(gzipSync(enc.encode('x')), { signal: c.signal }))).toBe('aborted');
  });
});

describe('gzipDeterministic', () => {
  it('round-trips through zlib and DecompressionStream for any input', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 5000 }),
          fc
            .array(fc.constantFrom('a', 'b', 'kind: ', '\n', 'xyz'), { maxLength: 3000 })
            .map((a) => enc.encode(a.join(''))),
        ),
        async (data) => {
          const gz = gzipDeterministic(data);
          expect(new Uint8Array(gunzipSync(gz))).toEqual(data);
          expect(await gunzip(gz, { maxRatio: 1e6 })).toEqual(data);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('has a fixed header, is stable, and compresses repetitive text', () => {
    const data = enc.encode('apiVersion: v1\nkind: ConfigMap\n'.repeat(2000));
    const a = gzipDeterministic(data);
    expect([...a.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
    expect(gzipDeterministic(data)).toEqual(a);
    expect(a.length).toBeLessThan(data.length / 20);
    const big = new Uint8Array(300_000).map((_, i) => (i * 7919) % 251);
    expect(new Uint8Array(gunzipSync(gzipDeterministic(big)))).toEqual(big);
  });
});
