/** How each layer media type is viewed, and which ones hold WebAssembly (the table itself is lib/common's `MT`). */

import { MT } from '../common';

export { MT };

/** Layer media types whose content is a WebAssembly binary. */
export const WASM_LAYER_TYPES: readonly string[] = [
  MT.kubewardenLayer,
  MT.wasmLayer,
  MT.soloLayer,
  MT.runwasiLayer,
];

/** How a blob of a given media type is best shown. */
export type BlobView = 'wasm' | 'yaml' | 'tar-gzip' | 'json' | 'text' | 'hex';

/** Picks the viewer for a blob from its media type (parameters after `;` are ignored). */
export function viewForMediaType(mediaType: string): BlobView {
  const mt = mediaType.split(';')[0]!.trim().toLowerCase();
  if (WASM_LAYER_TYPES.includes(mt) || mt.endsWith('+wasm')) return 'wasm';
  if (mt.endsWith('+yaml') || mt.endsWith('/yaml') || mt.endsWith('/x-yaml')) return 'yaml';
  if (
    mt.endsWith('tar+gzip') ||
    mt.endsWith('.tar.gzip') ||
    mt.endsWith('tar.gz') ||
    mt === 'application/gzip'
  )
    return 'tar-gzip';
  if (mt.endsWith('+json') || mt === 'application/json') return 'json';
  if (mt.startsWith('text/') || mt.endsWith('.prov')) return 'text';
  return 'hex';
}
