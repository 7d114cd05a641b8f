/** YAML output: the metadata as `kwctl inspect -o yaml` shows it, and the YAML snippets of the Inspect view. */
import { stringify } from 'yaml';
import { canonicalMetadata } from './model';
import type { Metadata } from './types';

/** YAML text of any plain value; strings that would read back as numbers or booleans are quoted. */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
}

/**
 * The metadata as YAML: keys in §2.2 order, defaults filled in, usage included, optional keys only when set.
 * The same content as `kwctl inspect -o yaml` (serde_yaml's exact formatting is not reproduced).
 */
export function metadataToYaml(metadata: Metadata): string {
  return toYaml(canonicalMetadata(metadata));
}
