/** PEM armour: the blocks of a text, each with its label and DER bytes. */
import { fromBase64 } from './bytes';
import { fail, type SignatureCheck } from './errors';

export interface PemBlock {
  label: string;
  der: Uint8Array;
}

/** The largest PEM text read: certificate chains and keys are a few kilobytes. */
export const MAX_PEM_CHARS = 1024 * 1024;

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** Every PEM block in `text`, in order; fails when there is none or one is not base64. */
export function parsePem(text: unknown, what: string, check: SignatureCheck = 'key'): PemBlock[] {
  if (typeof text !== 'string') fail(check, `${what} is not PEM text`);
  if (text.length > MAX_PEM_CHARS)
    fail(check, `${what} is ${text.length} characters, more than any PEM file`);
  const blocks: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const body = m[2]!.replace(/^[A-Za-z-]+:.*$/gm, '');
    blocks.push({ label: m[1]!, der: fromBase64(body, `${what} (${m[1]})`, check) });
  }
  if (blocks.length === 0) fail(check, `${what} contains no PEM block (-----BEGIN …-----)`);
  return blocks;
}

/** PEM text for DER bytes. */
export function toPem(label: string, der: Uint8Array): string {
  let bin = '';
  for (const b of der) bin += String.fromCharCode(b);
  const b64 = btoa(bin);
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
