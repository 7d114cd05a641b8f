/** Reads the request and settings the user typed (JSON or YAML) into the shapes the runtimes expect. */
import { MAX_YAML_DEPTH, yamlTooDeepAt } from '../common';
import { parse as parseYaml } from 'yaml';
import { RuntimeError } from './errors';

export type JsonObject = Record<string, unknown>;

function isRecord(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON first (exact numbers and strings), YAML otherwise; errors name the field being read. */
export function parseDocument(text: string, what: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    const deep = yamlTooDeepAt(trimmed);
    if (deep !== null)
      throw new RuntimeError(
        'bad-input',
        `The ${what} nests deeper than ${MAX_YAML_DEPTH} levels at line ${deep}.`,
      );
    try {
      return parseYaml(trimmed, { maxAliasCount: 100 });
    } catch (e) {
      throw new RuntimeError('bad-input', `The ${what} is neither JSON nor YAML: ${(e as Error).message}`);
    }
  }
}

/**
 * The AdmissionRequest from an AdmissionReview (`{"request": {...}}`) or a bare request. For `raw` policies
 * the whole document is the request.
 */
export function readAdmissionRequest(
  text: string,
  policyType: 'kubernetes' | 'raw' = 'kubernetes',
): JsonObject {
  const doc = parseDocument(text, 'request');
  if (!isRecord(doc)) throw new RuntimeError('bad-input', 'The request must be a JSON or YAML object.');
  if (policyType === 'raw') return doc;
  const inner = doc.kind === 'AdmissionReview' || isRecord(doc.request) ? doc.request : doc;
  if (!isRecord(inner)) throw new RuntimeError('bad-input', 'The AdmissionReview has no "request" object.');
  if (typeof inner.operation !== 'string')
    throw new RuntimeError(
      'bad-input',
      'The admission request has no "operation" (CREATE, UPDATE, DELETE or CONNECT).',
    );
  return inner;
}

/** Settings as an object; empty text means `{}`. */
export function readSettings(text: string): JsonObject {
  const doc = parseDocument(text, 'settings');
  if (doc === undefined || doc === null) return {};
  if (!isRecord(doc)) throw new RuntimeError('bad-input', 'The settings must be a JSON or YAML object.');
  return doc;
}
