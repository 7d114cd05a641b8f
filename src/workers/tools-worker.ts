/** The tools worker: runs jco's wasm-tools (loaded on the first request) off the page's main thread. */
// Deep import on purpose: the tools index also exports the client, which constructs this very worker, and
// the worker bundle must not contain (and re-bundle) itself.
import { handleRequest, type ToolRequest } from '../lib/tools/protocol';

self.onmessage = async (e: MessageEvent<ToolRequest>) => {
  self.postMessage(await handleRequest(e.data));
};
