/**
 * Resolves after the runtime's pending I/O and tasks have had a turn: `setImmediate` in Node, a zero timer
 * elsewhere. Requests just started get on the wire before a long synchronous step (a hash, a copy) runs.
 */
export function nextMacrotask(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}
