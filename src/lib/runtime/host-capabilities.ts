/** Host-capability inputs the user gives: Wasmlens' JSON fixtures, or a kwctl session file, told apart by shape. */
import { RuntimeError } from './errors';
import { decodeUtf8, encodeUtf8 } from './guest-memory';
import { looksLikeSession, parseSession, type SessionExchange } from './session';

/**
 * Fixtures keyed by `namespace/operation` as the guest sends them, for example `net/v1/dns_lookup_host`,
 * `oci/v1/manifest_digest` or `kubernetes/list_resources_by_namespace`. A value is the reply (sent as JSON);
 * `{"$error": "text"}` makes the call fail with that text. An object of payload → reply under `$byPayload` picks
 * a reply by the exact JSON payload the guest sent.
 */
export type FixtureMap = Record<string, unknown>;
/** @deprecated The old name of {@link FixtureMap}. */
export type HostFixtures = FixtureMap;

export type HostCallResult = { ok: true; reply: Uint8Array } | { ok: false; error: string };

/** What the fixtures box held: JSON fixtures, or a kwctl session to replay. Spread it into an evaluation. */
export type HostInputs =
  { fixtures: FixtureMap; session?: undefined } | { session: SessionExchange[]; fixtures?: undefined };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads the fixtures box: a JSON object of fixtures, or a kwctl session (a YAML or JSON list of
 * `type: Exchange` items). Errors say which one it was taken for and what is wrong.
 */
export function parseFixtures(text: string): HostInputs {
  if (text.trim() === '') return { fixtures: {} };
  if (looksLikeSession(text)) return { session: parseSession(text) };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new RuntimeError(
      'bad-input',
      `Fixtures must be a JSON object keyed by "namespace/operation", or a kwctl session (a YAML list of exchanges): ${(e as Error).message}`,
    );
  }
  if (!isRecord(value))
    throw new RuntimeError('bad-input', 'Fixtures must be a JSON object keyed by "namespace/operation".');
  return { fixtures: value };
}

/**
 * The fixture for `capability` and this payload: the reply text, a fixture error, or null when there is no
 * fixture for the capability at all.
 */
export function answerFixture(
  fixtures: FixtureMap,
  capability: string,
  payload: string,
): { ok: true; reply: string } | { ok: false; error: string } | null {
  if (!Object.hasOwn(fixtures, capability)) return null;
  let value = fixtures[capability];
  if (isRecord(value) && isRecord(value.$byPayload)) {
    const key = canonicalPayload(payload);
    if (!Object.hasOwn(value.$byPayload, key))
      return { ok: false, error: `The fixture for ${capability} has no reply for payload ${key}.` };
    value = value.$byPayload[key];
  }
  if (isRecord(value) && typeof value.$error === 'string') return { ok: false, error: value.$error };
  return { ok: true, reply: JSON.stringify(value ?? null) };
}

/** Resolves one guest call against JSON fixtures alone. Only binding `kubewarden` is known. */
export function answerHostCall(
  fixtures: FixtureMap,
  binding: string,
  namespace: string,
  operation: string,
  payload: Uint8Array,
): HostCallResult {
  const capability = `${namespace}/${operation}`;
  if (binding !== 'kubewarden')
    return { ok: false, error: `Unknown host binding "${binding}" (capability ${capability}).` };
  const r = answerFixture(fixtures, capability, decodeUtf8(payload));
  if (r === null)
    return {
      ok: false,
      error:
        `Host capability ${capability} is not available in Wasmlens: there is no cluster or network here. ` +
        `Add a "${capability}" entry to the fixtures to answer it.`,
    };
  return r.ok ? { ok: true, reply: encodeUtf8(r.reply) } : r;
}

/** The payload as compact JSON when it parses, else as text, so fixture keys need not match spacing. */
function canonicalPayload(payload: string): string {
  try {
    return JSON.stringify(JSON.parse(payload));
  } catch {
    return payload;
  }
}
