/** Runs a prepared policy once (settings, then the request) or many times (bench), with one host per run. */
import { internalServerError, verdictOf, type AdmissionResponse } from './admission-response';
import { CapabilityHost } from './capability-host';
import { ConsoleCollector } from './console-log';
import { RuntimeError, serializeError } from './errors';
import type { JsonObject } from './request';
import type { EvaluateInput, EvaluationResult } from './types';
import type { SettingsVerdict } from './verdict';

/** What validate produced: the response, and the object a mutating policy returned (for the friendly view). */
export interface Validated {
  response: AdmissionResponse;
  mutatedObject?: unknown;
}

/** A policy ready to answer: compiled and instantiated (or loaded), so calls can be timed on their own. */
export interface PreparedPolicy {
  validateSettings(): SettingsVerdict | Promise<SettingsVerdict>;
  validate(): Validated | Promise<Validated>;
}

/** Everything a runtime's `prepare` gets: the input, the console, and the host that answers capability calls. */
export interface PrepareContext {
  input: EvaluateInput;
  log: ConsoleCollector;
  host: CapabilityHost;
}

export type Prepare = (ctx: PrepareContext) => Promise<PreparedPolicy>;

/** The uid kwctl copies into the response: the request's, or a raw document's `uid` string, else "". */
export function requestUid(input: EvaluateInput): string {
  return typeof input.request.uid === 'string' ? input.request.uid : '';
}

/**
 * The object a mutation is diffed against: the request's `object` (undefined when the field is absent, which
 * kwctl rejects for a mutation), or the whole document for raw policies.
 */
export function requestObject(input: EvaluateInput): unknown {
  if (input.policyType === 'raw') return input.request;
  return Object.hasOwn(input.request, 'object') ? input.request.object : undefined;
}

/** The payload of `validate` for waPC and WASI: `{"request": …, "settings": …}` (the raw document as request). */
export function validatePayload(input: EvaluateInput): JsonObject {
  return { request: input.request, settings: input.settings };
}

function newResult(input: EvaluateInput, log: ConsoleCollector): EvaluationResult {
  return {
    mode: input.mode,
    settings: null,
    verdict: null,
    response: null,
    console: log.lines,
    timings: { instantiateMs: 0, validateSettingsMs: 0, validateMs: 0 },
    hostCalls: [],
    exchanges: [],
    warnings: [],
  };
}

/** One evaluation as `kwctl run` does it: settings validation, then validation if the settings are valid. */
export async function runPrepared(input: EvaluateInput, prepare: Prepare): Promise<EvaluationResult> {
  const log = new ConsoleCollector();
  const host = new CapabilityHost(input, log);
  const result = newResult(input, log);
  let validating = false;
  try {
    let t = performance.now();
    const policy = await prepare({ input, log, host });
    result.timings.instantiateMs = performance.now() - t;
    t = performance.now();
    result.settings = await policy.validateSettings();
    result.timings.validateSettingsMs = performance.now() - t;
    if (result.settings.valid) {
      validating = true;
      t = performance.now();
      const v = await policy.validate();
      result.timings.validateMs = performance.now() - t;
      result.response = v.response;
      result.verdict = verdictOf(v.response, requestObject(input), v.mutatedObject);
    }
  } catch (e) {
    result.error = serializeError(e);
    // kwctl prints a rejection when the policy ran but its reply could not be read.
    const replyFailed =
      e instanceof RuntimeError && ['bad-reply', 'guest-error', 'no-response'].includes(e.code);
    if (validating && replyFailed) result.response = internalServerError(requestUid(input), e.message);
  }
  result.console = log.finish();
  result.hostCalls = host.calls;
  result.exchanges = host.recorded;
  result.warnings = host.warnings();
  return result;
}

/** Timing statistics of one benchmarked call, in milliseconds. */
export interface BenchStats {
  runs: number;
  mean: number;
  median: number;
  /** Sample standard deviation (n − 1). */
  stddev: number;
  /** 99th percentile, nearest rank. */
  p99: number;
  min: number;
  max: number;
}

/** What `kwctl bench` measures: `validate_settings` and `validate` on one prepared policy, N times each. */
export interface BenchResult {
  mode: EvaluateInput['mode'];
  instantiateMs: number;
  validateSettings: BenchStats;
  validate: BenchStats;
  /** The last run's response, so the bench shows what was measured. */
  response: AdmissionResponse | null;
  error?: ReturnType<typeof serializeError>;
}

/** Mean, median, sample standard deviation, nearest-rank p99, min and max of a list of durations. */
export function benchStats(samples: readonly number[]): BenchStats {
  const n = samples.length;
  if (n === 0) return { runs: 0, mean: 0, median: 0, stddev: 0, p99: 0, min: 0, max: 0 };
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / n;
  const median = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  const variance = n > 1 ? s.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  const p99 = s[Math.min(n - 1, Math.ceil(0.99 * n) - 1)];
  return { runs: n, mean, median, stddev: Math.sqrt(variance), p99, min: s[0], max: s[n - 1] };
}

/** Upper bound on bench iterations, so a typo cannot keep a worker busy for hours. */
export const MAX_BENCH_RUNS = 10_000;

/**
 * `kwctl bench` (crates/kwctl/src/command/bench.rs): validate the settings once (invalid settings stop it), then
 * time `validate_settings` and `validate` `runs` times each on the same prepared policy. A replayed session is
 * replayed from its start for every call, so each iteration gets the recorded answers.
 */
export async function benchPrepared(
  input: EvaluateInput,
  prepare: Prepare,
  runs: number,
): Promise<BenchResult> {
  const n = Math.max(1, Math.min(MAX_BENCH_RUNS, Math.floor(runs)));
  const log = new ConsoleCollector();
  const host = new CapabilityHost(input, log);
  const out: BenchResult = {
    mode: input.mode,
    instantiateMs: 0,
    validateSettings: benchStats([]),
    validate: benchStats([]),
    response: null,
  };
  try {
    let t = performance.now();
    const policy = await prepare({ input, log, host });
    out.instantiateMs = performance.now() - t;
    const first = await policy.validateSettings();
    if (!first.valid)
      throw new RuntimeError('bad-input', `The provided settings are not valid: ${first.message ?? ''}`);
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      t = performance.now();
      await policy.validateSettings();
      times.push(performance.now() - t);
    }
    out.validateSettings = benchStats(times);
    times.length = 0;
    for (let i = 0; i < n; i++) {
      host.rewind();
      t = performance.now();
      out.response = (await policy.validate()).response;
      times.push(performance.now() - t);
    }
    out.validate = benchStats(times);
  } catch (e) {
    out.error = serializeError(e);
  }
  return out;
}
