// Property and fuzz tests: random valid modules round-trip; damaged input raises only WasmParseError, quickly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  componentSummary,
  customSections,
  dataSegments,
  decodeCustomSections,
  decodeExports,
  decodeImports,
  encodeU32,
  parseWasm,
  removeCustomSections,
  setCustomSection,
  stripDebug,
  WasmParseError,
} from '../../src/lib/wasm';
import { fixture } from './helpers';

const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const compHeader = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];
/** A hang check, not a speed target: one input through every reader must finish well within this. */
const HANG_MS = 50;

interface Gen {
  id: number;
  name?: string;
  payload: Uint8Array;
  /** Extra bytes in the size LEB beyond the minimal encoding. */
  pad: number;
}

/** A size LEB of `value`, padded with `pad` extra continuation bytes (up to 5 bytes in all). */
function paddedLeb(value: number, pad: number): number[] {
  const min = [...encodeU32(value)];
  const total = Math.min(5, min.length + pad);
  const out = [...min];
  while (out.length < total) {
    out[out.length - 1] |= 0x80;
    out.push(0x00);
  }
  return out;
}

function encode(sections: Gen[]): Uint8Array {
  const out: number[] = [...header];
  for (const s of sections) {
    const body =
      s.id === 0
        ? (() => {
            const name = [...new TextEncoder().encode(s.name)];
            return [...encodeU32(name.length), ...name, ...s.payload];
          })()
        : [...s.payload];
    out.push(s.id, ...paddedLeb(body.length, s.pad), ...body);
  }
  return Uint8Array.from(out);
}

const names = ['a', 'name', 'producers', '.debug_info', 'io.kubewarden.metadata', 'ü€'];
const section: fc.Arbitrary<Gen> = fc.oneof(
  fc.record({
    id: fc.constant(0),
    name: fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 8 })),
    payload: fc.uint8Array({ maxLength: 40 }),
    pad: fc.integer({ min: 0, max: 4 }),
  }),
  fc.record({
    id: fc.integer({ min: 1, max: 255 }),
    payload: fc.uint8Array({ maxLength: 40 }),
    pad: fc.integer({ min: 0, max: 4 }),
  }),
);
/** Non-custom sections in the spec's order (tag between memory and global, datacount before code), each once. */
const ORDERED_IDS = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];
const module = fc.array(section, { maxLength: 12 }).map((list) => {
  let next = 0;
  return list.flatMap((s) =>
    s.id === 0 ? [s] : next < ORDERED_IDS.length ? [{ ...s, id: ORDERED_IDS[next++] }] : [],
  );
});

/** Runs every reader on `bytes`; any throw other than WasmParseError fails. Returns the elapsed ms. */
function readAll(bytes: Uint8Array): number {
  const start = performance.now();
  const run = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      if (!(e instanceof WasmParseError)) throw e;
      expect(typeof e.code).toBe('string');
      expect(Number.isInteger(e.offset)).toBe(true);
    }
  };
  run(() => {
    const info = parseWasm(bytes);
    run(() => decodeImports(bytes, info));
    run(() => decodeExports(bytes, info));
    run(() => dataSegments(bytes, info));
    run(() => decodeCustomSections(bytes, info.sections));
    run(() => info.kind === 'component' && componentSummary(bytes, info));
    run(() => setCustomSection(bytes, 'x', Uint8Array.of(1), info));
    run(() => stripDebug(bytes, { name: true }, info));
  });
  return performance.now() - start;
}

/**
 * Reads `bytes` with every reader and checks it finished within {@link HANG_MS}. A slow first run is retried
 * once and the faster run counts: a hang is slow every time, while a GC pause or a busy CPU (2 shared cores)
 * is not.
 */
function exercise(bytes: Uint8Array): void {
  const first = readAll(bytes);
  const ms = first < HANG_MS ? first : Math.min(first, readAll(bytes));
  expect(ms).toBeLessThan(HANG_MS);
}

