/** Names of top-level section ids, which differ between core modules and components. */

const CORE: Record<number, string> = {
  0: 'custom',
  1: 'type',
  2: 'import',
  3: 'function',
  4: 'table',
  5: 'memory',
  6: 'global',
  7: 'export',
  8: 'start',
  9: 'element',
  10: 'code',
  11: 'data',
  12: 'datacount',
  13: 'tag',
};

const COMPONENT: Record<number, string> = {
  0: 'custom',
  1: 'core-module',
  2: 'core-instance',
  3: 'core-type',
  4: 'component',
  5: 'instance',
  6: 'alias',
  7: 'type',
  8: 'canon',
  9: 'start',
  10: 'import',
  11: 'export',
  12: 'value',
};

export type WasmKind = 'module' | 'component';

/** The section kind for an id; unknown ids are named `unknown-<id>` (parseWasm then refuses the file). */
export function sectionKind(kind: WasmKind, id: number): string {
  return (kind === 'module' ? CORE : COMPONENT)[id] ?? `unknown-${id}`;
}
