// parseReference against distribution/reference's own grammar tables, row by row.
//
// Oracle: distribution/reference reference_test.go `TestReferenceParse` (valid and invalid inputs, with domain,
// repository, tag and digest), normalize_test.go `TestValidateReferenceName`, `TestValidateRemoteName`,
// `TestParseRepositoryInfo`, `TestNormalizedSplitHostname`, `TestParseReferenceWithTagAndDigest`.
// Wasmlens always normalises (ParseNormalizedNamed + ParseDockerRef), so for `TestReferenceParse` rows the
// expected values below are the table's domain/repository passed through normalize.go `splitDockerDomain`: a first
// component without `.` or `:` that is not `localhost` and has no uppercase is a path on `docker.io`, and a single
// component on docker.io gets `library/`. The tag defaults to `latest` only without tag and digest (ParseDockerRef).
// reference.go `Parse`: the 255-character limit (`RepositoryNameTotalLengthMax`) counts the path only, not the host.
import { describe, expect, it } from 'vitest';
import { parseReference, RegistryError } from '../../src/lib/oci';

const F64 = 'f'.repeat(64);
const F128 = 'f'.repeat(128);

/** [input, registry, repository, tag, digest] */
const VALID: [string, string, string, string | undefined, string | undefined][] = [
  // reference_test.go TestReferenceParse (domain "" ⇒ docker.io, and library/ for a single component)
  ['test_com', 'docker.io', 'library/test_com', 'latest', undefined],
  ['test.com:tag', 'docker.io', 'library/test.com', 'tag', undefined],
  ['test.com:5000', 'docker.io', 'library/test.com', '5000', undefined],
  ['test.com/repo:tag', 'test.com', 'repo', 'tag', undefined],
  ['test:5000/repo', 'test:5000', 'repo', 'latest', undefined],
  ['test:5000/repo:tag', 'test:5000', 'repo', 'tag', undefined],
  [`test:5000/repo@sha256:${F64}`, 'test:5000', 'repo', undefined, `sha256:${F64}`],
  [`test:5000/repo:tag@sha256:${F64}`, 'test:5000', 'repo', 'tag', `sha256:${F64}`],
  ['lowercase:Uppercase', 'docker.io', 'library/lowercase', 'Uppercase', undefined],
  ['sub-dom1.foo.com/bar/baz/quux', 'sub-dom1.foo.com', 'bar/baz/quux', 'latest', undefined],
  [
    'sub-dom1.foo.com/bar/baz/quux:some-long-tag',
    'sub-dom1.foo.com',
    'bar/baz/quux',
    'some-long-tag',
    undefined,
  ],
  [
    'b.gcr.io/test.example.com/my-app:test.example.com',
    'b.gcr.io',
    'test.example.com/my-app',
    'test.example.com',
    undefined,
  ],
  ['xn--n3h.com/myimage:xn--n3h.com', 'xn--n3h.com', 'myimage', 'xn--n3h.com', undefined],
  [
    `xn--7o8h.com/myimage:xn--7o8h.com@sha512:${F128}`,
    'xn--7o8h.com',
    'myimage',
    'xn--7o8h.com',
    `sha512:${F128}`,
  ],
  ['foo_bar.com:8080', 'docker.io', 'library/foo_bar.com', '8080', undefined],
  // Parse's domain "foo" is not a registry host after splitDockerDomain (no dot, colon or uppercase).
  ['foo/foo_bar.com:8080', 'docker.io', 'foo/foo_bar.com', '8080', undefined],
  ['192.168.1.1', 'docker.io', 'library/192.168.1.1', 'latest', undefined],
  ['192.168.1.1:tag', 'docker.io', 'library/192.168.1.1', 'tag', undefined],
  ['192.168.1.1:5000', 'docker.io', 'library/192.168.1.1', '5000', undefined],
  ['192.168.1.1/repo', '192.168.1.1', 'repo', 'latest', undefined],
  ['192.168.1.1:5000/repo', '192.168.1.1:5000', 'repo', 'latest', undefined],
  ['192.168.1.1:5000/repo:5050', '192.168.1.1:5000', 'repo', '5050', undefined],
  ['[2001:db8::1]/repo', '[2001:db8::1]', 'repo', 'latest', undefined],
  ['[2001:db8:1:2:3:4:5:6]/repo:tag', '[2001:db8:1:2:3:4:5:6]', 'repo', 'tag', undefined],
  ['[2001:db8::1]:5000/repo', '[2001:db8::1]:5000', 'repo', 'latest', undefined],
  ['[2001:db8::1]:5000/repo:tag', '[2001:db8::1]:5000', 'repo', 'tag', undefined],
  [`[2001:db8::1]:5000/repo@sha256:${F64}`, '[2001:db8::1]:5000', 'repo', undefined, `sha256:${F64}`],
  [`[2001:db8::1]:5000/repo:tag@sha256:${F64}`, '[2001:db8::1]:5000', 'repo', 'tag', `sha256:${F64}`],
  ['[2001:db8::]:5000/repo', '[2001:db8::]:5000', 'repo', 'latest', undefined],
  ['[::1]:5000/repo', '[::1]:5000', 'repo', 'latest', undefined],
  // The path may be 255 characters however long the host is (RepositoryNameTotalLengthMax on the path).
  [
    `${'h'.repeat(200)}.example.com/${'a'.repeat(255)}:tag`,
    `${'h'.repeat(200)}.example.com`,
    'a'.repeat(255),
    'tag',
    undefined,
  ],
  // normalize_test.go TestParseRepositoryInfo (FamiliarName, FullName and AmbiguousName all give FullName)
  ['fooo/bar', 'docker.io', 'fooo/bar', 'latest', undefined],
  ['docker.io/fooo/bar', 'docker.io', 'fooo/bar', 'latest', undefined],
  ['index.docker.io/fooo/bar', 'docker.io', 'fooo/bar', 'latest', undefined],
  ['ubuntu', 'docker.io', 'library/ubuntu', 'latest', undefined],
  ['library/ubuntu', 'docker.io', 'library/ubuntu', 'latest', undefined],
  ['docker.io/library/ubuntu', 'docker.io', 'library/ubuntu', 'latest', undefined],
  ['nonlibrary/ubuntu', 'docker.io', 'nonlibrary/ubuntu', 'latest', undefined],
  ['other/library', 'docker.io', 'other/library', 'latest', undefined],
  ['127.0.0.1:8000/private/moonbase', '127.0.0.1:8000', 'private/moonbase', 'latest', undefined],
  ['127.0.0.1:8000/privatebase', '127.0.0.1:8000', 'privatebase', 'latest', undefined],
  ['example.com/private/moonbase', 'example.com', 'private/moonbase', 'latest', undefined],
  ['example.com:8000/privatebasee', 'example.com:8000', 'privatebasee', 'latest', undefined],
  ['ubuntu-12.04-base', 'docker.io', 'library/ubuntu-12.04-base', 'latest', undefined],
  [
    'index.docker.io/library/ubuntu-12.04-base',
    'docker.io',
    'library/ubuntu-12.04-base',
    'latest',
    undefined,
  ],
  ['docker.io/foo', 'docker.io', 'library/foo', 'latest', undefined],
  ['library/foo/bar', 'docker.io', 'library/foo/bar', 'latest', undefined],
  ['store/foo/bar', 'docker.io', 'store/foo/bar', 'latest', undefined],
  ['Foo/bar', 'Foo', 'bar', 'latest', undefined],
  ['FOO/bar', 'FOO', 'bar', 'latest', undefined],
  // normalize_test.go TestNormalizedSplitHostname
  ['test.com/foo', 'test.com', 'foo', 'latest', undefined],
  ['test_com/foo', 'docker.io', 'test_com/foo', 'latest', undefined],
  ['docker/migrator', 'docker.io', 'docker/migrator', 'latest', undefined],
  ['test.com:8080/foo', 'test.com:8080', 'foo', 'latest', undefined],
  ['test-com:8080/foo', 'test-com:8080', 'foo', 'latest', undefined],
  ['foo', 'docker.io', 'library/foo', 'latest', undefined],
  ['xn--n3h.com/foo', 'xn--n3h.com', 'foo', 'latest', undefined],
  ['xn--n3h.com:18080/foo', 'xn--n3h.com:18080', 'foo', 'latest', undefined],
  ['docker.io/library/foo/bar', 'docker.io', 'library/foo/bar', 'latest', undefined],
  // TestParseReferenceWithTagAndDigest: both kept, `docker.io/library/` added.
  [
    'busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa',
    'docker.io',
    'library/busybox',
    'latest',
    'sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa',
  ],
];