describe('random valid modules', () => {
  it('parse to exactly the generated sections', () => {
    fc.assert(
      fc.property(module, (gen) => {
        const bytes = encode(gen);
        const info = parseWasm(bytes);
        expect(info.sections.map((s) => [s.id, s.name])).toEqual(gen.map((g) => [g.id, g.name]));
        expect(info.sections.map((s) => s.paddedSize)).toEqual(gen.map(isPadded));
      }),
    );
  });

  it('round-trip setCustomSection: old ones gone, new one last, everything else byte-identical', () => {
    fc.assert(
      fc.property(
        module,
        fc.constantFrom(...names),
        fc.uint8Array({ maxLength: 300 }),
        (gen, name, payload) => {
          const bytes = encode(gen);
          const out = setCustomSection(bytes, name, payload);
          const kept = gen.filter((g) => !(g.id === 0 && g.name === name));
          const expected = encode([...kept, { id: 0, name, payload, pad: 0 }]);
          expect(out).toEqual(expected);
          expect(customSections(out, name)).toEqual([payload]);
          expect(removeCustomSections(bytes, () => false)).toEqual(bytes);
          expect(removeCustomSections(out, (s) => s.name === name)).toEqual(encode(kept));
        },
      ),
    );
  });

  it('stripDebug saves exactly the on-disk size of the removed sections', () => {
    fc.assert(
      fc.property(module, (gen) => {
        const bytes = encode(gen);
        const r = stripDebug(bytes, { name: true });
        const dropped = gen.filter((g) => g.id === 0 && (g.name === 'name' || g.name!.startsWith('.debug_')));
        expect(r.removed).toEqual(dropped.map((g) => g.name));
        expect(r.savedBytes).toBe(encode(dropped).length - 8);
      }),
    );
  });
});

/** True when the generated size LEB is longer than the minimal encoding of the body size. */
function isPadded(g: Gen): boolean {
  const name = new TextEncoder().encode(g.name ?? '');
  const body = g.id === 0 ? encodeU32(name.length).length + name.length + g.payload.length : g.payload.length;
  return paddedLeb(body, g.pad).length > encodeU32(body).length;
}

const seeds: Uint8Array[] = [fixture('wasm-kinds.wasm'), fixture('minimal.wasm')];

describe('damaged input raises only WasmParseError, within 50 ms each', () => {
  it('every truncation of the fixtures', () => {
    for (const seed of seeds) for (let n = 0; n <= seed.length; n++) exercise(seed.subarray(0, n));
  });

  it('random bit flips in fixtures and random modules', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(...seeds), module.map(encode)),
        fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
        (seed, flips) => {
          const bytes = seed.slice();
          for (const f of flips) bytes[f % bytes.length] ^= 1 << (f % 8);
          exercise(bytes);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('random bytes after a module or component header', () => {
    fc.assert(
      fc.property(fc.constantFrom(header, compHeader), fc.uint8Array({ maxLength: 200 }), (h, tail) =>
        exercise(Uint8Array.from([...h, ...tail])),
      ),
      { numRuns: 2000 },
    );
  });

  const extremes = [
    [0xff, 0xff, 0xff, 0xff, 0x0f], // 2^32 - 1
    [0x80, 0x80, 0x80, 0x80, 0x80, 0x00], // 6 bytes: too long
    [0xff, 0xff, 0xff, 0xff, 0x7f], // 5th byte with high bits: over 32 bits
    [0x80, 0x80, 0x80], // cut off
    [0x80, 0x80, 0x80, 0x80, 0x00], // zero, padded to 5 bytes
  ];

  it.each(extremes.map((e) => [e]))('LEB %j as section size, name length and count', (leb) => {
    for (const id of [0, 1, 2, 7, 11, 42]) {
      exercise(Uint8Array.from([...header, id, ...leb]));
      exercise(Uint8Array.from([...compHeader, id, ...leb]));
      // A valid size, then the extreme LEB as the first field (count or name length).
      exercise(Uint8Array.from([...header, id, leb.length, ...leb]));
      exercise(Uint8Array.from([...header, id, leb.length + 2, ...leb, 0x01, 0x61]));
    }
    const producers = [9, ...new TextEncoder().encode('producers'), ...leb];
    exercise(Uint8Array.from([...header, 0, producers.length, ...producers]));
    const nameSec = [4, ...new TextEncoder().encode('name'), 0x01, ...leb];
    exercise(Uint8Array.from([...header, 0, nameSec.length, ...nameSec]));
  });

  it('a count of 2^32-1 imports stops at the end of a 16 KB section', () => {
    const bytes = new Uint8Array(8 + 1 + 5 + (1 << 14));
    bytes.set([...header, 0x02, ...paddedLeb(1 << 14, 4)]);
    bytes.set([0xff, 0xff, 0xff, 0xff, 0x0f], 14); // count 2^32-1, followed by zeros: each import is "" "" func 0
    exercise(bytes);
  });
});
