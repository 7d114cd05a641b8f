// `npm start`: install what is missing, build, serve the app on :4173 and a CORS-enabled registry on :5000.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureDebianPackages, ensureNpmDependencies } from './lib/deps.mjs';
import { portInUse } from './lib/ports.mjs';
import { noAuthConfig, startRegistry } from './lib/registry.mjs';
import { startStaticServer } from './lib/static-server.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const APP_PORT = Number(process.env.WASMLENS_PORT ?? 4173);
const REGISTRY_PORT = Number(process.env.WASMLENS_REGISTRY_PORT ?? 5000);
const appOrigin = `http://127.0.0.1:${APP_PORT}`;

ensureNpmDependencies();
console.log('Building the app…');
if (spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' }).status !== 0) {
  console.error('The build failed; see the output above.');
  process.exit(1);
}

let registry = null;
if (ensureDebianPackages(['docker-registry']).length === 0) {
  if (await portInUse(REGISTRY_PORT)) {
    console.warn(
      `Port ${REGISTRY_PORT} is busy, so no local registry was started (is one already running?).`,
    );
  } else {
    const work = join(ROOT, '.wasmlens', 'registry');
    registry = await startRegistry({
      name: 'dev-registry',
      port: REGISTRY_PORT,
      config: noAuthConfig({ port: REGISTRY_PORT, origin: appOrigin, dataDir: join(work, 'data') }),
      workDir: work,
      dataDir: join(work, 'data'),
    }).catch((e) => (console.warn(String(e.message)), null));
  }
} else {
  console.warn(
    'Continuing without a local registry; push and pull still work with any CORS-enabled registry.',
  );
}

const app = await startStaticServer({
  root: join(ROOT, 'dist'),
  port: APP_PORT,
  getConfig: () => ({ defaultRegistry: registry ? `127.0.0.1:${REGISTRY_PORT}` : null }),
});

console.log(`\n  Wasmlens   ${app.url}/`);
if (registry)
  console.log(
    `  Registry   ${registry.url}/v2/   (no auth, CORS for ${appOrigin}; data in .wasmlens/registry)`,
  );
console.log('\n  Press Ctrl-C to stop.\n');

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await Promise.allSettled([app.close(), registry?.stop()]);
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
