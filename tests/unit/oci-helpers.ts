// Shared helpers for the OCI tests: digests, a synthetic annotated policy, and a scripted fetch that records calls.
import { expect } from 'vitest';
import { createHash } from 'node:crypto';
import { concat } from '../../src/lib/common';
import { encodeCustomSection } from '../../src/lib/wasm';
import { RegistryError } from '../../src/lib/oci';

export const sha = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
export const enc = (s: string) => new TextEncoder().encode(s);
export const run = Date.now().toString(36);

/** A valid annotated module of about `size` bytes: header, a big custom section, then the metadata section. */
export function syntheticPolicy(size: number, title = 'big'): Uint8Array {
  const pad = new Uint8Array(size);
  for (let i = 0; i < size; i++) pad[i] = (i * 2654435761) >>> 24;
  const metadata = JSON.stringify({
    protocolVersion: 'v1',
    rules: [],
    annotations: {
      'io.kubewarden.policy.title': title,
      'io.kubewarden.policy.source': 'https://example.test/p',
    },
    mutating: false,
    executionMode: 'wasi',
  });
  const parts = [
    new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]),
    encodeCustomSection('padding', pad),
    encodeCustomSection('io.kubewarden.metadata', new TextEncoder().encode(metadata)),
  ];
  return concat(...parts);
}

export type Handler = (url: URL, init: RequestInit) => Response | Promise<Response>;
export interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}
/** A fetch that records calls and answers from `handler`. */
export function scripted(handler: Handler) {
  const calls: Call[] = [];
  const fn = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input));
    const body =
      init.body instanceof Blob
        ? new Uint8Array(await init.body.arrayBuffer())
        : init.body instanceof Uint8Array
          ? init.body
          : typeof init.body === 'string'
            ? enc(init.body)
            : undefined;
    calls.push({
      method: init.method ?? 'GET',
      url: url.href,
      headers: { ...(init.headers as Record<string, string>) },
      body,
    });
    expect(init.credentials).toBe('omit');
    // Handlers see the bytes, whatever type the client sent them as.
    const res = await handler(url, body ? { ...init, body: body as Uint8Array<ArrayBuffer> } : init);
    Object.defineProperty(res, 'url', { value: url.href });
    return res;
  }) as typeof fetch;
  return { fn, calls };
}

/** The RegistryError `p` rejects with (and a failed expectation when it resolves or rejects with anything else). */
export async function failure(p: Promise<unknown>): Promise<RegistryError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(RegistryError);
  return e as RegistryError;
}
