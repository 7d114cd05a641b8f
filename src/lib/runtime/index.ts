/** Public API of the policy runtime: waPC host, OPA/Gatekeeper, WASI policies, workers with time limits, verdicts. */
export {
  RuntimeError,
  serializeError,
  deserializeError,
  type RuntimeErrorCode,
  type SerializedError,
} from './errors';
export { ConsoleCollector, type ConsoleLine, type ConsoleStream } from './console-log';
export {
  WapcGuest,
  DEFAULT_MEMORY_LIMIT,
  COMPONENT_NOT_EVALUABLE,
  assertCoreModule,
  type HostOptions,
} from './wapc';
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
export {
  answerHostCall,
  answerFixture,
  parseFixtures,
  type FixtureMap,
  type HostFixtures,
  type HostInputs,
  type HostCallResult,
} from './host-capabilities';
export {
  CALLBACK_REQUESTS,
  CALLBACK_TAGS,
  callbackRequest,
  describeRequest,
  requestKey,
  type CallbackRequest,
  type CallbackTag,
  type ContextAwareResource,
} from './callback-request';
export { guestCall, capabilityOf, type GuestCall } from './guest-calls';
export {
  parseSession,
  parseSessionRequest,
  serializeSession,
  serializeSessionRequest,
  type SessionExchange,
} from './session';
export {
  CapabilityHost,
  ReplayHost,
  type CallbackAnswer,
  type HostCallLog,
  type HostConfig,
} from './capability-host';
export { ClusterHost, pluralName, parseLabelSelector } from './kube-cluster';
export {
  parseResources,
  opaInventory,
  gatekeeperInventory,
  regoContext,
  sortAllowList,
} from './kube-context';
export {
  kwctlResponseJson,
  fromValidationResponse,
  fromOpaResponse,
  fromGatekeeperResult,
  internalServerError,
  verdictFromValidationResponse,
  verdictOf,
  applyPatch,
  decodePatch,
  type AdmissionResponse,
} from './admission-response';
export {
  diffJson,
  settingsVerdict,
  type Verdict,
  type SettingsVerdict,
  type PatchOperation,
} from './verdict';
export { benchStats, MAX_BENCH_RUNS, type BenchResult, type BenchStats } from './evaluation';
export { readAdmissionRequest, readSettings, parseDocument, type JsonObject } from './request';
export { REQUEST_TEMPLATES, createPodReview, pod, type RequestTemplate } from './templates';
export { policyRunInfo, runInfoFromModel, type PolicyRunInfo } from './policy-info';
export { RUNTIME_MODES, type RuntimeMode, type EvaluateInput, type EvaluationResult } from './types';
export { evaluatePolicy, benchPolicy, runJob, type RuntimeJob, type JobReply } from './job';
export {
  runInWorker,
  evaluateInWorker,
  benchInWorker,
  detectProtocolVersion,
  stoppedMessage,
  DEFAULT_TIMEOUT_MS,
  type WorkerPort,
  type RunOptions,
} from './worker-runner';
export { RUNTIME_EXPLANATIONS } from './explain';
export { rulesMismatch, describeTarget, type RuleLike } from './rules-match';
