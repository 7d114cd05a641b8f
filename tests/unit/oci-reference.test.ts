// Pure parts of the OCI library: references, challenges, token cache, tags, Link, canonical JSON, CORS recipes.
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  distributionCorsConfig,
  nextLink,
  nginxCorsRecipe,
  parseReference,
  parseWwwAuthenticate,
  RegistryError,
  sortTags,
  TokenCache,
} from '../../src/lib/oci';
import { renderNginxSite } from '../../scripts/lib/nginx.mjs';

const ff = 'f'.repeat(64);

describe('parseReference', () => {
  it.each([
    // kubewarden.md §12.1
    ['busybox', 'docker.io', 'library/busybox', 'latest', undefined],
    ['opensuse/leap:15.3', 'docker.io', 'opensuse/leap', '15.3', undefined],
    ['localhost:5000/psp-apparmor', 'localhost:5000', 'psp-apparmor', 'latest', undefined],
    ['test.com:5000', 'docker.io', 'library/test.com', '5000', undefined],
    [
      'ghcr.io/kubewarden/policies/safe-labels:v1.0.0',
      'ghcr.io',
      'kubewarden/policies/safe-labels',
      'v1.0.0',
      undefined,
    ],
    [`test:5000/repo@sha256:${ff}`, 'test:5000', 'repo', undefined, `sha256:${ff}`],
    // oci.md §1
    ['registry://ghcr.io/a/b:1', 'ghcr.io', 'a/b', '1', undefined],
    ['docker://nginx', 'docker.io', 'library/nginx', 'latest', undefined],
    ['index.docker.io/x/y', 'docker.io', 'x/y', 'latest', undefined],
    ['127.0.0.1:5000/a/b:c', '127.0.0.1:5000', 'a/b', 'c', undefined],
    [`ghcr.io/a:t@sha256:${ff}`, 'ghcr.io', 'a', 't', `sha256:${ff}`],
    [`x@sha512:${'a'.repeat(128)}`, 'docker.io', 'library/x', undefined, `sha512:${'a'.repeat(128)}`],
  ])('%s', (input, registry, repository, tag, digest) => {
    const r = parseReference(input);
    expect([r.registry, r.repository, r.tag, r.digest]).toEqual([registry, repository, tag, digest]);
  });

  it('gives the API host, canonical form and http hint', () => {
    expect(parseReference('busybox').apiHost).toBe('registry-1.docker.io');
    expect(parseReference('busybox').canonical).toBe('docker.io/library/busybox:latest');
    expect(parseReference('http://localhost:5000/a').insecureHint).toBe(true);
    expect(parseReference('  ghcr.io/a/b ').canonical).toBe('ghcr.io/a/b:latest');
  });

  it.each([
    ['', /empty/],
    ['ghcr.io/Foo/bar', /lowercase/],
    ['ghcr.io/a//b', /empty path component/],
    ['a:b:c/d', /not a valid/],
    [`x@sha256:${'F'.repeat(64)}`, /lowercase hex/],
    ['x@sha256:abc', /64 hex digits/],
    ['x@md5:abc', /sha256, sha384 or sha512/],
    ['x:-bad', /not a valid tag/],
    // distribution/reference counts only the path against RepositoryNameTotalLengthMax (255).
    [`ghcr.io/${'a'.repeat(256)}`, /255/],
  ])('rejects %j', (input, why) => {
    try {
      parseReference(input);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RegistryError);
      expect((e as RegistryError).code).toBe('invalid-reference');
      expect((e as Error).message).toMatch(why);
    }
  });
});

