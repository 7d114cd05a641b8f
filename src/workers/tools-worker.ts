/** The tools worker: runs jco's wasm-tools (loaded on the first request) off the page's main thread. */
// Deep import on purpose: the tools index also exports the client, which constructs this very worker, and
// the worker bundle must not contain (and re-bundle) itself.
import { handleRequest, type ToolRequest, type ToolResponse } from '../lib/tools/protocol';
import { workerCspRefusal } from './csp-guard';

// The binaries it reads come from files and registries: it works only under a CSP without eval or other origins.
const refusal = workerCspRefusal('tools worker');

self.onmessage = async (e: MessageEvent<ToolRequest>) => {
  const refused = await refusal;
  const reply: ToolResponse = refused
    ? { id: e.data.id, ok: false, code: 'load-failed', message: refused }
    : await handleRequest(e.data);
  self.postMessage(reply);
};
