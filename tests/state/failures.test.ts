// Every error code of every domain reads the same in every view: a title, an explanation and a fix, and no text
// that sends the user to a control the app does not have.
import { describe, expect, it } from 'vitest';
import { ArtifactError, ARTIFACT_EXPLANATIONS } from '../../src/lib/artifacts';
import { MetadataError, METADATA_EXPLANATIONS } from '../../src/lib/kubewarden';
import { RegistryError, REGISTRY_EXPLANATIONS } from '../../src/lib/oci';
import { RuntimeError, RUNTIME_EXPLANATIONS } from '../../src/lib/runtime';
import { ToolsError, TOOLS_EXPLANATIONS } from '../../src/lib/tools';
import { WasmParseError, WASM_EXPLANATIONS } from '../../src/lib/wasm';
import { describeFailure, isAbort } from '../../src/state/failures';

const tables = {
  registry: REGISTRY_EXPLANATIONS,
  artifact: ARTIFACT_EXPLANATIONS,
  wasm: WASM_EXPLANATIONS,
  metadata: METADATA_EXPLANATIONS,
  runtime: RUNTIME_EXPLANATIONS,
  tools: TOOLS_EXPLANATIONS,
};

describe('failures', () => {
  it.each(Object.entries(tables))('every %s code has a title, an explanation and a fix', (_d, table) => {
    for (const [code, text] of Object.entries(table)) {
      expect(text.title, code).not.toBe('');
      expect(text.explanation, code).not.toBe('');
      expect(text.fix, code).not.toBe('');
      expect(`${text.explanation} ${text.fix}`, code).not.toMatch(/Diagnose/);
    }
  });

  it('maps each domain error to its table, keeping where it happened', () => {
    const reg = describeFailure(
      new RegistryError('not-found', 'Reading x failed with HTTP 404.', {
        status: 404,
        url: 'http://r/v2/x',
        detail: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }],
      }),
    );
    expect(reg).toMatchObject({
      domain: 'registry',
      code: 'not-found',
      title: REGISTRY_EXPLANATIONS['not-found'].title,
      status: 404,
      detail: 'MANIFEST_UNKNOWN: manifest unknown',
    });
    expect(describeFailure(new WasmParseError('truncated', 42, 'cut'))).toMatchObject({
      domain: 'wasm',
      offset: 42,
    });
    expect(describeFailure(new MetadataError('bad-yaml', 'bad', 7))).toMatchObject({
      domain: 'metadata',
      line: 7,
    });
    expect(describeFailure(new ArtifactError('bad-tar', 'x')).fix).toBe(ARTIFACT_EXPLANATIONS['bad-tar'].fix);
    expect(describeFailure(new RuntimeError('timeout', 'x')).domain).toBe('runtime');
    expect(describeFailure(new ToolsError('failed', 'x')).domain).toBe('tools');
    expect(describeFailure('thrown string')).toMatchObject({
      domain: 'app',
      code: 'unexpected',
      message: 'thrown string',
    });
  });

  it('tells aborts from failures', () => {
    expect(isAbort(new RegistryError('aborted', 'x'))).toBe(true);
    expect(isAbort(new DOMException('x', 'AbortError'))).toBe(true);
    expect(isAbort(new RegistryError('network', 'x'))).toBe(false);
  });
});
