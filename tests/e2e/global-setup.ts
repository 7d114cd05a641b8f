// Serves dist/ on a free port and starts the test registries with CORS for that exact origin.
// Addresses reach the tests through environment variables; the returned function stops everything.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startStaticServer } from '../../scripts/lib/static-server.mjs';
import { startTestEnvironment } from '../../scripts/lib/test-env.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;

export default async function globalSetup() {
  // WASMLENS_DIST lets a developer test a private build without touching dist/.
  const dist = process.env.WASMLENS_DIST ?? join(ROOT, 'dist');
  if (!existsSync(join(dist, 'index.html')))
    throw new Error(`${dist} has no index.html: run \`npm run build\` before the e2e tests.`);
  // The app server binds port 0 itself (no race); registries need its origin for their CORS config.
  let defaultRegistry: string | null = null;
  const app = await startStaticServer({ root: dist, port: 0, getConfig: () => ({ defaultRegistry }) });
  const env = await startTestEnvironment({ appOrigin: app.url }).catch(async (e) => {
    await app.close();
    throw e;
  });
  defaultRegistry = `127.0.0.1:${env.registries.noauth.port}`;
  process.env.WASMLENS_APP_URL = app.url;
  process.env.WASMLENS_REGISTRIES = JSON.stringify(env.registries);
  return async () => {
    await app.close();
    await env.stop();
  };
}
