// Proves the registry harness: a real docker-registry accepts a blob and gives the same bytes back.
import { describe, expect, inject, it } from 'vitest';
import { createHash } from 'node:crypto';

const registries = inject('registries');

describe.skipIf(!registries)('test registry harness', () => {
  it('stores a blob with POST then PUT and serves it back by digest', async () => {
    const base = registries!.noauth.url;
    const body = new TextEncoder().encode(`wasmlens harness ${Date.now()}`);
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;

    const start = await fetch(`${base}/v2/harness/blobs/uploads/`, { method: 'POST' });
    expect(start.status).toBe(202);
    const location = new URL(start.headers.get('location')!, start.url);
    location.searchParams.set('digest', digest);
    const put = await fetch(location, {
      method: 'PUT',
      body,
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    expect(put.status).toBe(201);

    const get = await fetch(`${base}/v2/harness/blobs/${digest}`);
    expect(get.status).toBe(200);
    expect(new Uint8Array(await get.arrayBuffer())).toEqual(body);
  });

  it('sends CORS headers only from the CORS-enabled registry', async () => {
    const withCors = await fetch(`${registries!.noauth.url}/v2/`, {
      headers: { Origin: 'http://example.test' },
    });
    const without = await fetch(`${registries!.nocors.url}/v2/`, {
      headers: { Origin: 'http://example.test' },
    });
    expect(withCors.headers.get('access-control-allow-origin')).toBe('*');
    expect(without.headers.get('access-control-allow-origin')).toBeNull();
  });
});
