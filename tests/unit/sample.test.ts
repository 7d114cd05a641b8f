// The shipped sample policy is exactly the WAT-built guest annotated by our own library, and it is valid.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { annotate, metadataFromYaml, readMetadata, validateMetadata } from '../../src/lib/kubewarden';
import { decodeExports, parseWasm } from '../../src/lib/wasm';
import { fixture, ROOT } from './helpers';

const shipped = new Uint8Array(readFileSync(join(ROOT, 'public', 'sample', 'no-privileged-pods.wasm')));

describe('the first-visit sample policy', () => {
  it('is the fixture annotated with its metadata.yml and usage text (rebuild: node scripts/build-sample.mjs)', () => {
    const text = (f: string) => readFileSync(join(ROOT, 'tests', 'fixtures', f), 'utf8');
    const { metadata } = metadataFromYaml(text('no-privileged-pods.metadata.yml'), {
      usage: text('no-privileged-pods.usage.md'),
    });
    metadata.protocolVersion = 'v1';
    expect(annotate(fixture('no-privileged-pods.wasm'), metadata)).toEqual(shipped);
  });

  it('passes every kwctl validation rule and carries the title and usage', () => {
    const read = readMetadata(shipped);
    expect(read?.metadata.annotations['io.kubewarden.policy.title']).toBe('no-privileged-pods');
    expect(read?.metadata.annotations['io.kubewarden.policy.usage']).toContain('# No privileged pods');
    const info = parseWasm(shipped);
    const issues = validateMetadata(read!.metadata, info, { exports: decodeExports(shipped, info) });
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
  });
});
