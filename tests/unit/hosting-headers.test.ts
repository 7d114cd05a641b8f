// The CSP headers (issue 19): one policy source (scripts/lib/csp.mjs) for the static server, index.html's <meta>
// and the shipped host configurations, and the workers' test of a header that locks them down.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cspFor, PAGE_CSP, WORKER_CSP } from '../../scripts/lib/csp.mjs';
import { startStaticServer } from '../../scripts/lib/static-server.mjs';
import { parseCsp, workerCspProblem } from '../../src/lib/common';
import { ROOT } from './helpers';

const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

describe('one policy everywhere', () => {
  it('index.html, public/_headers and the nginx example carry the policies of csp.mjs', () => {
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(read('index.html'))![1];
    // A <meta> policy cannot hold frame-ancestors (CSP3 §6.4.2); the rest is the same.
    expect(`${meta}; frame-ancestors 'none'`).toBe(PAGE_CSP);
    for (const file of ['public/_headers', 'docs/nginx-headers.conf']) {
      expect(read(file)).toContain(PAGE_CSP);
      expect(read(file)).toContain(WORKER_CSP);
    }
  });

  it('the static server sends the page policy, and the worker policy for worker scripts', async () => {
    const root = mkdtempSync(join(tmpdir(), 'wasmlens-csp-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html>');
    writeFileSync(join(root, 'assets', 'policy-worker-AbC_1.js'), '');
    writeFileSync(join(root, 'assets', 'index-AbC_1.js'), '');
    const app = await startStaticServer({ root, port: 0 });
    try {
      const csp = async (path: string, dest?: string) =>
        (await fetch(app.url + path, { headers: dest ? { 'Sec-Fetch-Dest': dest } : {} })).headers.get(
          'content-security-policy',
        );
      expect(await csp('/')).toBe(PAGE_CSP);
      expect(await csp('/assets/index-AbC_1.js')).toBe(PAGE_CSP);
      expect(await csp('/assets/policy-worker-AbC_1.js')).toBe(WORKER_CSP);
      expect(await csp('/assets/index-AbC_1.js', 'worker')).toBe(WORKER_CSP);
    } finally {
      await app.close();
      rmSync(root, { recursive: true, force: true });
    }
    expect(cspFor('/src/workers/tools-worker.ts')).toBe(WORKER_CSP);
  });
});

describe('workerCspProblem', () => {
  it('accepts the worker policy alone or enforced beside the page policy', () => {
    expect(workerCspProblem(WORKER_CSP)).toBeNull();
    // Hosts that match two rules send both policies, joined with ", " by Headers.get(); both are enforced.
    expect(workerCspProblem(`${PAGE_CSP}, ${WORKER_CSP}`)).toBeNull();
    expect(workerCspProblem("script-src 'self', connect-src 'none'")).toBeNull();
  });

  it('refuses no header, eval, and connections to other origins', () => {
    expect(workerCspProblem(null)).toMatch(/without a Content-Security-Policy/);
    expect(workerCspProblem(PAGE_CSP)).toMatch(/connections to other origins/);
    expect(workerCspProblem("default-src 'self' 'unsafe-eval'")).toMatch(/eval/);
    expect(workerCspProblem("script-src 'self' https:; connect-src 'self'")).toMatch(/eval or scripts/);
    expect(workerCspProblem("frame-ancestors 'none'")).toMatch(/eval.*connections/);
  });

  it('reads the first of a repeated directive, as CSP3 does', () => {
    expect(parseCsp("connect-src 'self'; connect-src *").get('connect-src')).toEqual(["'self'"]);
  });
});
