// Registry notes: a registry's Warning headers (RFC 7234 §5.5, code 299, as distribution sends for deprecated
// APIs) become notes kept once per registry and message with a count, not one line per response. The registry
// here is a small real HTTP server on 127.0.0.1 that answers every manifest request with two warnings.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connections } from '../../src/state/connections.svelte';

let server: Server;
let host = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Warning', '299 - "This API is deprecated", 299 - "Second note"');
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('registry notes', () => {
  it('keeps each warning once, with its registry and how many times it was seen', async () => {
    const connections = new Connections();
    const client = connections.clientFor(`${host}/notes/x:v1`);
    for (let i = 0; i < 3; i++) expect(await client.headManifest(`${host}/notes/x:v1`)).toBeNull();
    expect(connections.notes).toEqual([
      { registry: host, message: 'This API is deprecated', count: 3 },
      { registry: host, message: 'Second note', count: 3 },
    ]);
    connections.clearNotes();
    expect(connections.notes).toEqual([]);
  });
});
