// Vite plugin: emits sw.js from src/sw/service-worker.js with the build's precache list and a version hash.
// Files over PRECACHE_LIMIT (jco's wasm-tools, OPA) are left to the worker's runtime cache, filled on first use.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Plugin } from 'vite';

const PRECACHE_LIMIT = 512 * 1024;

function listPublic(dir: string, root = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listPublic(full, root) : [relative(root, full)];
  });
}

export function serviceWorker(): Plugin {
  return {
    name: 'wasmlens-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const built = Object.values(bundle)
        .filter((f) => !f.fileName.endsWith('.map'))
        .filter((f) => (f.type === 'chunk' ? f.code.length : f.source.length) <= PRECACHE_LIMIT)
        .map((f) => f.fileName);
      const publicFiles = listPublic(join(process.cwd(), 'public')).filter(
        (f) => statSync(join(process.cwd(), 'public', f)).size <= PRECACHE_LIMIT,
      );
      const files = [
        './',
        ...[...built, ...publicFiles]
          .filter((f) => f !== 'index.html')
          .sort()
          .map((f) => `./${f}`),
      ];
      const version = createHash('sha256').update(files.join('\n')).digest('hex').slice(0, 12);
      const template = readFileSync(join(process.cwd(), 'src/sw/service-worker.js'), 'utf8');
      const source = template
        .replace('__WASMLENS_VERSION__', version)
        .replace(`['__WASMLENS_PRECACHE__']`, JSON.stringify(files));
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}
