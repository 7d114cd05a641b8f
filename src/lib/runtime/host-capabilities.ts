/** Answers Kubewarden host-capability calls from user-editable fixtures; anything else fails naming the capability. */
import { decodeUtf8, encodeUtf8 } from './guest-memory';

/**
 * Fixtures keyed by `namespace/operation` as the guest sends them, for example `net/v1/dns_lookup_host`,
 * `oci/v1/manifest_digest` or `kubernetes/list_resources_by_namespace`. A value is the reply (sent as JSON);
 * `{"$error": "text"}` makes the call fail with that text. An object of payload → reply under `$byPayload` picks
 * a reply by the exact JSON payload the guest sent.
 */
export type HostFixtures = Record<string, unknown>;

export type HostCallResult = { ok: true; reply: Uint8Array } | { ok: false; error: string };

/** One host call as the guest made it, for the console. */
export interface HostCallRecord {
  binding: string;
  namespace: string;
  operation: string;
  payload: string;
  ok: boolean;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses a fixtures document; the UI shows the error text as-is. */
export function parseFixtures(text: string): HostFixtures {
  if (text.trim() === '') return {};
  const value: unknown = JSON.parse(text);
  if (!isRecord(value)) throw new Error('Fixtures must be a JSON object keyed by "namespace/operation".');
  return value;
}

/** Resolves one call against the fixtures. Only binding `kubewarden` is known. */
export function answerHostCall(
  fixtures: HostFixtures,
  binding: string,
  namespace: string,
  operation: string,
  payload: Uint8Array,
): HostCallResult {
  const capability = `${namespace}/${operation}`;
  if (binding !== 'kubewarden')
    return { ok: false, error: `Unknown host binding "${binding}" (capability ${capability}).` };
  if (!Object.hasOwn(fixtures, capability))
    return {
      ok: false,
      error:
        `Host capability ${capability} is not available in Wasmlens: there is no cluster or network here. ` +
        `Add a "${capability}" entry to the fixtures to answer it.`,
    };
  let value = fixtures[capability];
  if (isRecord(value) && isRecord(value.$byPayload)) {
    const key = canonicalPayload(payload);
    if (!Object.hasOwn(value.$byPayload, key))
      return { ok: false, error: `The fixture for ${capability} has no reply for payload ${key}.` };
    value = value.$byPayload[key];
  }
  if (isRecord(value) && typeof value.$error === 'string') return { ok: false, error: value.$error };
  return { ok: true, reply: encodeUtf8(JSON.stringify(value ?? null)) };
}

/** The payload as compact JSON when it parses, else as text, so fixture keys need not match spacing. */
function canonicalPayload(payload: Uint8Array): string {
  const text = decodeUtf8(payload);
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

/** A record for the console: the payload is clipped so a large request does not flood it. */
export function hostCallRecord(
  binding: string,
  namespace: string,
  operation: string,
  payload: Uint8Array,
  ok: boolean,
): HostCallRecord {
  const text = decodeUtf8(payload.subarray(0, 512));
  return { binding, namespace, operation, payload: payload.length > 512 ? text + '…' : text, ok };
}
