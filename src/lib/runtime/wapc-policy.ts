/** Kubewarden operations over waPC: protocol version detection, settings validation and validation. */
import { fromValidationResponse, verdictFromValidationResponse } from './admission-response';
import { RuntimeError, serializeError } from './errors';
import { requestObject, requestUid, runPrepared, validatePayload, type Prepare } from './evaluation';
import { encodeUtf8 } from './guest-memory';
import type { FixtureMap } from './host-capabilities';
import type { EvaluateInput, EvaluationResult } from './types';
import type { JsonObject } from './request';
import { settingsVerdict, type SettingsVerdict, type Verdict } from './verdict';
import { WapcGuest, parseReply } from './wapc';

export type DetectedProtocolVersion = 'v1' | 'Unknown';

const DETECT_PREFIX = 'Error while detecting Kubewarden protocol version: ';

/**
 * Runs `protocol_version` in a fresh instance, as kwctl does when annotating. Any failure becomes a
 * `protocol-version` error worded like kwctl's. This runs on the calling thread; use {@link runInWorker} with a
 * `protocol-version` job for a time limit.
 */
export async function detectProtocolVersionInline(
  bytes: Uint8Array,
  options: { signal?: AbortSignal; fixtures?: FixtureMap } = {},
): Promise<DetectedProtocolVersion> {
  if (options.signal?.aborted) throw new RuntimeError('aborted', 'Protocol detection was cancelled.');
  let reply: Uint8Array;
  try {
    const guest = await WapcGuest.create(bytes, { fixtures: options.fixtures });
    if (options.signal?.aborted) throw new RuntimeError('aborted', 'Protocol detection was cancelled.');
    reply = guest.call('protocol_version', new Uint8Array(0));
  } catch (e) {
    if (e instanceof RuntimeError && e.code === 'aborted') throw e;
    throw new RuntimeError('protocol-version', DETECT_PREFIX + serializeError(e).message);
  }
  let value: unknown;
  try {
    value = parseReply('protocol_version', reply);
  } catch (e) {
    throw new RuntimeError('protocol-version', DETECT_PREFIX + (e as Error).message);
  }
  if (value === 'v1' || value === 'Unknown') return value;
  throw new RuntimeError('protocol-version', DETECT_PREFIX + 'Cannot convert value to ProtocolVersion');
}

/** `validate_settings` on a guest: the settings go as JSON, the reply is `{valid, message?}`. */
export function validateSettings(guest: WapcGuest, settings: JsonObject): SettingsVerdict {
  const reply = guest.call('validate_settings', encodeUtf8(JSON.stringify(settings)));
  return settingsVerdict(parseReply('validate_settings', reply));
}

/**
 * `validate` on a guest with payload `{"request": request, "settings": settings}`. A `mutated_object` in the reply
 * becomes a patch against the request's object (the whole request for `raw` policies).
 */
export function validate(
  guest: WapcGuest,
  request: JsonObject,
  settings: JsonObject,
  policyType: 'kubernetes' | 'raw' = 'kubernetes',
): Verdict {
  const payload = encodeUtf8(JSON.stringify({ request, settings }));
  const reply = parseReply('validate', guest.call('validate', payload));
  return verdictFromValidationResponse(reply, policyType === 'raw' ? request : request.object);
}

/** A waPC policy prepared as policy-server keeps it: one instance serves settings validation and validation. */
export const prepareWapc: Prepare = async ({ input, log, host }) => {
  const guest = await WapcGuest.create(input.bytes, {
    host,
    memoryLimitBytes: input.memoryLimitBytes,
    console: log,
  });
  const payload = encodeUtf8(JSON.stringify(validatePayload(input)));
  return {
    validateSettings: () => validateSettings(guest, input.settings),
    validate: () => {
      const reply = parseReply<Record<string, unknown>>('validate', guest.call('validate', payload));
      const response = fromValidationResponse(requestUid(input), reply, requestObject(input));
      return { response, mutatedObject: reply?.mutated_object ?? undefined };
    },
  };
};

/** Settings validation then validation of one request, in one instance (as policy-server reuses instances). */
export function evaluateWapc(input: EvaluateInput): Promise<EvaluationResult> {
  return runPrepared(input, prepareWapc);
}