describe('parseWwwAuthenticate', () => {
  it('reads distribution challenges with space-separated scopes and errors', () => {
    const [c] = parseWwwAuthenticate(
      'Bearer realm="http://x/token",service="svc",scope="repository:t/z:pull,push repository:t/src:pull",error="insufficient_scope"',
    );
    expect(c).toEqual({
      scheme: 'bearer',
      params: {
        realm: 'http://x/token',
        service: 'svc',
        scope: 'repository:t/z:pull,push repository:t/src:pull',
        error: 'insufficient_scope',
      },
    });
  });
  it('splits several challenges, any parameter order and case, escapes and token values', () => {
    const cs = parseWwwAuthenticate('Basic realm="a, b", BEARER Service=s , Realm="r\\"q",scope=x');
    expect(cs.map((c) => c.scheme)).toEqual(['basic', 'bearer']);
    expect(cs[0].params).toEqual({ realm: 'a, b' });
    expect(cs[1].params).toEqual({ service: 's', realm: 'r"q', scope: 'x' });
  });
  it('reads token68 and never throws on junk', () => {
    expect(parseWwwAuthenticate('Negotiate abc==, Basic realm=x')).toEqual([
      { scheme: 'negotiate', params: {}, token68: 'abc==' },
      { scheme: 'basic', params: { realm: 'x' } },
    ]);
    expect(parseWwwAuthenticate('')).toEqual([]);
    expect(() => parseWwwAuthenticate('"=,=;;;Bearer realm="unterminated')).not.toThrow();
  });
});

describe('TokenCache', () => {
  it('keys by realm, service and sorted unique scopes, and expires 30 s early', () => {
    let now = 1_000_000;
    const cache = new TokenCache(() => now);
    cache.set('r', 's', ['b', 'a', 'a'], 'T', 300);
    expect(cache.get('r', 's', ['a', 'b'])).toBe('T');
    expect(cache.get('r', 's', ['a'])).toBeNull();
    expect(cache.get('r2', 's', ['a', 'b'])).toBeNull();
    now += 269_000;
    expect(cache.get('r', 's', ['b', 'a'])).toBe('T');
    now += 2_000;
    expect(cache.get('r', 's', ['b', 'a'])).toBeNull();
  });
  it('defaults expires_in to 60 s and uses issued_at', () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const cache = new TokenCache(() => now);
    cache.set('r', 's', [], 'T', undefined, '2025-12-31T23:59:50Z');
    now += 19_000;
    expect(cache.get('r', 's', [])).toBe('T');
    now += 2_000;
    expect(cache.get('r', 's', [])).toBeNull();
  });
});

describe('sortTags and nextLink', () => {
  it('sorts semver newest first, then latest, then others, cosign tags last', () => {
    const sig = `sha256-${ff}.sig`;
    expect(
      sortTags(['a', sig, 'v1.2.0', 'latest', '1.10.0', 'v1.10.0-rc.1', '1.9.9', 'b', 'v1.10.0-alpha']),
    ).toEqual(['1.10.0', 'v1.10.0-rc.1', 'v1.10.0-alpha', '1.9.9', 'v1.2.0', 'latest', 'a', 'b', sig]);
  });
  it('finds rel="next" among several links', () => {
    expect(nextLink('</v2/x/tags/list?n=2&last=b>; rel="next"')).toBe('/v2/x/tags/list?n=2&last=b');
    expect(nextLink('<https://a/prev>; rel="prev", <https://a/n?t=1;2>; title="x"; rel=next')).toBe(
      'https://a/n?t=1;2',
    );
    expect(nextLink('<https://a/p>; rel="prev"')).toBeNull();
    expect(nextLink(null)).toBeNull();
  });
});

describe('manifests and recipes', () => {
  it('writes canonical JSON', () => {
    expect(canonicalJson({ b: [1, { d: 1, c: 'x' }], a: undefined, A: null })).toBe(
      '{"A":null,"b":[1,{"c":"x","d":1}]}',
    );
  });
  it('renders the same nginx recipe in the app and the script', () => {
    const app = nginxCorsRecipe('https://wasmlens.example', 'http://127.0.0.1:5001', '127.0.0.1:5002');
    const script = renderNginxSite({
      origins: ['https://wasmlens.example'],
      listen: '127.0.0.1:5002',
      upstream: 'http://127.0.0.1:5001',
    });
    expect(app).toBe(script);
    expect(app).toContain('"https://wasmlens.example" $http_origin;');
    expect(distributionCorsConfig('http://localhost:5173')).toContain(
      "Access-Control-Allow-Origin: ['http://localhost:5173']",
    );
  });
});
