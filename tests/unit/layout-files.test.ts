// The OCI image layout library on its own: layouts written here read by GNU tar and skopeo, layouts written by GNU
// tar and skopeo read here, and every kind of damage (changed bytes, missing blobs, index.json pointing nowhere,
// `../` names, links) refused with its own code. GNU tar (`tar -tvf`, `tar -xf`) and skopeo 1.9 are the oracles
// for the format (image-spec image-layout.md); sha256sum's answer is computed with node:crypto.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ArtifactError } from '../../src/lib/artifacts';
import { MT } from '../../src/lib/common';
import {
  LayoutTarBuilder,
  REF_NAME,
  filesFromTar,
  openLayout,
  readRefName,
  type LayoutFile,
} from '../../src/lib/layout';
import type { FetchedManifest } from '../../src/lib/oci';

const tmp = mkdtempSync(join(tmpdir(), 'wasmlens-layout-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const enc = (s: string) => new TextEncoder().encode(s) as Uint8Array<ArrayBuffer>;
const sha = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
let n = 0;
const fresh = () => join(tmp, `case-${n++}`);

/** A manifest as a reader would give it. */
function fetched(value: unknown, mediaType: string = MT.ociManifest): FetchedManifest {
  const bytes = enc(JSON.stringify(value));
  return { bytes, manifest: JSON.parse(JSON.stringify(value)), mediaType, digest: sha(bytes) };
}

/** A small policy-like artifact and a two-child index, as blobs and manifests. */
function sample() {
  const wasm = enc('\0asm\x01\0\0\0 layout test');
  const config = enc('{}');
  const policy = fetched({
    schemaVersion: 2,
    mediaType: MT.ociManifest,
    config: { mediaType: MT.kubewardenConfig, digest: sha(config), size: 2 },
    layers: [{ mediaType: MT.kubewardenLayer, digest: sha(wasm), size: wasm.length }],
  });
  const other = enc('second child');
  const child2 = fetched({
    schemaVersion: 2,
    mediaType: MT.ociManifest,
    config: { mediaType: MT.empty, digest: sha(config), size: 2 },
    layers: [{ mediaType: 'application/octet-stream', digest: sha(other), size: other.length }],
  });
  const index = fetched(
    {
      schemaVersion: 2,
      mediaType: MT.ociIndex,
      manifests: [
        { mediaType: MT.ociManifest, digest: policy.digest, size: policy.bytes.length },
        { mediaType: MT.ociManifest, digest: child2.digest, size: child2.bytes.length },
      ],
    },
    MT.ociIndex,
  );
  return { wasm, config, other, policy, child2, index };
}

async function tarBytes(build: (b: LayoutTarBuilder) => void): Promise<Uint8Array<ArrayBuffer>> {
  const b = new LayoutTarBuilder();
  build(b);
  const tar = b.finish();
  const bytes = new Uint8Array(await new Blob(tar.parts).arrayBuffer());
  expect(bytes.length).toBe(tar.size);
  return bytes;
}

function sampleTar() {
  const s = sample();
  return tarBytes((b) => {
    b.addBlob({ digest: sha(s.wasm), size: s.wasm.length }, new Blob([s.wasm]));
    b.addBlob({ digest: sha(s.config), size: 2 }, s.config);
    b.addBlob({ digest: sha(s.other), size: s.other.length }, s.other);
    for (const m of [s.policy, s.child2, s.index]) b.addManifest(m);
    b.name(s.policy, '127.0.0.1:5000/policies/safe-labels:v1');
    b.name(s.index, '127.0.0.1:5000/policies/multi:v2');
  });
}

const open = async (bytes: Uint8Array, name = 'test.tar') => openLayout(name, filesFromTar(bytes));

/** The files of a folder as a folder drop gives them: paths below the folder's own name, read on demand. */
function folderFiles(dir: string, top = 'dropped'): LayoutFile[] {
  const out: LayoutFile[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path);
      else
        out.push({
          path: `${top}/${path}`,
          size: readFileSync(join(dir, path)).length,
          read: async () => new Uint8Array(readFileSync(join(dir, path))),
        });
    }
  };
  walk('');
  return out;
}

/** A layout folder of the sample, for GNU tar to pack and for damage to be done to. */
async function sampleFolder(): Promise<string> {
  const dir = fresh();
  mkdirSync(dir, { recursive: true });
  const tar = join(dir, '..', `${n}.tar`);
  writeFileSync(tar, await sampleTar());
  execFileSync('tar', ['-xf', tar, '-C', dir]);
  return dir;
}

