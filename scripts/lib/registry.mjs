// Starts a real distribution registry (Debian's docker-registry) for development and tests.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitForHttp } from './ports.mjs';

export const EXPOSED_HEADERS =
  'Docker-Content-Digest, Location, Range, Link, WWW-Authenticate, OCI-Subject, OCI-Filters-Applied, OCI-Chunk-Min-Length, Docker-Upload-UUID, ETag, Warning, Docker-Distribution-Api-Version';
export const ALLOWED_HEADERS =
  'Authorization, Accept, Content-Type, Content-Range, Range, If-Match, Cache-Control';
export const ALLOWED_METHODS = 'HEAD, GET, OPTIONS, POST, PUT, PATCH, DELETE';

/**
 * The distribution config for an anonymous registry that lets `origin` (one exact origin, or '*') push and pull.
 * distribution cannot reflect origins, so one config serves one origin. `allowDelete: false` gives the stock
 * distribution answer to deletes (405 UNSUPPORTED), for tests of a registry that refuses them.
 */
export function noAuthConfig({ port, origin, dataDir, cors = true, allowDelete = true }) {
  const headers = cors
    ? `    Access-Control-Allow-Origin: ['${origin}']
    Access-Control-Allow-Methods: ['${ALLOWED_METHODS}']
    Access-Control-Allow-Headers: ['${ALLOWED_HEADERS}']
    Access-Control-Expose-Headers: ['${EXPOSED_HEADERS}']
    Access-Control-Max-Age: ['600']
`
    : '';
  return registryConfig({ port, dataDir, headers, allowDelete });
}

/**
 * A distribution config: storage in `dataDir`, listening on loopback. `headers` are extra lines (4-space indented)
 * under `http.headers`; `auth` is an `auth:` block, absent for an anonymous registry.
 */
function registryConfig({ port, dataDir, headers = '', auth = '', allowDelete = true }) {
  return `version: 0.1
log: { level: warn }
storage:
  filesystem: { rootdirectory: ${dataDir} }
  delete: { enabled: ${allowDelete} }
http:
  addr: 127.0.0.1:${port}
  secret: dev-only-not-secret
  headers:
    X-Content-Type-Options: [nosniff]
${headers}${auth}health: { storagedriver: { enabled: false } }
`;
}

/**
 * Spawns `docker-registry serve` with `config` (YAML text) and waits until GET /v2/ answers.
 * Returns { url, port, dataDir, stop }; stop() kills the process and resolves when it has exited.
 */
export async function startRegistry({ name, port, config, workDir, dataDir, readyStatus = [200] }) {
  mkdirSync(workDir, { recursive: true });
  mkdirSync(dataDir, { recursive: true });
  const configPath = join(workDir, `${name}.yml`);
  writeFileSync(configPath, config);
  const log = openSync(join(workDir, `${name}.log`), 'a');
  const child = spawn('docker-registry', ['serve', configPath], { stdio: ['ignore', log, log] });
  let exited = false;
  const done = new Promise((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/v2/`, { ok: (s) => readyStatus.includes(s), isAlive: () => !exited });
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`Registry "${name}" did not start: ${e.message} (log: ${join(workDir, `${name}.log`)})`, {
      cause: e,
    });
  }
  return {
    url,
    port,
    dataDir,
    configPath,
    stop: async () => {
      if (!exited) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await done;
      clearTimeout(timer);
    },
  };
}

/** Config for a registry with htpasswd (bcrypt) Basic auth; CORS belongs to the nginx in front of it. */
export function htpasswdConfig({ port, dataDir, htpasswdPath }) {
  const auth = `auth:
  htpasswd: { realm: wasmlens-dev, path: ${htpasswdPath} }
`;
  return registryConfig({ port, dataDir, auth });
}

/** Config for a registry with token auth; `rootCertBundle` holds the token server's certificate (§12.4). */
export function tokenConfig({ port, dataDir, realm, service, issuer, rootCertBundle }) {
  const auth = `auth:
  token: { realm: '${realm}', service: ${service}, issuer: ${issuer}, rootcertbundle: ${rootCertBundle} }
`;
  return registryConfig({ port, dataDir, auth });
}
