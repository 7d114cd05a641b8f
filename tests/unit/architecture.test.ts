// The layering rules of design.md, checked on the source itself: one maker of registry clients, and imports that
// run ui → state → lib, with lib's low areas (common, wasm, oci) never importing its high ones.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../../src', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.(ts|svelte)$/.test(name) ? [path] : [];
  });
}

const sources = files(SRC).map((path) => ({ path: relative(SRC, path), text: readFileSync(path, 'utf8') }));
const importsOf = (text: string) =>
  [...text.matchAll(/\bfrom\s+'([^']+)'|import\('([^']+)'\)/g)].map((m) => m[1] ?? m[2]);

describe('architecture', () => {
  it('creates registry clients only in the connection layer', () => {
    const makers = sources
      .filter((f) => /createRegistryClient\s*\(/.test(f.text))
      .map((f) => f.path)
      .filter((p) => !p.startsWith('lib/oci/'));
    expect(makers).toEqual(['state/connections.svelte.ts']);
  });

  it('keeps lib free of state and ui, and state free of ui', () => {
    const wrong = sources.flatMap((f) =>
      importsOf(f.text)
        .filter((i) =>
          f.path.startsWith('lib/')
            ? /\/(state|ui)\//.test(`/${i}/`) || i === 'svelte' || i.startsWith('svelte/')
            : f.path.startsWith('state/') && /\/ui\//.test(`/${i}/`),
        )
        .map((i) => `${f.path} → ${i}`),
    );
    expect(wrong).toEqual([]);
  });

  it('never imports a high lib area (kubewarden, artifacts, layout, runtime, signatures) from a low one', () => {
    const low = ['common', 'wasm', 'oci'];
    const high = ['kubewarden', 'artifacts', 'layout', 'runtime', 'signatures', 'tools', 'storage'];
    const wrong = sources
      .filter((f) => low.some((a) => f.path.startsWith(`lib/${a}/`)))
      .flatMap((f) =>
        importsOf(f.text)
          .filter((i) => high.some((h) => new RegExp(`^\\.\\./${h}(/|$)`).test(i)))
          .map((i) => `${f.path} → ${i}`),
      );
    expect(wrong).toEqual([]);
  });

  it('has one reference parser', () => {
    const parsers = sources.filter((f) => /export function parseReference\b/.test(f.text)).map((f) => f.path);
    expect(parsers).toEqual(['lib/oci/reference.ts']);
  });
});
