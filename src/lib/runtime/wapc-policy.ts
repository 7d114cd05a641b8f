/** Kubewarden operations over waPC: protocol version detection, settings validation and validation. */
import { ConsoleCollector } from './console-log';
import { RuntimeError, serializeError } from './errors';
import { encodeUtf8 } from './guest-memory';
import type { HostFixtures } from './host-capabilities';
import type { EvaluateInput, EvaluationResult } from './types';
import type { JsonObject } from './request';
import {
  settingsVerdict,
  verdictFromValidationResponse,
  type SettingsVerdict,
  type Verdict,
} from './verdict';
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
  options: { signal?: AbortSignal; fixtures?: HostFixtures } = {},
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

/** Settings validation then validation of one request, in one instance (as policy-server reuses instances). */
export async function evaluateWapc(input: EvaluateInput): Promise<EvaluationResult> {
  const log = new ConsoleCollector();
  const result: EvaluationResult = {
    mode: 'kubewarden-wapc',
    settings: null,
    verdict: null,
    console: log.lines,
    timings: { instantiateMs: 0, validateSettingsMs: 0, validateMs: 0 },
  };
  try {
    let t = performance.now();
    const guest = await WapcGuest.create(input.bytes, {
      fixtures: input.fixtures,
      memoryLimitBytes: input.memoryLimitBytes,
      console: log,
    });
    result.timings.instantiateMs = performance.now() - t;
    t = performance.now();
    result.settings = validateSettings(guest, input.settings);
    result.timings.validateSettingsMs = performance.now() - t;
    if (!result.settings.valid) return finish(result, log);
    t = performance.now();
    result.verdict = validate(guest, input.request, input.settings, input.policyType);
    result.timings.validateMs = performance.now() - t;
  } catch (e) {
    result.error = serializeError(e);
  }
  return finish(result, log);
}

function finish(result: EvaluationResult, log: ConsoleCollector): EvaluationResult {
  result.console = log.finish();
  return result;
}
