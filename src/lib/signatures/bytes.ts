/** Byte helpers for signatures: strict base64 and hex, comparison, concatenation, UTF-8. */
import { fail, type SignatureCheck } from './errors';

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes standard or URL-safe base64 (protobuf JSON accepts both), rejecting anything else with a
 * message naming `what`; whitespace is ignored, as in PEM bodies.
 */
export function fromBase64(text: unknown, what: string, check: SignatureCheck = 'bundle'): Uint8Array {
  if (typeof text !== 'string') fail(check, `${what} is not a base64 string`);
  let s = text.replace(/[\s]/g, '').replace(/-/g, '+').replace(/_/g, '/');
  if (s.length % 4 === 1 || !B64.test(s)) fail(check, `${what} is not valid base64`);
  if (s.length % 4) s += '='.repeat(4 - (s.length % 4));
  let bin: string;
  try {
    bin = atob(s);
  } catch {
    fail(check, `${what} is not valid base64`);
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Standard base64 with padding. */
export function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

/** Lower-case hex. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Decodes hex (either case); null when it is not hex. */
export function fromHex(text: string): Uint8Array | null {
  if (text.length % 2 || !/^[0-9a-fA-F]*$/.test(text)) return null;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Byte-wise equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export { concat } from '../common';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export const utf8 = (text: string): Uint8Array<ArrayBuffer> => encoder.encode(text);

/** Decodes UTF-8, failing with `what` on invalid sequences. */
export function fromUtf8(bytes: Uint8Array, what: string, check: SignatureCheck = 'bundle'): string {
  try {
    return decoder.decode(bytes);
  } catch {
    fail(check, `${what} is not valid UTF-8`);
  }
}

/** The bytes typed as ArrayBuffer-backed, as WebCrypto's TypeScript types require (copied only if shared). */
export function own(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

export type HashName = 'SHA-256' | 'SHA-384' | 'SHA-512';

/** A WebCrypto digest as bytes. */
export async function digest(hash: HashName, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest(hash, own(data)));
}