/** normalize_test.go TestValidateReferenceName and TestValidateRemoteName: valid names. */
const VALID_NAMES = [
  'docker/docker',
  'library/debian',
  'debian',
  'docker.io/docker/docker',
  'docker.io/library/debian',
  'docker.io/debian',
  'index.docker.io/docker/docker',
  'index.docker.io/library/debian',
  'index.docker.io/debian',
  '127.0.0.1:5000/docker/docker',
  '127.0.0.1:5000/library/debian',
  '127.0.0.1:5000/debian',
  '192.168.0.1',
  '192.168.0.1:80',
  '192.168.0.1:8/debian',
  '192.168.0.2:25000/debian',
  'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev',
  '[fc00::1]:5000/docker',
  '[fc00::1]:5000/docker/docker',
  '[fc00:1:2:3:4:5:6:7]:5000/library/debian',
  'docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
  'Docker/docker',
  'DOCKER/docker',
  'docker-rules/docker',
  'docker---rules/docker',
  'doc/docker',
  'd/docker',
  'jess/t',
  'dock__er/docker',
];

/** Invalid in every table (reference_test.go TestReferenceParse errors, normalize_test.go invalid names). */
const INVALID = [
  '',
  ':justtag',
  `@sha256:${F64}`,
  'repo@sha256:ffffffffffffffffffffffffffffffffff',
  `validname@invaliddigest:${F64}`,
  'Uppercase:tag',
  'test:5000/Uppercase/lowercase:tag',
  'aa/asdf$$^/aa',
  '[2001:db8::1]',
  '[2001:db8::1]:5000',
  '[2001:db8::1]:tag',
  '[fe80::1%eth0]:5000/repo',
  '[fe80::1%@invalidzone]:5000/repo',
  'docker/Docker',
  '-docker',
  '-docker/docker',
  '-docker.io/docker/docker',
  'docker///docker',
  'docker.io/docker/Docker',
  'docker.io/docker///docker',
  '[fc00::1]',
  '[fc00::1]:5000',
  'fc00::1:5000/debian',
  '[fe80::1%eth0]:5000/debian',
  '[2001:db8:3:4::192.0.2.33]:5000/debian',
  '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
  'docker-/docker',
  '-docker-/docker',
  '____/____',
  '_docker/_docker',
  'dock..er/docker',
  'dock_.er/docker',
  'dock-.er/docker',
  'docker/',
  `${'this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_'.repeat(4)}/docker`,
  // A path of 256 characters is too long, whatever the host.
  `example.com/${'a'.repeat(256)}`,
  // docker.io/ + 255 × a normalises to library/ + 255 × a: 263 characters of path.
  `docker.io/${'a'.repeat(255)}`,
];

describe('distribution/reference tables', () => {
  it.each(VALID)('%s → %s / %s : %s @ %s', (input, registry, repository, tag, digest) => {
    const ref = parseReference(input);
    expect({ registry: ref.registry, repository: ref.repository, tag: ref.tag, digest: ref.digest }).toEqual({
      registry,
      repository,
      tag,
      digest,
    });
  });

  it.each(VALID_NAMES)('accepts the name %s', (name) => {
    expect(() => parseReference(name)).not.toThrow();
  });

  it.each(INVALID)('refuses %s', (input) => {
    expect(() => parseReference(input)).toThrow(RegistryError);
  });

  it('differs on purpose only where Wasmlens strips a pasted scheme (docs/oci.md §1 step 1)', () => {
    // normalize_test.go lists https://github.com/docker/docker as invalid; Wasmlens reads the pasted URL's reference.
    const ref = parseReference('https://github.com/docker/docker');
    expect(ref.canonical).toBe('github.com/docker/docker:latest');
  });
});