async function expectCode(p: Promise<unknown>, code: string): Promise<ArtifactError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e, `expected ArtifactError ${code}`).toBeInstanceOf(ArtifactError);
  expect((e as ArtifactError).code).toBe(code);
  return e as ArtifactError;
}

describe('writing a layout tar', () => {
  it('GNU tar lists the directories, blobs, index.json and oci-layout in sorted order, with zero times', async () => {
    const s = sample();
    const path = join(tmp, 'written.tar');
    writeFileSync(path, await sampleTar());
    const listing = execFileSync('tar', ['-tvf', path], { encoding: 'utf8' }).trim().split('\n');
    const names = listing.map((l) => l.split(/\s+/).pop());
    const blobs = [s.wasm, s.config, s.other, s.policy.bytes, s.child2.bytes, s.index.bytes]
      .map((b) => `blobs/sha256/${sha(b).slice(7)}`)
      .sort();
    expect(names).toEqual(['blobs/', 'blobs/sha256/', ...blobs, 'index.json', 'oci-layout']);
    // GNU tar prints mtime 0 as 1970-01-01 and the owner as 0/0.
    for (const line of listing) expect(line).toMatch(/ 0\/0 .* 1970-01-01 00:00 /);
  });

  it('GNU tar extracts every blob under the name of its own sha256', async () => {
    const dir = await sampleFolder();
    for (const hex of readdirSync(join(dir, 'blobs/sha256')))
      expect(sha(readFileSync(join(dir, 'blobs/sha256', hex)))).toBe(`sha256:${hex}`);
    expect(JSON.parse(readFileSync(join(dir, 'oci-layout'), 'utf8'))).toEqual({
      imageLayoutVersion: '1.0.0',
    });
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
    expect(
      index.manifests.map((m: { annotations: Record<string, string> }) => m.annotations[REF_NAME]),
    ).toEqual(['127.0.0.1:5000/policies/safe-labels:v1', '127.0.0.1:5000/policies/multi:v2']);
  });

  it('skopeo reads each named manifest, byte for byte, and copies the index with every child', async () => {
    const s = sample();
    const path = join(tmp, 'for-skopeo.tar');
    writeFileSync(path, await sampleTar());
    for (const [ref, m] of [
      ['127.0.0.1:5000/policies/safe-labels:v1', s.policy],
      ['127.0.0.1:5000/policies/multi:v2', s.index],
    ] as const) {
      const raw = execFileSync('skopeo', ['inspect', '--raw', `oci-archive:${path}:${ref}`]);
      expect(sha(raw)).toBe(m.digest);
    }
    const out = fresh();
    execFileSync(
      'skopeo',
      ['copy', '--all', `oci-archive:${path}:127.0.0.1:5000/policies/multi:v2`, `oci:${out}:copied`],
      {
        stdio: 'pipe',
      },
    );
    for (const b of [s.policy.bytes, s.child2.bytes, s.wasm, s.other])
      expect(readFileSync(join(out, 'blobs/sha256', sha(b).slice(7)))).toEqual(Buffer.from(b));
  });

  it('writes the same bytes for the same content, whatever order it was added in', async () => {
    const s = sample();
    const a = await sampleTar();
    const b = await tarBytes((x) => {
      for (const m of [s.index, s.child2, s.policy]) x.addManifest(m);
      x.addBlob({ digest: sha(s.other), size: s.other.length }, s.other);
      x.addBlob({ digest: sha(s.config), size: 2 }, s.config);
      x.addBlob({ digest: sha(s.wasm), size: s.wasm.length }, s.wasm);
      x.name(s.policy, '127.0.0.1:5000/policies/safe-labels:v1');
      x.name(s.index, '127.0.0.1:5000/policies/multi:v2');
    });
    expect(sha(b)).toBe(sha(a));
  });

  it('refuses a blob whose size differs from its descriptor, and a ref name outside the image-spec grammar', () => {
    const b = new LayoutTarBuilder();
    expect(() => b.addBlob({ digest: sha(enc('x')), size: 2 }, enc('x'))).toThrow(ArtifactError);
    expect(() => b.name(sample().policy, 'has space')).toThrow(/not a valid layout ref name/);
  });
});

