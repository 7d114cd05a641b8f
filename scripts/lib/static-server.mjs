// A small static file server for the built app, used by `npm start` and the e2e tests.
// It also answers /wasmlens-config.json, which tells the app about the local default registry.
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { cspFor } from './csp.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.wat': 'text/plain; charset=utf-8',
};

/** Serves `root` on 127.0.0.1:port. `getConfig()` supplies the runtime config. Resolves to { url, close }. */
export function startStaticServer({ root, port, getConfig = () => ({}) }) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    // The header, not index.html's <meta>, is what reaches the workers (their scripts get the stricter policy).
    res.setHeader('Content-Security-Policy', cspFor(path, String(req.headers['sec-fetch-dest'] ?? '')));
    if (path === '/wasmlens-config.json') {
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('Cache-Control', 'no-store');
      res.end(JSON.stringify(getConfig()));
      return;
    }
    let file = normalize(join(root, path));
    if (!file.startsWith(normalize(root + sep)) && file !== normalize(root)) {
      res.writeHead(403).end('forbidden');
      return;
    }
    let stat = safeStat(file);
    if (stat?.isDirectory()) {
      file = join(file, 'index.html');
      stat = safeStat(file);
    }
    if (!stat) {
      // Unknown paths that look like app routes get the app; missing assets get a real 404.
      if (extname(path)) {
        res.writeHead(404).end('not found');
        return;
      }
      file = join(root, 'index.html');
      stat = safeStat(file);
      if (!stat) {
        res.writeHead(503).end('The app is not built yet: run npm run build.');
        return;
      }
    }
    const hashed = /\/assets\//.test(file);
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': stat.size,
      'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const actual = server.address().port;
      resolve({
        url: `http://127.0.0.1:${actual}`,
        port: actual,
        // A browser keeps connections alive; without closing them, close() waits for the browser to let go.
        close: () =>
          new Promise((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
      });
    });
  });
}

function safeStat(file) {
  try {
    return statSync(file);
  } catch {
    return null;
  }
}
