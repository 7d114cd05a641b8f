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

/** How long a file read runs before "Reading …" shows. */
const READING_STATUS_DELAY_MS = 150;

/** Called once the document is on screen, before it is hashed: where to go next need not wait for the digest. */
export interface ShownHook {
  onShown?: () => void;
}

export interface OpenBytesOptions extends ShownHook {
  /** Where the bytes came from (default: a local file). */
  source?: DocumentSource;
  /** The digest (`sha256:…`) the bytes were already verified against, which saves hashing them again. */
  verifiedDigest?: string;
}

export class OpenDocument {
  name = $state('');
  /** Raw bytes: never deep-proxied. */
  bytes = $state.raw<Uint8Array | null>(null);
  info = $state.raw<WasmInfo | null>(null);
  sha256 = $state<string | null>(null);
  /** Why the digest could not be computed (then `sha256` stays null, and nothing is recorded in Recent). */
  digestError = $state<string | null>(null);
  error = $state.raw<OpenError | null>(null);
  loading = $state(false);
  source = $state.raw<DocumentSource>({ kind: 'file' });
  /** The File the open bytes were read from, while they are still exactly its bytes (see {@link fileOf}). */
  private file: { file: File; bytes: Uint8Array } | null = null;

  /**
   * Opens a File from the picker or a drop. A bad file sets `error` and keeps nothing half-read. "Reading …"
   * shows only for a read long enough to notice: for most files it would cost a frame to draw and another to
   * remove, both before the file's own view.
   */
  async openFile(file: File, { onShown }: ShownHook = {}): Promise<void> {
    const status = setTimeout(() => (this.loading = true), READING_STATUS_DELAY_MS);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
      if (!this.show(file.name, bytes, { kind: 'file' })) return;
      this.file = { file, bytes };
    } catch (e) {
      this.fail(file.name, { code: 'read-failed', message: `The file could not be read: ${String(e)}` });
      return;
    } finally {
      clearTimeout(status);
      this.loading = false;
    }
    onShown?.();
    await this.settle(bytes);
  }

  /**
   * Opens bytes from any source; replaces the open document only when they parse. Resolves once the document is
   * hashed and recorded (see {@link show} and {@link settle}, for callers that go on before that).
   */
  async openBytes(
    name: string,
    bytes: Uint8Array,
    { source = { kind: 'file' }, verifiedDigest, onShown }: OpenBytesOptions = {},
  ): Promise<void> {
    if (!this.show(name, bytes, source, verifiedDigest)) return;
    onShown?.();
    await this.settle(bytes);
  }

  /**
   * Shows the bytes at once (the view draws as soon as the section table is read), or sets `error` and returns
   * false when they do not parse. `verifiedDigest` (`sha256:…`) is the digest the bytes were already verified
   * against (a registry pull), which saves hashing them again.
   */
  show(name: string, bytes: Uint8Array, source: DocumentSource, verifiedDigest?: string): boolean {
    let info: WasmInfo;
    try {
      info = parseWasm(bytes);
    } catch (e) {
      if (e instanceof WasmParseError) {
        this.fail(name, { code: e.code, message: e.message });
        return false;
      }
      throw e;
    }
    this.name = name;
    this.bytes = bytes;
    this.file = null;
    this.info = info;
    this.error = null;
    this.source = source;
    this.sha256 = verifiedDigest?.startsWith('sha256:') ? verifiedDigest.slice(7) : null;
    this.digestError = null;
    return true;
  }

  /**
   * The rest of opening `bytes`, after the view is drawn: hashing (WebCrypto copies the bytes on this thread) and
   * `onOpened` (the recents list). Never rejects; a document replaced meanwhile is left alone.
   */
  async settle(bytes: Uint8Array): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (this.bytes !== bytes) return;
    if (!this.sha256) {
      let hex: string;
      try {
        hex = await sha256Hex(bytes);
      } catch (e) {
        if (this.bytes === bytes) this.digestError = `The sha256 could not be computed: ${String(e)}`;
        return;
      }
      if (this.bytes !== bytes) return;
      this.sha256 = hex;
    }
    this.onOpened?.(this);
  }

  /**
   * The File `bytes` were read from, while they are its bytes; else null. A File is a Blob the browser already
   * holds: as a request body it costs no copy of the bytes and no hand-over to the network process (a 14 MB push:
   * 15 ms and more). A file changed on disk since it was opened can no longer be read: see {@link fileReadable}.
   */
  fileOf(bytes: Uint8Array): File | null {
    // Every other way to new bytes (show, fail) drops the File, so the kept pair is always the open document's.
    return this.file?.bytes === bytes ? this.file.file : null;
  }

  /**
   * False once the opened file changed on disk (the browser then refuses to read it: NotReadableError, and
   * ERR_UPLOAD_FILE_CHANGED for a request body); the document stops offering it, and its bytes are what counts.
   */
  async fileReadable(file: File): Promise<boolean> {
    try {
      await file.slice(0, 1).arrayBuffer();
      return true;
    } catch {
      if (this.file?.file === file) this.file = null;
      return false;
    }
  }

  /** Called after a document opened and was hashed; the app wires it to the recents list. */
  onOpened: ((doc: OpenDocument) => void) | null = null;

  private fail(name: string, error: OpenError): void {
    this.name = name;
    this.bytes = null;
    this.file = null;
    this.info = null;
    this.sha256 = null;
    this.digestError = null;
    this.error = error;
  }
}
