/** Public API of the policy runtime: waPC host, OPA/Gatekeeper, WASI policies, workers with time limits, verdicts. */
export {
  RuntimeError,
  serializeError,
  deserializeError,
  type RuntimeErrorCode,
  type SerializedError,
} from './errors';
export { ConsoleCollector, type ConsoleLine, type ConsoleStream } from './console-log';
export { WapcGuest, DEFAULT_MEMORY_LIMIT, type HostOptions } from './wapc';
export {
  detectProtocolVersionInline,
  evaluateWapc,
  validate,
  validateSettings,
  type DetectedProtocolVersion,
} from './wapc-policy';
export { evaluateRego } from './rego';
export { evaluateWasi } from './wasi-policy';
export { WasiExit, StdinPipe, wasiImports } from './wasi-shim';
export { answerHostCall, parseFixtures, type HostFixtures, type HostCallResult } from './host-capabilities';
export {
  diffJson,
  verdictFromValidationResponse,
  settingsVerdict,
  type Verdict,
  type SettingsVerdict,
  type PatchOperation,
} from './verdict';
export { readAdmissionRequest, readSettings, parseDocument, type JsonObject } from './request';
export { REQUEST_TEMPLATES, createPodReview, pod, type RequestTemplate } from './templates';
export { policyRunInfo, runInfoFromModel, type PolicyRunInfo } from './policy-info';
export { RUNTIME_MODES, type RuntimeMode, type EvaluateInput, type EvaluationResult } from './types';
export { evaluatePolicy, runJob, type RuntimeJob, type JobReply } from './job';
export {
  runInWorker,
  evaluateInWorker,
  detectProtocolVersion,
  stoppedMessage,
  DEFAULT_TIMEOUT_MS,
  type WorkerPort,
  type RunOptions,
} from './worker-runner';
export { RUNTIME_EXPLANATIONS } from './explain';
