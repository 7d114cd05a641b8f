// Bench: reading the metadata and building the Inspect model of the largest annotated policy, vs parseWasm alone.
import { describe, it, expect } from 'vitest';
import { annotate, inspectModel, metadataToYaml, readMetadata } from '../../src/lib/kubewarden';
import { parseWasm } from '../../src/lib/wasm';
import { corpus, corpusDir, corpusNotice } from '../unit/helpers';
import { medianMs, report } from './measure';

corpusNotice();

// File 6 (1.2 MB, 2.7 kB of metadata) is the largest annotated policy of the corpus.
const LARGEST = 'kw-javy-js-sdk-demo-annotated-kwctl1.25.0.wasm';

describe.skipIf(!corpusDir())('kubewarden bench', () => {
  it('readMetadata + inspectModel vs parseWasm', async () => {
    const bytes = corpus(LARGEST);
    const parse = await medianMs(() => parseWasm(bytes), 21, 5);
    const inspect = await medianMs(() => inspectModel(readMetadata(bytes)!.metadata), 21, 5);
    const yaml = await medianMs(() => metadataToYaml(readMetadata(bytes)!.metadata), 21, 5);
    const rewrite = await medianMs(() => annotate(bytes, readMetadata(bytes)!.metadata), 11, 3);
    report('kubewarden readMetadata+inspectModel', inspect, 'parseWasm', parse, `(${bytes.length} B)`);
    report('kubewarden readMetadata+metadataToYaml', yaml, 'parseWasm', parse);
    report('kubewarden annotate (unchanged rewrite)', rewrite, 'parseWasm', parse);
    expect(readMetadata(bytes)!.metadata.executionMode).toBe('wasi');
  });
});
