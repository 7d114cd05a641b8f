// The registries that the test suites run against, started on free ports and always stopped afterwards.
// Used by the Vitest global setup (Node tests) and the Playwright global setup (e2e).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderNginxSite, startNginx } from './nginx.mjs';
import { freePort } from './ports.mjs';
import { htpasswdConfig, noAuthConfig, startRegistry, tokenConfig } from './registry.mjs';
import { makeTokenCertificate, startTokenServer, TOKEN_USERS } from './token-server.mjs';

const TOKEN_SERVICE = 'wasmlens-test-registry';
const TOKEN_ISSUER = 'wasmlens-test-issuer';
const HTPASSWD_USERS = [
  { username: 'dev', password: 'devpass' },
  { username: 'reader', password: 'readerpass' },
];

function writeHtpasswd(path) {
  for (const [i, u] of HTPASSWD_USERS.entries()) {
    const r = spawnSync('htpasswd', [i === 0 ? '-Bbc' : '-Bb', path, u.username, u.password], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`htpasswd failed: ${r.stderr || r.error}`);
  }
}

/**
 * Starts the test registries. `appOrigin` is the page origin allowed by CORS ('*' for Node tests).
 * Resolves to { work, registries, stop }. Every registry has { url, port, dataDir }; `url` is what a browser uses.
 * - noauth: anonymous with CORS; nocors: anonymous without CORS.
 * - htpasswd: Basic auth (dev/devpass, reader/readerpass) behind nginx (`url`); `upstreamUrl` is the registry itself.
 * - token: token auth behind nginx, realm `/token` on the same nginx origin; `users` with their permissions.
 */
export async function startTestEnvironment({ appOrigin = '*' } = {}) {
  const work = mkdtempSync(join(tmpdir(), 'wasmlens-test-'));
  const started = [];
  const stop = async () => {
    // nginx first so no request reaches a registry that is going away.
    await Promise.allSettled(started.reverse().map((s) => s.stop()));
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

    // htpasswd registry.
    const hDir = join(work, 'htpasswd');
    mkdirSync(hDir, { recursive: true });
    const htpasswdPath = join(hDir, 'htpasswd');
    writeHtpasswd(htpasswdPath);
    const hPort = await freePort();
    const hReg = await startRegistry({
      name: 'htpasswd',
      port: hPort,
      config: htpasswdConfig({ port: hPort, dataDir: join(hDir, 'data'), htpasswdPath }),
      workDir: hDir,
      dataDir: join(hDir, 'data'),
      readyStatus: [401],
    });
    started.push(hReg);

    // Token registry: certificate, token server, then the registry that trusts it.
    const tDir = join(work, 'token');
    mkdirSync(tDir, { recursive: true });
    const { keyPath, certPath } = makeTokenCertificate(tDir);
    const [tokenPort, tPort, hNginxPort, tNginxPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const tokenServer = await startTokenServer({
      port: tokenPort,
      keyPath,
      certPath,
      service: TOKEN_SERVICE,
      issuer: TOKEN_ISSUER,
      origins: [appOrigin],
    });
    started.push(tokenServer);
    const realm = `http://127.0.0.1:${tNginxPort}/token`;
    const tReg = await startRegistry({
      name: 'token',
      port: tPort,
      config: tokenConfig({
        port: tPort,
        dataDir: join(tDir, 'data'),
        realm,
        service: TOKEN_SERVICE,
        issuer: TOKEN_ISSUER,
        rootCertBundle: certPath,
      }),
      workDir: tDir,
      dataDir: join(tDir, 'data'),
      readyStatus: [401],
    });
    started.push(tReg);

    // One nginx with two sites, each answering preflights for the page origin.
    const nginx = await startNginx({
      dir: join(work, 'nginx'),
      sites: [
        renderNginxSite({
          origins: [appOrigin],
          listen: `127.0.0.1:${hNginxPort}`,
          upstream: hReg.url,
          name: 'htpasswd',
        }),
        renderNginxSite({
          origins: [appOrigin],
          listen: `127.0.0.1:${tNginxPort}`,
          upstream: tReg.url,
          tokenUpstream: tokenServer.url,
          name: 'token',
        }),
      ],
      readyUrls: [`http://127.0.0.1:${hNginxPort}/v2/`, `http://127.0.0.1:${tNginxPort}/v2/`],
    });
    started.push(nginx);

    const [dev] = HTPASSWD_USERS;
    registries.htpasswd = {
      url: `http://127.0.0.1:${hNginxPort}`,
      port: hNginxPort,
      upstreamUrl: hReg.url,
      upstreamPort: hPort,
      dataDir: hReg.dataDir,
      username: dev.username,
      password: dev.password,
      users: HTPASSWD_USERS.map((u) => ({ ...u, actions: ['pull', 'push', 'delete'] })),
    };
    registries.token = {
      url: `http://127.0.0.1:${tNginxPort}`,
      port: tNginxPort,
      upstreamUrl: tReg.url,
      upstreamPort: tPort,
      dataDir: tReg.dataDir,
      realm,
      tokenServerUrl: tokenServer.url,
      service: TOKEN_SERVICE,
      username: TOKEN_USERS[0].username,
      password: TOKEN_USERS[0].password,
      users: TOKEN_USERS.map((u) => ({
        username: u.username,
        password: u.password,
        actions: u.grants[0][1].filter((a) => a !== '*'),
      })),
      anonymousPullPrefix: 'public/',
    };
    return { work, registries, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
