/** What each ToolsError code means to a user, and the fix. */
import type { ExplanationTable } from '../common';
import type { ToolsErrorCode } from './errors';

export const TOOLS_EXPLANATIONS: ExplanationTable<ToolsErrorCode> = {
  aborted: {
    title: 'Cancelled',
    explanation: 'The conversion was cancelled before it finished.',
    fix: 'Run it again when you are ready.',
  },
  failed: {
    title: 'The conversion failed',
    explanation: 'wasm-tools could not convert this module; its message is below.',
    fix: 'Check the module with wasm-validate.',
  },
  'load-failed': {
    title: 'The tools could not be loaded',
    explanation: 'The wasm-tools module (2.4 MB) did not load.',
    fix: 'Reload the page; when offline, it loads only if it was loaded once online.',
  },
  'worker-crashed': {
    title: 'The tools worker stopped',
    explanation: 'The background worker running wasm-tools crashed, often from running out of memory.',
    fix: 'Try a smaller module, or reload the page.',
  },
  'timed-out': {
    title: 'Stopped: it took too long',
    explanation: 'The conversion ran past its time limit, so the worker was stopped.',
    fix: 'Use wasm-tools on the command line for this module.',
  },
  'too-large': {
    title: 'Too large to convert here',
    explanation: 'Converting this module in the browser would take too long or too much memory.',
    fix: 'Use wasm-tools on the command line for this module.',
  },
};
