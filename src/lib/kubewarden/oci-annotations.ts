/** The OCI manifest annotations `kwctl push` derives from the metadata (§12.3, crates/kwctl/src/push.rs). */
import { KEY_OCI_SOURCE, KEY_SOURCE } from './constants';
import { sortedAnnotations } from './model';
import type { Metadata } from './types';

export interface OciAnnotations {
  /** Manifest annotations, keys in UTF-8 order; absent when there is no metadata (a forced push). */
  annotations?: Record<string, string>;
  /** Keys left out because their value has more than one line (OCI annotations are single-line). */
  dropped: string[];
}

// Rust's char::is_whitespace (Unicode White_Space); unlike JS trim() it keeps U+FEFF and strips U+0085.
const WS = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const TRIM = new RegExp(`^[${WS}]+|[${WS}]+$`, 'g');

/** Rust `str::trim`. */
export function rustTrim(text: string): string {
  return text.replace(TRIM, '');
}

/** Rust `str::lines().count()`: split at LF, a trailing LF ends the last line, and "" has no lines. */
export function lineCount(text: string): number {
  if (text === '') return 0;
  const parts = text.split('\n');
  return parts[parts.length - 1] === '' ? parts.length - 1 : parts.length;
}

/**
 * kwctl's `build_oci_annotations`: multi-line values dropped, the rest trimmed, and
 * `org.opencontainers.image.source` copied from `io.kubewarden.policy.source` when it is not set.
 */
export function buildOciAnnotations(metadata: Metadata | null): OciAnnotations {
  if (!metadata) return { dropped: [] };
  const kept: [string, string][] = [];
  const dropped: string[] = [];
  for (const [key, value] of Object.entries(sortedAnnotations(metadata.annotations))) {
    if (lineCount(value) > 1) dropped.push(key);
    else kept.push([key, rustTrim(value)]);
  }
  const annotations = Object.fromEntries(kept);
  const has = (k: string) => Object.prototype.hasOwnProperty.call(annotations, k);
  if (has(KEY_SOURCE) && !has(KEY_OCI_SOURCE)) annotations[KEY_OCI_SOURCE] = annotations[KEY_SOURCE];
  return { annotations: sortedAnnotations(annotations), dropped };
}
