// Messages that point the right way (issue 19): a redirect loop is not a DNS/TLS problem, and an upload sent again
// after it finished is not "Not found". Each against a real server: a loopback server that redirects to itself, and
// distribution's own answer to a PUT on a finished upload (404 BLOB_UPLOAD_UNKNOWN, the distribution spec's code).
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createRegistryClient,
  diagnoseFailure,
  errorFromResponse,
  parseReference,
  RegistryError,
  REGISTRY_EXPLANATIONS,
} from '../../src/lib/oci';
import { enc, run, sha } from './oci-helpers';

let server: Server;
let base = '';
beforeAll(async () => {
  // Every path redirects to itself: fetch gives up after 20 redirects.
  server = createServer((req, res) => res.writeHead(302, { Location: req.url ?? '/' }).end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('a registry that redirects in a loop', () => {
  it('fails with redirect-failed, not network', async () => {
    const client = createRegistryClient({ baseUrl: base });
    const ref = parseReference(`${base.replace('http://', '')}/loop/x:1`);
    const e = await client.getManifest(ref).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RegistryError);
    expect((e as RegistryError).code).toBe('redirect-failed');
    expect(REGISTRY_EXPLANATIONS['redirect-failed'].explanation).not.toMatch(/TLS|resolve/);
  });

  it('is diagnosed as a redirect problem: the host answers, its redirects do not end', async () => {
    const d = await diagnoseFailure(base, { pageOrigin: 'http://127.0.0.1:1' });
    expect(d.code).toBe('redirect-failed');
    expect(d.explanation).toContain('loop');
  });
});

const registries = inject('registries');
describe.skipIf(!registries)('an upload sent again after it finished', () => {
  it('is upload-unknown with its own explanation, not not-found', async () => {
    const r = registries!.noauth;
    const started = await fetch(`${r.url}/v2/hostile/resent-${run}/blobs/uploads/`, { method: 'POST' });
    expect(started.status).toBe(202);
    const location = new URL(started.headers.get('location')!, r.url);
    const bytes = enc('the same bytes, twice');
    location.searchParams.set('digest', sha(bytes));
    const put = () =>
      fetch(location, {
        method: 'PUT',
        body: bytes,
        headers: { 'Content-Type': 'application/octet-stream' },
      });
    expect((await put()).status).toBe(201);
    const e = await errorFromResponse(await put(), 'Finishing the upload');
    expect(e.code).toBe('upload-unknown');
    expect(e.status).toBe(404);
    expect(e.message).toContain('BLOB_UPLOAD_UNKNOWN');
    expect(REGISTRY_EXPLANATIONS['upload-unknown'].title).not.toBe(REGISTRY_EXPLANATIONS['not-found'].title);
  });
});
