// The address of each Browse level: parseHash and hashFor agree, old addresses keep their meaning, and a diff
// whose tags hold `..` still splits where both sides are references (the reference grammar of oci.md §1).
import { describe, expect, it } from 'vitest';
import { splitReferencePair } from '../../src/lib/oci';
import { hashFor, parseHash, splitDiff, type Route } from '../../src/state/router.svelte';

describe('router', () => {
  it.each<[string, Route]>([
    ['#/registry', { view: 'registry', ref: null }],
    ['#/artifacts', { view: 'artifacts', ref: null }],
    ['#/browse', { view: 'browse', ref: null }],
    ['#/ref/127.0.0.1:5000/a/b:v1', { view: 'artifacts', ref: '127.0.0.1:5000/a/b:v1' }],
    [
      '#/registry/127.0.0.1:5000',
      { view: 'browse', ref: null, browse: { level: 'registry', host: '127.0.0.1:5000' } },
    ],
    [
      '#/repo/ghcr.io/kubewarden/policies/safe-labels',
      {
        view: 'browse',
        ref: null,
        browse: { level: 'repo', host: 'ghcr.io', repository: 'kubewarden/policies/safe-labels' },
      },
    ],
    [
      '#/diff/r.example/p:v1.0.0..r.example/p:v2.0.0',
      {
        view: 'browse',
        ref: null,
        browse: { level: 'diff', left: 'r.example/p:v1.0.0', right: 'r.example/p:v2.0.0' },
      },
    ],
  ])('%s', (hash, route) => {
    expect(parseHash(hash)).toEqual(route);
    expect(hashFor(route)).toBe(hash);
  });

  it('reads a repository address without a path as the registry, and decodes escapes', () => {
    expect(parseHash('#/repo/r.example').browse).toEqual({ level: 'registry', host: 'r.example' });
    expect(parseHash('#/repo/r.example/a%2Fb').browse).toEqual({
      level: 'repo',
      host: 'r.example',
      repository: 'a/b',
    });
    expect(parseHash('#/repo/r.example/%E0%A4%A').browse).toEqual({
      level: 'repo',
      host: 'r.example',
      repository: '%E0%A4%A',
    });
  });

  it('splits a diff where both sides are references, even when a tag holds ".."', () => {
    // `v1..rc` is a valid tag ([A-Za-z0-9_][A-Za-z0-9._-]{0,127}); the first `..` would leave "rc..r.example/p:v2".
    expect(splitReferencePair('r.example/p:v1..rc..r.example/p:v2')).toEqual({
      left: 'r.example/p:v1..rc',
      right: 'r.example/p:v2',
    });
    expect(splitReferencePair('no-separator')).toBeNull();
    // Neither split is two references: the first is taken, and opening it explains the invalid side.
    expect(splitReferencePair('A..B')).toEqual({ left: 'A', right: 'B' });
    // The router (in the shell, without the parser) cuts at the first `..`; Browse re-cuts it.
    expect(splitDiff('r.example/p:v1..rc..r.example/p:v2')).toMatchObject({ left: 'r.example/p:v1' });
    expect(splitDiff('no-separator')).toBeNull();
  });
});
