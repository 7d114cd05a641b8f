// A minimal RFC 6902 applier (add/remove/replace) for tests, written independently of the runtime's diffJson,
// and strict: `add` never overwrites, `remove`/`replace` only touch keys that exist.
import { expect } from 'vitest';
import type { PatchOperation } from '../../src/lib/runtime';

export function applyPatch(doc: unknown, ops: PatchOperation[]): unknown {
  let root = structuredClone(doc);
  for (const op of ops) {
    if (op.path === '') {
      root = structuredClone(op.value);
      continue;
    }
    const keys = op.path
      .slice(1)
      .split('/')
      .map((k) => k.replaceAll('~1', '/').replaceAll('~0', '~'));
    const last = keys.pop()!;
    let parent = root as Record<string, unknown>;
    for (const k of keys) {
      expect(parent, `patch path ${op.path} goes through a non-object`).toBeTypeOf('object');
      parent = parent[k] as Record<string, unknown>;
    }
    if (Array.isArray(parent)) {
      // RFC 6902 §4.1/§4.2: an index inserts before it (or appends at the length), a removal shifts the rest down.
      const i = Number(last);
      expect(
        Number.isInteger(i) && i >= 0 && i <= parent.length - (op.op === 'add' ? 0 : 1),
        `index ${op.path}`,
      ).toBe(true);
      if (op.op === 'add') parent.splice(i, 0, structuredClone(op.value));
      else if (op.op === 'remove') parent.splice(i, 1);
      else parent[i] = structuredClone(op.value);
      continue;
    }
    if (op.op === 'add') expect(Object.hasOwn(parent, last), `add to existing ${op.path}`).toBe(false);
    else expect(Object.hasOwn(parent, last), `${op.op} of missing ${op.path}`).toBe(true);
    if (op.op === 'remove') delete parent[last];
    // defineProperty, not `=`: a JSON key `__proto__` is an own property, which assignment would not create.
    else
      Object.defineProperty(parent, last, {
        value: structuredClone(op.value),
        writable: true,
        enumerable: true,
        configurable: true,
      });
  }
  return root;
}
