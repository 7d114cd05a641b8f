/** kwctl's push refusal rules (kubewarden.md §12.2): unannotated needs force; Rego without metadata never. */
import { buildOciAnnotations, isRego, readMetadata, type Metadata } from '../kubewarden';
import { RegistryError } from './errors';

/** What a push of these bytes would do. */
export interface PushCheck {
  allowed: boolean;
  /** Why it is refused (kwctl's text), when `allowed` is false. */
  reason?: string;
  /** Warnings to show (kwctl's texts, plus dropped multi-line annotations). */
  warnings: string[];
  annotated: boolean;
  rego: boolean;
  /** The manifest annotations kwctl would write (undefined: no `annotations` field). */
  annotations?: Record<string, string>;
}

export const UNANNOTATED_REFUSAL =
  'Cannot push a policy that is not annotated. Use `annotate` command or `push --force`';
export const REGO_REFUSAL = 'Rego policies cannot be pushed without metadata';
export const UNANNOTATED_WARNING = 'Warning: pushing a non-annotated policy!';

/**
 * Decides whether `wasmBytes` may be pushed. Throws RegistryError `push-refused` only through
 * {@link assertPushAllowed}; this function reports.
 */
export function checkPushAllowed(wasmBytes: Uint8Array, { force = false } = {}): PushCheck {
  let metadata: Metadata | null;
  try {
    // The first metadata section wins, as in every Kubewarden reader.
    metadata = readMetadata(wasmBytes)?.metadata ?? null;
  } catch (e) {
    return {
      allowed: false,
      reason: `The policy metadata cannot be read: ${(e as Error).message}`,
      warnings: [],
      annotated: true,
      rego: false,
    };
  }
  const rego = isRego(wasmBytes);
  if (!metadata) {
    if (!force) return { allowed: false, reason: UNANNOTATED_REFUSAL, warnings: [], annotated: false, rego };
    if (rego) return { allowed: false, reason: REGO_REFUSAL, warnings: [], annotated: false, rego };
    return { allowed: true, warnings: [UNANNOTATED_WARNING], annotated: false, rego };
  }
  const { annotations, dropped } = buildOciAnnotations(metadata);
  const warnings = dropped.map(
    (k) => `The annotation ${k} has more than one line and is not added to the manifest.`,
  );
  return { allowed: true, warnings, annotated: true, rego, annotations };
}

/** Like {@link checkPushAllowed}, but throws RegistryError `push-refused` when the push is refused. */
export function assertPushAllowed(wasmBytes: Uint8Array, options: { force?: boolean } = {}): PushCheck {
  const check = checkPushAllowed(wasmBytes, options);
  if (!check.allowed) throw new RegistryError('push-refused', check.reason ?? 'The push is refused.');
  return check;
}