describe('reading a layout', () => {
  it('opens what it wrote: entries in index.json order, roles, every manifest and blob', async () => {
    const s = sample();
    const layout = await open(await sampleTar());
    expect(layout.entries.map((e) => [e.refName, e.role, e.manifest.digest])).toEqual([
      ['127.0.0.1:5000/policies/safe-labels:v1', 'reference', s.policy.digest],
      ['127.0.0.1:5000/policies/multi:v2', 'reference', s.index.digest],
    ]);
    expect(layout.entries[0]!.ref).toEqual({
      registry: '127.0.0.1:5000',
      repository: 'policies/safe-labels',
      tag: 'v1',
      digest: null,
    });
    expect([...layout.manifests.keys()].sort()).toEqual(
      [s.policy.digest, s.child2.digest, s.index.digest].sort(),
    );
    expect(layout.blobs.size).toBe(6);
    expect(await layout.blobs.get(sha(s.wasm))!.read()).toEqual(s.wasm);
  });

  it('opens a layout skopeo wrote (oci-archive:), with an index and no mediaType in index.json', async () => {
    const dir = await sampleFolder();
    const out = join(tmp, 'by-skopeo.tar');
    execFileSync(
      'skopeo',
      ['copy', '--all', `oci:${dir}:127.0.0.1:5000/policies/multi:v2`, `oci-archive:${out}:multi`],
      {
        stdio: 'pipe',
      },
    );
    const index = JSON.parse(execFileSync('tar', ['-xOf', out, 'index.json'], { encoding: 'utf8' }));
    expect(index.mediaType).toBeUndefined();
    const layout = await open(readFileSync(out));
    expect(layout.entries).toHaveLength(1);
    expect(layout.entries[0]!.refName).toBe('multi');
    expect(layout.entries[0]!.ref).toEqual({ registry: null, repository: null, tag: 'multi', digest: null });
    expect(layout.entries[0]!.manifest.digest).toBe(sample().index.digest);
  });

  it('opens a tar GNU tar made of a folder, with ./ names or with the folder name in front', async () => {
    const dir = await sampleFolder();
    const dot = join(tmp, 'dot.tar');
    execFileSync('tar', ['-cf', dot, '-C', dir, '.']);
    expect((await open(readFileSync(dot))).entries).toHaveLength(2);
    const named = join(tmp, 'named.tar');
    execFileSync('tar', ['-cf', named, '-C', join(dir, '..'), dir.split('/').pop()!]);
    expect((await open(readFileSync(named))).entries).toHaveLength(2);
  });

  it('opens a dropped folder, and refuses a file there that changed after it was opened', async () => {
    const dir = await sampleFolder();
    const layout = await openLayout('dropped', folderFiles(dir));
    expect(layout.entries).toHaveLength(2);
    const digest = sha(sample().wasm);
    writeFileSync(join(dir, 'blobs/sha256', digest.slice(7)), '\0asm\x01\0\0\0 layout tesT');
    await expectCode(layout.blobs.get(digest)!.read(), 'digest-mismatch');
  });

  it('reports progress over every blob byte', async () => {
    const seen: [number, number][] = [];
    const layout = await openLayout('p', filesFromTar(await sampleTar()), {
      onProgress: (d, t) => seen.push([d, t]),
    });
    expect(seen.at(-1)).toEqual([layout.size, layout.size]);
    expect(seen.map(([d]) => d)).toEqual([...seen.map(([d]) => d)].sort((a, b) => a - b));
  });
});

