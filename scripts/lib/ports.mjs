// Free TCP ports on loopback, and waiting for a server to answer.
import { createServer } from 'node:net';

/** A port the OS says is free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** True when something already listens on 127.0.0.1:port. */
export function portInUse(port) {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(true));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(false)));
  });
}

/** Polls `url` until `ok(status)` or the deadline; throws with the last failure. */
export async function waitForHttp(
  url,
  { ok = (s) => s < 500, timeoutMs = 20_000, isAlive = () => true } = {},
) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`The server for ${url} exited before it answered.`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel();
      if (ok(res.status)) return res.status;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = e.cause?.code ?? String(e);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms (${last}).`);
}
