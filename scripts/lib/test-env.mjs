// The registries that the test suites run against, started on free ports and always stopped afterwards.
// Used by the Vitest global setup (Node tests) and the Playwright global setup (e2e).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.mjs';
import { noAuthConfig, startRegistry } from './registry.mjs';

/**
 * Starts the test registries. `appOrigin` is the page origin allowed by CORS ('*' for Node tests).
 * Resolves to { registries: { noauth, nocors }, stop }, each registry { url, port, dataDir }.
 */
export async function startTestEnvironment({ appOrigin = '*' } = {}) {
  const work = mkdtempSync(join(tmpdir(), 'wasmlens-test-'));
  const started = [];
  const stop = async () => {
    await Promise.allSettled(started.map((s) => s.stop()));
    rmSync(work, { recursive: true, force: true });
  };
  try {
    const registries = {};
    for (const [name, cors] of [
      ['noauth', true],
      ['nocors', false],
    ]) {
      const port = await freePort();
      const dataDir = join(work, name, 'data');
      const reg = await startRegistry({
        name,
        port,
        config: noAuthConfig({ port, origin: appOrigin, dataDir, cors }),
        workDir: join(work, name),
        dataDir,
      });
      started.push(reg);
      registries[name] = { url: reg.url, port: reg.port, dataDir: reg.dataDir };
    }
    return { work, registries, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
