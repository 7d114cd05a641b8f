// Shared test helpers: fixture and corpus access. Corpus tests skip with a notice when WASMLENS_CORPUS is unset.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

export const ROOT = resolve(new URL('../..', import.meta.url).pathname);

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(ROOT, 'tests', 'fixtures', name)));
}

/** The corpus folder, resolved against the repository root, or null when it is not configured. */
export function corpusDir(): string | null {
  const dir = process.env.WASMLENS_CORPUS;
  if (!dir) return null;
  const abs = isAbsolute(dir) ? dir : join(ROOT, dir);
  return existsSync(abs) ? abs : null;
}

let warned = false;
/** Reads a corpus file; callers guard with `describe.skipIf(!corpusDir())`. */
export function corpus(name: string): Uint8Array {
  const dir = corpusDir();
  if (!dir) throw new Error('WASMLENS_CORPUS is not set');
  return new Uint8Array(readFileSync(join(dir, name)));
}

export function corpusNotice(): void {
  if (!corpusDir() && !warned) {
    warned = true;
    console.warn('WASMLENS_CORPUS is not set (or missing): real-world corpus tests are skipped.');
  }
}
