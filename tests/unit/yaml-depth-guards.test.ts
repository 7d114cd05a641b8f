// Every YAML reader refuses absurd nesting with a message naming the line, before the `yaml` package sees it: a few
// thousand "[" exhaust its recursion, and in V8 can abort the whole process where no try/catch reaches (issue 19).
import { describe, expect, it } from 'vitest';
import { splitYamlDocuments } from '../../src/lib/artifacts';
import { MAX_YAML_DEPTH } from '../../src/lib/common';
import { metadataFromYaml } from '../../src/lib/kubewarden';
import { parseDocument, parseResources, parseSession } from '../../src/lib/runtime';
import { parseVerificationConfig } from '../../src/lib/signatures';

const deep = `key: ok\nnested: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`;
const reason = new RegExp(`deeper than ${MAX_YAML_DEPTH} levels at line 2`);

describe('YAML depth guards', () => {
  it('metadata.yml import', () => expect(() => metadataFromYaml(deep)).toThrow(reason));
  it('multi-document YAML (Kyverno layers)', () =>
    expect(() => splitYamlDocuments(deep)).toThrow(/deeper|nest/));
  it('kwctl session files', () => expect(() => parseSession(deep)).toThrow(reason));
  it('request and settings', () => expect(() => parseDocument(deep, 'request')).toThrow(reason));
  it('Kubernetes resources', () => expect(() => parseResources(deep)).toThrow(reason));
  it('verification-config.yml', () => {
    const r = parseVerificationConfig(deep);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.issues[0]).toMatchObject({ line: 2 });
  });
  it('still reads ordinary nesting', () => {
    const ok = `a: ${'['.repeat(50)}1${']'.repeat(50)}\n`;
    expect(parseDocument(ok, 'request')).toEqual({ a: JSON.parse(`${'['.repeat(50)}1${']'.repeat(50)}`) });
  });
});

describe('yamlTooDeepAt', () => {
  it('counts flow brackets and block indicators, not the keys of a wide flow mapping', async () => {
    const { yamlTooDeepAt } = await import('../../src/lib/common');
    const wide = `rules: [${Array(3000).fill('{apiGroups: [a], resources: [b]}').join(', ')}]\n`;
    expect(yamlTooDeepAt(wide)).toBeNull();
    expect(yamlTooDeepAt(`${'- '.repeat(300)}x\n`)).toBe(1);
    expect(yamlTooDeepAt(`a: "${'['.repeat(1000)}"\n# ${'{'.repeat(1000)}\n`)).toBeNull();
  });
});
