// Debian nginx as the CORS/preflight proxy in front of authenticating registries (docs/oci.md §8.3 A, §12.3).
// renderNginxSite() is the user-facing recipe; startNginx() runs it unprivileged for tests.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALLOWED_HEADERS, ALLOWED_METHODS, EXPOSED_HEADERS } from './registry.mjs';
import { waitForHttp } from './ports.mjs';

const HIDE = [
  'Access-Control-Allow-Origin',
  'Access-Control-Allow-Methods',
  'Access-Control-Allow-Headers',
  'Access-Control-Allow-Credentials',
  'Access-Control-Expose-Headers',
  'Access-Control-Max-Age',
];

/** The CORS part of a location block: OPTIONS answered here, upstream CORS headers replaced by ours. */
function corsLocation(path, upstream, originVar) {
  return `    location ${path} {
        if ($request_method = OPTIONS) {
            add_header Access-Control-Allow-Origin  ${originVar} always;
            add_header Access-Control-Allow-Methods "${ALLOWED_METHODS}" always;
            add_header Access-Control-Allow-Headers "${ALLOWED_HEADERS}" always;
            add_header Access-Control-Max-Age 600 always;
            add_header Vary Origin always;
            return 204;
        }
        proxy_pass ${upstream};
        proxy_set_header Host $host:$server_port;
        proxy_set_header X-Forwarded-Proto $scheme;
${HIDE.map((h) => `        proxy_hide_header ${h};`).join('\n')}
        add_header Access-Control-Allow-Origin ${originVar} always;
        add_header Access-Control-Expose-Headers "${EXPOSED_HEADERS}" always;
        add_header Vary Origin always;
    }
`;
}

/**
 * Renders an nginx site (the part Debian includes inside `http {}`) that proxies `/v2/` to `upstream` and answers
 * CORS preflights itself for the exact origins in `origins` ('*' allows any origin).
 * `name` keeps the `map` variable unique when several sites share one nginx; `tokenUpstream` adds
 * `location /token` for a token server on the same origin (§12.4).
 */
export function renderNginxSite({ origins, listen, upstream, tokenUpstream, name = 'wasmlens' }) {
  const list = Array.isArray(origins) ? origins : [origins];
  const variable = `$${name.replace(/[^a-z0-9_]/gi, '_')}_cors_origin`;
  const any = list.includes('*');
  const map = any
    ? ''
    : `map $http_origin ${variable} {
    default "";
${list.map((o) => `    ${JSON.stringify(o)} $http_origin;`).join('\n')}
}
`;
  const originVar = any ? '"*"' : variable;
  return `${map}server {
    listen ${listen};
    client_max_body_size 0;
    proxy_request_buffering off;
    proxy_buffering off;
    proxy_read_timeout 900s; proxy_send_timeout 900s;
${corsLocation('/v2/', upstream, originVar)}${tokenUpstream ? corsLocation('/token', tokenUpstream, originVar) : ''}}
`;
}

/** A main nginx.conf that keeps pid, logs and temp files under `dir`, so nginx runs without root or /etc. */
export function renderNginxMain({ dir, sites }) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return `${isRoot ? 'user root;\n' : ''}worker_processes 1;
daemon off;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 256; }
http {
    access_log ${join(dir, 'access.log')};
    client_body_temp_path ${join(dir, 'client_body')};
    proxy_temp_path ${join(dir, 'proxy')};
    fastcgi_temp_path ${join(dir, 'fastcgi')};
    uwsgi_temp_path ${join(dir, 'uwsgi')};
    scgi_temp_path ${join(dir, 'scgi')};
${sites.map((s) => s.replace(/^/gm, '    ')).join('\n')}
}
`;
}

/**
 * Starts `nginx -p dir -c dir/nginx.conf` with the given sites and waits until every `readyUrls` entry answers.
 * Returns { stop } that ends the master process (it takes its workers down).
 */
export async function startNginx({ dir, sites, readyUrls = [] }) {
  mkdirSync(dir, { recursive: true });
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, renderNginxMain({ dir, sites }));
  const log = openSync(join(dir, 'nginx.out'), 'a');
  const child = spawn('nginx', ['-p', dir, '-c', conf], { stdio: ['ignore', log, log] });
  let exited = false;
  const done = new Promise((resolve) => {
    child.once('exit', () => ((exited = true), resolve()));
    // A missing binary emits 'error' and no 'exit'.
    child.once('error', () => ((exited = true), resolve()));
  });
  const stop = async () => {
    if (!exited) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await done;
    clearTimeout(timer);
  };
  try {
    for (const url of readyUrls) await waitForHttp(url, { isAlive: () => !exited });
  } catch (e) {
    await stop();
    throw new Error(`nginx did not start: ${e.message} (log: ${join(dir, 'error.log')})`, { cause: e });
  }
  return { stop };
}
