/** What each RuntimeError code means to a user, and the fix. */
import type { ExplanationTable } from '../common';
import type { RuntimeErrorCode } from './errors';

export const RUNTIME_EXPLANATIONS: ExplanationTable<RuntimeErrorCode> = {
  compile: {
    title: 'The module cannot be compiled',
    explanation: 'This browser’s WebAssembly engine refused the module.',
    fix: 'Check the module with wasm-validate; it may use a feature this browser lacks.',
  },
  component: {
    title: 'Components cannot be evaluated yet',
    explanation: 'This is a WebAssembly component (layer 0x0d); the runtimes here run core modules only.',
    fix: 'Evaluate a core-module build of the policy.',
  },
  instantiate: {
    title: 'The module cannot be started',
    explanation: 'Linking failed (an import the host does not provide) or its start function failed.',
    fix: 'Check the execution mode: a waPC, OPA, Gatekeeper or WASI policy each expects its own imports.',
  },
  'missing-export': {
    title: 'The module lacks an entry point',
    explanation: 'The execution mode expects an export the module does not have.',
    fix: 'Choose the execution mode the policy was built for.',
  },
  trap: {
    title: 'The policy crashed',
    explanation: 'The policy trapped while running (unreachable, out-of-bounds access, stack overflow).',
    fix: 'Check the request and settings; the console output may say more.',
  },
  'guest-error': {
    title: 'The policy returned an error',
    explanation: 'The policy ran and reported an error instead of a verdict.',
    fix: 'Read the message below; often the settings or the request do not have the shape the policy expects.',
  },
  'no-response': {
    title: 'The policy gave no answer',
    explanation: 'The policy reported success but sent no response.',
    fix: 'This is a bug in the policy; check it with kwctl run.',
  },
  'bad-reply': {
    title: 'The policy’s answer cannot be read',
    explanation: 'The reply is not the JSON the protocol expects.',
    fix: 'Check that the execution mode matches the policy.',
  },
  'bad-input': {
    title: 'The input cannot be read',
    explanation: 'The request, settings or host-capability answers are not valid JSON or YAML.',
    fix: 'Fix the field named in the message.',
  },
  memory: {
    title: 'Out of memory',
    explanation: 'The policy used more memory than allowed, or pointed outside its memory.',
    fix: 'Raise the memory limit if the policy needs it.',
  },
  exit: {
    title: 'The program exited with an error',
    explanation: 'A WASI policy ended with a non-zero exit code.',
    fix: 'Read its output below for the reason.',
  },
  'protocol-version': {
    title: 'The protocol version cannot be detected',
    explanation: 'The module did not answer the protocol_version call as a waPC policy does.',
    fix: 'Check the execution mode; for a waPC policy you may assume v1 explicitly.',
  },
  timeout: {
    title: 'Stopped: the time limit was reached',
    explanation: 'The policy ran longer than the time limit and was stopped.',
    fix: 'Raise the time limit if the policy is slow, or look for an endless loop.',
  },
  aborted: {
    title: 'Cancelled',
    explanation: 'The run was stopped before it finished.',
    fix: 'Run it again when you are ready.',
  },
  worker: {
    title: 'The policy worker failed',
    explanation: 'The background worker that runs policies could not start or crashed.',
    fix: 'Reload the page; when offline, the worker loads only if it was loaded once online.',
  },
};
