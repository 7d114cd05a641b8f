/**
 * The policy model of the open document, read once per document: every view asks here instead of reading the
 * module itself, so the metadata, the execution mode and the capability scan are the same everywhere.
 */
import { readPolicyModel, type PolicyModel } from '../lib/kubewarden';
import type { OpenDocument } from './document.svelte';

// Keyed by the document's bytes: a new document (new bytes) gets a new model, an old one is collected with them.
const models = new WeakMap<Uint8Array, PolicyModel>();

/**
 * The policy model of `doc`, or null when no module is open. Reading it inside `$derived` ties it to the document:
 * it follows `doc.bytes` and `doc.info`, and is computed only once for the same bytes.
 */
export function policyOf(doc: Pick<OpenDocument, 'bytes' | 'info'>): PolicyModel | null {
  const { bytes, info } = doc;
  if (!bytes || !info) return null;
  let model = models.get(bytes);
  if (!model) {
    model = readPolicyModel(bytes, info);
    models.set(bytes, model);
  }
  return model;
}
