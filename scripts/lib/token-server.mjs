// A small Docker token server (distribution spec/auth/token.md and oauth.md) for the token-auth test registry.
// Signs ES256 JWTs with a key and self-signed certificate made by openssl; per-user, per-repository permissions.
import { spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, randomBytes, sign, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { ALLOWED_HEADERS } from './registry.mjs';

/**
 * Test users. `grants` lists [repository pattern, actions]; a pattern ending in `*` matches a prefix.
 * `dev` may do anything, `reader` may only pull; anonymous callers may pull repositories under `public/`.
 */
export const TOKEN_USERS = [
  { username: 'dev', password: 'devpass', grants: [['*', ['pull', 'push', 'delete', '*']]] },
  { username: 'reader', password: 'readerpass', grants: [['*', ['pull']]] },
];
const ANONYMOUS_GRANTS = [['public/*', ['pull']]];

/** Makes an ES256 key and its self-signed certificate in `dir` with openssl; returns their paths. */
export function makeTokenCertificate(dir) {
  const keyPath = join(dir, 'token.key');
  const certPath = join(dir, 'token.crt');
  const r = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2'].concat([
      '-subj',
      '/CN=wasmlens-test-token',
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ]),
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr || r.error}`);
  return { keyPath, certPath };
}

/** libtrust key ID: SHA-256 of the SPKI DER, first 30 bytes, base32 without padding, 12 groups of 4 joined by ':'. */
export function libtrustKeyId(spkiDer) {
  const bytes = createHash('sha256').update(spkiDer).digest().subarray(0, 30);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const b of bytes) bits += b.toString(2).padStart(8, '0');
  let out = '';
  for (let i = 0; i + 5 <= bits.length; i += 5) out += alphabet[parseInt(bits.slice(i, i + 5), 2)];
  return out.match(/.{4}/g).join(':');
}

const b64url = (buf) => Buffer.from(buf).toString('base64url');

function allowedActions(grants, repo) {
  const out = new Set();
  for (const [pattern, actions] of grants) {
    const match = pattern.endsWith('*') ? repo.startsWith(pattern.slice(0, -1)) : repo === pattern;
    if (match) actions.forEach((a) => out.add(a));
  }
  return out;
}

/** Parses `type:name:actions` (name may hold `host:port`: split type at the first ':' and actions at the last). */
function parseScope(s) {
  const first = s.indexOf(':');
  const last = s.lastIndexOf(':');
  if (first < 0 || last === first) return null;
  return { type: s.slice(0, first), name: s.slice(first + 1, last), actions: s.slice(last + 1).split(',') };
}

/**
 * Starts the token server on 127.0.0.1:`port`. `keyIdMode` is 'kid' (libtrust key ID) or 'x5c' (certificate chain).
 * `origins` are the page origins it answers CORS for when reached directly (nginx replaces these headers).
 * Resolves to { url, stop, stats } where stats counts token requests by kind.
 */
export async function startTokenServer({
  port,
  keyPath,
  certPath,
  service,
  issuer,
  keyIdMode = 'kid',
  origins = ['*'],
  expiresIn = 300,
}) {
  const key = createPrivateKey(readFileSync(keyPath));
  const cert = new X509Certificate(readFileSync(certPath));
  const header =
    keyIdMode === 'x5c'
      ? { typ: 'JWT', alg: 'ES256', x5c: [cert.raw.toString('base64')] }
      : {
          typ: 'JWT',
          alg: 'ES256',
          kid: libtrustKeyId(cert.publicKey.export({ type: 'spki', format: 'der' })),
        };
  const refreshTokens = new Map();
  const stats = { get: 0, post: 0, denied: 0 };

  const issue = (username, scopes) => {
    const user = TOKEN_USERS.find((u) => u.username === username);
    const grants = user ? user.grants : ANONYMOUS_GRANTS;
    const access = [];
    for (const s of scopes) {
      const scope = parseScope(s);
      if (!scope) continue;
      const allowed = allowedActions(grants, scope.type === 'registry' ? '*' : scope.name);
      const actions = scope.actions.filter((a) => allowed.has(a) || allowed.has('*'));
      if (scope.type === 'registry' && !user) continue;
      access.push({ type: scope.type, name: scope.name, actions });
    }
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: issuer,
      sub: username ?? '',
      aud: service,
      exp: now + expiresIn,
      nbf: now - 10,
      iat: now,
      jti: randomBytes(12).toString('hex'),
      access,
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const sig = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
    return `${input}.${b64url(sig)}`;
  };

  const basicUser = (req) => {
    const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m) return { anonymous: true };
    const text = Buffer.from(m[1], 'base64').toString('utf8');
    const i = text.indexOf(':');
    const user = TOKEN_USERS.find((u) => u.username === text.slice(0, i) && u.password === text.slice(i + 1));
    return user ? { username: user.username } : { bad: true };
  };

  const server = createServer((req, res) => {
    const origin = req.headers.origin;
    if (origin && (origins.includes('*') || origins.includes(origin))) {
      res.setHeader('Access-Control-Allow-Origin', origins.includes('*') ? '*' : origin);
      res.setHeader('Vary', 'Origin');
    }
    const json = (status, body) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url, 'http://127.0.0.1');
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.setHeader('Access-Control-Max-Age', '600');
      res.writeHead(204).end();
      return;
    }
    if (url.pathname !== '/token')
      return json(404, { errors: [{ code: 'NOT_FOUND', message: 'not found' }] });
    const respond = (username, scopes, wantRefresh) => {
      const token = issue(username, scopes);
      const body = { token, access_token: token, expires_in: expiresIn, issued_at: new Date().toISOString() };
      if (wantRefresh && username) {
        const refresh = randomBytes(24).toString('hex');
        refreshTokens.set(refresh, username);
        body.refresh_token = refresh;
      }
      json(200, body);
    };
    const deny = () => {
      stats.denied++;
      res.setHeader('WWW-Authenticate', 'Basic realm="wasmlens-test-token"');
      json(401, { errors: [{ code: 'UNAUTHORIZED', message: 'invalid username or password' }] });
    };
    if (req.method === 'GET') {
      stats.get++;
      if (url.searchParams.get('service') !== service) return json(400, { error: 'invalid service' });
      const who = basicUser(req);
      if (who.bad) return deny();
      const scopes = url.searchParams.getAll('scope').flatMap((s) => s.split(' ').filter(Boolean));
      return respond(who.username, scopes, url.searchParams.get('offline_token') === 'true');
    }
    if (req.method === 'POST') {
      stats.post++;
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (c) => {
        if (raw.length < 65536) raw += c;
      });
      req.on('end', () => {
        const form = new URLSearchParams(raw);
        if (form.get('service') !== service || !form.get('client_id'))
          return json(400, { error: 'invalid_request' });
        const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
        const grant = form.get('grant_type');
        let username;
        if (grant === 'password') {
          const u = TOKEN_USERS.find(
            (x) => x.username === form.get('username') && x.password === form.get('password'),
          );
          if (!u) return deny();
          username = u.username;
        } else if (grant === 'refresh_token') {
          username = refreshTokens.get(form.get('refresh_token') ?? '');
          if (!username) return deny();
        } else return json(400, { error: 'unsupported_grant_type' });
        respond(username, scopes, form.get('access_type') === 'offline' || grant === 'refresh_token');
      });
      return;
    }
    json(405, { error: 'method not allowed' });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}
