// The page's outside world for rune classes running in Node: IndexedDB (fake-indexeddb: Node has none), the
// address (`location`), and a fetch that records every request the state layer sends, so tests can count them.
import 'fake-indexeddb/auto';
import { beforeEach } from 'vitest';
import { requests } from './helpers';

const page = { origin: 'http://127.0.0.1:4173', protocol: 'http:', hash: '', href: 'http://127.0.0.1:4173/' };
Object.defineProperty(globalThis, 'location', { value: page, configurable: true, writable: true });

const realFetch = globalThis.fetch;
globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const headers = new Headers(init?.headers);
  requests.push({ url, method: init?.method ?? 'GET', authorization: headers.get('authorization') });
  return realFetch(input, init);
};

beforeEach(() => {
  requests.length = 0;
  page.hash = '';
});
