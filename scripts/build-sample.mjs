// Builds public/sample/no-privileged-pods.wasm: the WAT-built sample guest annotated with its metadata.yml
// and usage text by the project's own library (loaded through Vite's SSR loader, so no extra TS runner).
// Run after changing the sample: node scripts/build-sample.mjs (the output is committed; a unit test checks it).
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'vite';

const ROOT = new URL('..', import.meta.url).pathname;
const server = await createServer({
  root: ROOT,
  configFile: false,
  server: { middlewareMode: true },
  logLevel: 'error',
});
try {
  const kw = await server.ssrLoadModule('/src/lib/kubewarden/index.ts');
  const module = new Uint8Array(readFileSync(`${ROOT}tests/fixtures/no-privileged-pods.wasm`));
  const { metadata } = kw.metadataFromYaml(
    readFileSync(`${ROOT}tests/fixtures/no-privileged-pods.metadata.yml`, 'utf8'),
    {
      usage: readFileSync(`${ROOT}tests/fixtures/no-privileged-pods.usage.md`, 'utf8'),
    },
  );
  metadata.protocolVersion = 'v1';
  const annotated = kw.annotate(module, metadata);
  writeFileSync(`${ROOT}public/sample/no-privileged-pods.wasm`, annotated);
  console.log(`wrote public/sample/no-privileged-pods.wasm (${annotated.length} bytes)`);
} finally {
  await server.close();
}