describe('damaged and hostile layouts', () => {
  const pack = (dir: string) => {
    const path = `${dir}.tar`;
    execFileSync('tar', ['-cf', path, '-C', dir, '.']);
    return readFileSync(path);
  };

  it('a blob whose bytes do not match its digest: digest-mismatch, naming the blob', async () => {
    const dir = await sampleFolder();
    const hex = sha(sample().other).slice(7);
    writeFileSync(join(dir, 'blobs/sha256', hex), 'second chilD');
    const e = await expectCode(open(pack(dir)), 'digest-mismatch');
    expect(e.message).toContain(hex);
  });

  it('a changed manifest is refused before it is parsed', async () => {
    const dir = await sampleFolder();
    const hex = sample().policy.digest.slice(7);
    const path = join(dir, 'blobs/sha256', hex);
    writeFileSync(path, readFileSync(path, 'utf8').replace('wasm', 'WASM'));
    await expectCode(open(pack(dir)), 'digest-mismatch');
  });

  it('a layer that is not there: missing-blob, saying which manifest names it', async () => {
    const dir = await sampleFolder();
    unlinkSync(join(dir, 'blobs/sha256', sha(sample().wasm).slice(7)));
    const e = await expectCode(open(pack(dir)), 'missing-blob');
    expect(e.where).toMatch(/^manifest sha256:.* layers\[0\]$/);
  });

  it('index.json naming a manifest that is not there: dangling-reference, with the ref name', async () => {
    const dir = await sampleFolder();
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
    index.manifests[1].digest = `sha256:${'ab'.repeat(32)}`;
    writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
    const e = await expectCode(open(pack(dir)), 'dangling-reference');
    expect(e.where).toBe('index.json manifests[1] (127.0.0.1:5000/policies/multi:v2)');
  });

  it('a descriptor size that differs from the file: size-mismatch', async () => {
    const dir = await sampleFolder();
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
    index.manifests[0].size += 1;
    writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
    await expectCode(open(pack(dir)), 'size-mismatch');
  });

  it.each([
    ['../evil', 'parent'],
    ['/etc/evil', 'absolute'],
    ['blobs/sha256/..\\..\\evil', 'backslash'],
  ])('an entry named %s: unsafe-path, and nothing is used', async (name) => {
    const dir = await sampleFolder();
    const tar = pack(dir);
    const path = join(tmp, `hostile-${n++}.tar`);
    writeFileSync(path, tar);
    // Python's tarfile writes any name it is given; GNU tar then shows the archive really holds it.
    execFileSync('python3', [
      '-c',
      `import tarfile,io,sys\nt=tarfile.open(sys.argv[1],'a')\ni=tarfile.TarInfo(sys.argv[2]);d=b'x';i.size=1\nt.addfile(i,io.BytesIO(d));t.close()`,
      path,
      name,
    ]);
    expect(
      execFileSync('tar', ['--quoting-style=literal', '-tf', path, '-P'], { encoding: 'utf8' }),
    ).toContain(name);
    const e = await expectCode(open(readFileSync(path)), 'unsafe-path');
    expect(e.message).toContain('nothing in it was used');
  });

  it('a symbolic link in place of a blob: unsafe-path', async () => {
    const dir = await sampleFolder();
    const hex = sha(sample().other).slice(7);
    unlinkSync(join(dir, 'blobs/sha256', hex));
    execFileSync('ln', ['-s', '/etc/passwd', join(dir, 'blobs/sha256', hex)]);
    await expectCode(open(pack(dir)), 'unsafe-path');
  });

  it.each([
    ['no oci-layout file', (d: string) => unlinkSync(join(d, 'oci-layout')), /no oci-layout/],
    [
      'a layout version 2',
      (d: string) => writeFileSync(join(d, 'oci-layout'), '{"imageLayoutVersion":"2.0.0"}'),
      /2\.0\.0/,
    ],
    ['no index.json', (d: string) => unlinkSync(join(d, 'index.json')), /no index\.json/],
    [
      'index.json that is not JSON',
      (d: string) => writeFileSync(join(d, 'index.json'), '{'),
      /not valid JSON/,
    ],
    [
      'index.json that is a manifest',
      (d: string) =>
        writeFileSync(
          join(d, 'index.json'),
          '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}',
        ),
      /not an image index/,
    ],
    [
      'a blob name that is not a digest',
      (d: string) => writeFileSync(join(d, 'blobs/sha256/notahash'), 'x'),
      /malformed digest/,
    ],
    [
      'an unknown digest algorithm',
      (d: string) => writeFileSync(join(d, 'blobs', 'md5'), 'x'),
      /not named alg\/hex/,
    ],
  ])('%s: bad-layout', async (_what, damage, message) => {
    const dir = await sampleFolder();
    damage(dir);
    const e = await expectCode(open(pack(dir)), 'bad-layout');
    expect(e.message).toMatch(message);
  });

  it('the same path twice in one archive: bad-layout', async () => {
    const dir = await sampleFolder();
    const path = join(tmp, `dup-${n++}.tar`);
    writeFileSync(path, pack(dir));
    execFileSync('tar', ['-rf', path, '-C', dir, './index.json']);
    await expectCode(open(readFileSync(path)), 'bad-layout');
  });

  it('a cancelled open stops with aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expectCode(
      openLayout('x', filesFromTar(await sampleTar()), { signal: controller.signal }),
      'aborted',
    );
  });
});

describe('ref names', () => {
  // The forms tools write: skopeo `oci:dir:v1` (a bare tag), `oci:dir:repo/name:tag`, and full references.
  it.each([
    ['v1', { registry: null, repository: null, tag: 'v1', digest: null }],
    ['my/ref:v1', { registry: null, repository: 'my/ref', tag: 'v1', digest: null }],
    ['127.0.0.1:5000/p/x:v1', { registry: '127.0.0.1:5000', repository: 'p/x', tag: 'v1', digest: null }],
    ['localhost/p', { registry: 'localhost', repository: 'p', tag: null, digest: null }],
    [
      `ghcr.io/k/p@sha256:${'a'.repeat(64)}`,
      { registry: 'ghcr.io', repository: 'k/p', tag: null, digest: `sha256:${'a'.repeat(64)}` },
    ],
    ['Upper/Case:v1', { registry: null, repository: null, tag: 'v1', digest: null }],
  ])('%s', (name, parts) => {
    expect(readRefName(name)).toEqual(parts);
  });
});
