/** The open document: the bytes the user dropped or pulled, and what the Wasm library read from them. */
import { parseWasm, WasmParseError, type WasmInfo } from '../lib/wasm';
import { sha256Hex } from '../lib/common';

/** Where the open bytes came from: a local file, or a registry pull (for signatures and re-push). */
export type DocumentSource =
  { kind: 'file' } | { kind: 'registry'; reference: string; digest: string; manifestDigest?: string };

export interface OpenError {
  code: string;
  message: string;
}

export class OpenDocument {
  name = $state('');
  /** Raw bytes: never deep-proxied. */
  bytes = $state.raw<Uint8Array | null>(null);
  info = $state.raw<WasmInfo | null>(null);
  sha256 = $state<string | null>(null);
  error = $state.raw<OpenError | null>(null);
  loading = $state(false);
  source = $state.raw<DocumentSource>({ kind: 'file' });

  /** Opens a File from the picker or a drop. A bad file sets `error` and keeps nothing half-read. */
  async openFile(file: File): Promise<void> {
    this.loading = true;
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      await this.openBytes(file.name, bytes);
    } catch (e) {
      this.fail(file.name, { code: 'read-failed', message: `The file could not be read: ${String(e)}` });
    } finally {
      this.loading = false;
    }
  }

  /**
   * Opens bytes from any source; replaces the open document only when they parse. The view draws as soon as the
   * section table is read; the digest follows. `verifiedDigest` (`sha256:…`) is the digest the bytes were already
   * verified against (a registry pull), which saves hashing them a second time.
   */
  async openBytes(
    name: string,
    bytes: Uint8Array,
    source: DocumentSource = { kind: 'file' },
    verifiedDigest?: string,
  ): Promise<void> {
    let info: WasmInfo;
    try {
      info = parseWasm(bytes);
    } catch (e) {
      if (e instanceof WasmParseError) return this.fail(name, { code: e.code, message: e.message });
      throw e;
    }
    this.name = name;
    this.bytes = bytes;
    this.info = info;
    this.error = null;
    this.source = source;
    this.sha256 = null;
    const hex = verifiedDigest?.startsWith('sha256:') ? verifiedDigest.slice(7) : await sha256Hex(bytes);
    // Another file may have been opened while hashing; only the current one gets its digest.
    if (this.bytes !== bytes) return;
    this.sha256 = hex;
    this.onOpened?.(this);
  }

  /** Called after a document opened and was hashed; the app wires it to the recents list. */
  onOpened: ((doc: OpenDocument) => void) | null = null;

  private fail(name: string, error: OpenError): void {
    this.name = name;
    this.bytes = null;
    this.info = null;
    this.sha256 = null;
    this.error = error;
  }
}
