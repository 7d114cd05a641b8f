/** Host-capability scan (§7), as kwctl's wasm_scanner: which known capabilities the data segments mention. */
import { dataSegments, parseWasm, type WasmInfo } from '../wasm';
import { HOST_CAPABILITIES } from './constants';
import { sortedSet } from './model';

export interface CapabilityScan {
  /** Known capabilities the module seems to use, sorted. */
  detected: string[];
  /** Detected but missing from `hostCapabilities` (kwctl: "used by the policy but not declared in metadata"). */
  usedNotDeclared: string[];
  /** Declared but not detected (kwctl: "declared in metadata but not detected in the policy"). */
  declaredNotDetected: string[];
}

const encoder = new TextEncoder();

/** Index of `needle` in `hay` at or after `from`, or -1. */
function find(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  if (needle.length === 0) return from <= hay.length ? from : -1;
  const first = needle[0];
  const last = hay.length - needle.length;
  for (let i = hay.indexOf(first, from); i !== -1 && i <= last; i = hay.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

function startsWithAt(hay: Uint8Array, at: number, prefix: Uint8Array): boolean {
  if (at + prefix.length > hay.length) return false;
  for (let i = 0; i < prefix.length; i++) if (hay[at + i] !== prefix[i]) return false;
  return true;
}

/** True when `needle` occurs somewhere that is not the start of `longer` (which begins with `needle`). */
function standalone(data: Uint8Array, needle: Uint8Array, longer: Uint8Array): boolean {
  for (let at = find(data, needle); at !== -1; at = find(data, needle, at + 1)) {
    if (!startsWithAt(data, at, longer)) return true;
  }
  return false;
}

/** The capabilities whose namespace and operation strings both occur in `data` (kwctl's `scan`). */
export function detectCapabilities(data: Uint8Array): string[] {
  const ops = HOST_CAPABILITIES.map((cap) => {
    const slash = cap.indexOf('/');
    return { cap, namespace: cap.slice(0, slash), operation: cap.slice(slash + 1) };
  });
  const found: string[] = [];
  for (const { cap, namespace, operation } of ops) {
    if (find(data, encoder.encode(namespace)) === -1) continue;
    const needle = encoder.encode(operation);
    const longer = ops
      .map((o) => o.operation)
      .filter((other) => other !== operation && other.startsWith(operation))
      .map((other) => encoder.encode(other));
    const present = longer.length
      ? longer.every((l) => standalone(data, needle, l))
      : find(data, needle) !== -1;
    if (present) found.push(cap);
  }
  return found;
}

/**
 * Scans the data segments of a core module (each followed by a 0xFF byte, so strings cannot match across
 * segments) and compares the result with the declared `hostCapabilities`. Never fails: an unreadable module
 * or a component yields nothing detected.
 */
export function scanHostCapabilities(
  bytes: Uint8Array,
  declared: readonly string[] = [],
  info?: WasmInfo,
): CapabilityScan {
  let data = new Uint8Array(0);
  try {
    const segments = dataSegments(bytes, info ?? parseWasm(bytes));
    data = new Uint8Array(segments.reduce((n, s) => n + s.length + 1, 0));
    let at = 0;
    for (const s of segments) {
      data.set(s, at);
      at += s.length;
      data[at++] = 0xff;
    }
  } catch {
    // A scan is advisory: a module whose data cannot be read simply shows nothing detected.
  }
  const detected = sortedSet(detectCapabilities(data));
  const declaredSet = new Set(declared);
  const detectedSet = new Set(detected);
  return {
    detected,
    usedNotDeclared: detected.filter((c) => !declaredSet.has(c)),
    declaredNotDetected: sortedSet(declared).filter((c) => !detectedSet.has(c)),
  };
}
