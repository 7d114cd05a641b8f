/** Public API of the lazy jco wrapper: WIT of components and WAT of modules, computed in a Web Worker. */
export { ToolsError, type ToolsErrorCode } from './errors';
export { ToolsClient, type WorkerFactory } from './client';
export {
  runTool,
  handleRequest,
  WAT_CODE_LIMIT,
  TOOL_TIME_LIMIT_MS,
  codeSize,
  type ToolOp,
  type ToolRequest,
  type ToolResponse,
} from './protocol';
export { TOOLS_EXPLANATIONS } from './explain';
