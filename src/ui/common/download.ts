/** Saves bytes or text as a file through a temporary Blob URL and `<a download>`, then revokes the URL. */

/**
 * Starts a download of `data` named `fileName` (callers make untrusted names safe first). A Blob is offered as it
 * is, never copied: a large one may live on disk in the browser's blob store. `data` may also be parts, which the
 * Blob joins as it copies them (no joined copy of them is made first).
 */
export function downloadFile(
  fileName: string,
  data: Uint8Array | string | Blob | Uint8Array[],
  type = 'application/octet-stream',
): void {
  const blob =
    data instanceof Blob ? data : new Blob((Array.isArray(data) ? data : [data]) as BlobPart[], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoking synchronously can cancel the download in some browsers; a short delay is enough.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** `policy.wasm` → `policy`; other names are kept whole. */
export function baseName(fileName: string): string {
  return fileName.replace(/\.wasm$/i, '') || 'policy';
}
