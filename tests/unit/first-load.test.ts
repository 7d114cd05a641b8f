// First load: the JavaScript the built index.html loads before the first interaction (its entry script and every
// modulepreload) stays within 40 KiB gzip, and none of the code that only an open file needs is in it. The test
// builds the app in memory with the project's own vite.config.ts, so it checks what `npm run build` ships.
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { build, type Rolldown } from 'vite';

const ROOT = new URL('../..', import.meta.url).pathname;
/** The budget of issue 17: the shell alone, before any file is opened. */
const BUDGET = 40 * 1024;

type Output = Rolldown.RolldownOutput['output'][number];

async function buildInMemory(): Promise<Output[]> {
  // Vitest runs with NODE_ENV=test, which would give Svelte's development build; `npm run build` has production.
  const env = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  const result = await build({
    root: ROOT,
    configFile: join(ROOT, 'vite.config.ts'),
    mode: 'production',
    logLevel: 'silent',
    build: { write: false },
  }).finally(() => (process.env.NODE_ENV = env));
  const outputs = Array.isArray(result) ? result : [result];
  return outputs.flatMap((o) => ('output' in o ? o.output : []));
}

/** The script and modulepreload URLs of the built page, as file names relative to dist/. */
function firstLoadFiles(html: string): string[] {
  const urls = [
    ...html.matchAll(/<script\b[^>]*\btype="module"[^>]*\bsrc="([^"]+)"/g),
    ...html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g),
  ].map((m) => m[1].replace(/^\.\//, ''));
  return [...new Set(urls)];
}

describe('first load', () => {
  it('loads at most 40 KiB gzip of JavaScript, and no registry, YAML or markdown code', async () => {
    const output = await buildInMemory();
    const html = output.find((o) => o.fileName === 'index.html');
    expect(html?.type).toBe('asset');
    const files = firstLoadFiles(String((html as Rolldown.OutputAsset).source));
    const chunks = new Map(
      output.filter((o): o is Rolldown.OutputChunk => o.type === 'chunk').map((c) => [c.fileName, c]),
    );
    // The preload list is complete: every static import of the entry, transitively, is on it (else the
    // browser would discover and fetch more before the app can start).
    const entry = [...chunks.values()].find((c) => c.isEntry && c.facadeModuleId?.endsWith('index.html'));
    expect(entry && files).toContain(entry?.fileName);
    const closure = new Set<string>();
    const walk = (name: string) => {
      if (closure.has(name)) return;
      closure.add(name);
      for (const dep of chunks.get(name)?.imports ?? []) walk(dep);
    };
    walk(entry!.fileName);
    expect([...closure].sort()).toEqual([...files].sort());

    const gzip = files.reduce((sum, f) => sum + gzipSync(chunks.get(f)!.code, { level: 9 }).length, 0);
    console.log(`first load: ${(gzip / 1024).toFixed(1)} KiB gzip in ${files.join(', ')}`);
    expect(gzip).toBeGreaterThan(10 * 1024); // the Svelte runtime alone is more: the sum measured real code
    expect(gzip).toBeLessThanOrEqual(BUDGET);

    // What only an open policy, a registry or the editor needs loads later.
    const modules = files.flatMap((f) => chunks.get(f)!.moduleIds);
    const late = modules.filter((id) =>
      /src\/lib\/(oci|kubewarden|artifacts|runtime|signatures)\/|node_modules\/(yaml|marked|dompurify|hash-wasm)\//.test(
        id,
      ),
    );
    expect(late).toEqual([]);
  }, 180_000);
});
