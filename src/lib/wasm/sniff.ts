/** Says what a file that is not WebAssembly looks like, so the error can name it. */

const startsWith = (bytes: Uint8Array, sig: number[], at = 0) => sig.every((b, i) => bytes[at + i] === b);

/** A short noun phrase such as "a gzip archive", or null when nothing is recognised. */
export function describeNonWasm(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'an empty file';
  if (startsWith(bytes, [0x1f, 0x8b])) return 'a gzip archive (a .tar.gz or .wasm.gz? unpack it first)';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06]))
    return 'a zip archive';
  if (bytes.length > 262 && startsWith(bytes, [0x75, 0x73, 0x74, 0x61, 0x72], 257)) return 'a tar archive';
  if (startsWith(bytes, [0x28, 0xb5, 0x2f, 0xfd])) return 'a zstd archive';
  if (startsWith(bytes, [0x7f, 0x45, 0x4c, 0x46])) return 'a native ELF executable';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47])) return 'a PNG image';
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46])) return 'a PDF document';
  const text = sniffText(bytes);
  if (text === null) return 'binary data of an unknown kind';
  const head = text.trimStart().slice(0, 512).toLowerCase();
  if (head.startsWith('(module') || head.startsWith('(component'))
    return 'WebAssembly text (WAT); compile it with wat2wasm first';
  if (head.startsWith('<!doctype html') || head.startsWith('<html') || /<(head|body)[\s>]/.test(head))
    return 'an HTML page';
  if (head.startsWith('<')) return 'an XML or HTML document';
  if (head.startsWith('{') || head.startsWith('[')) return 'JSON text';
  if (/^(---|%yaml|[\w.-]+:(\s|$))/m.test(head)) return 'YAML text';
  return 'a text file';
}

/** Decodes the first bytes as UTF-8 text, or returns null if they do not look like text. */
function sniffText(bytes: Uint8Array): string | null {
  const sample = bytes.subarray(0, 1024);
  let controls = 0;
  for (const b of sample) if (b < 0x09 || (b > 0x0d && b < 0x20)) controls++;
  if (controls > 0) return null;
  try {
    // A cut in the middle of a multi-byte sequence at the end of the sample is fine: not fatal.
    return new TextDecoder('utf-8', { fatal: false }).decode(sample);
  } catch {
    return null;
  }
}
