// Deterministic mutations for the fuzz harness: a seeded PRNG (so a failure names an input that can be made again)
// and the byte-level mutations AFL-style fuzzers use: bit flips, interesting values, inserted, removed and repeated
// ranges, truncation, LEB128-shaped lengths, and splices of two seeds.

/** mulberry32: a small, fast, seeded generator; good enough to pick mutations. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x22, 0x5b, 0x7b, 0x3c, 0x0a, 0x2d, 0x3a];
/** Lengths and counts that break parsers: huge LEB128s, 0x7fffffff, all-ones. */
const HUGE_LEB = [
  [0xff, 0xff, 0xff, 0xff, 0x0f],
  [0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
  [0xff, 0xff, 0xff, 0xff, 0x07],
];

/** One mutated copy of `seed` (1 to 4 mutations), sometimes spliced with `other`. At most 1 MiB. */
export function mutate(seed: Uint8Array, other: Uint8Array, random: () => number): Uint8Array {
  const pick = (n: number) => Math.floor(random() * n);
  let b = Array.from(seed);
  for (let m = 1 + pick(4); m > 0; m--) {
    const at = pick(b.length + 1);
    switch (pick(9)) {
      case 0:
        if (b.length) b[at % b.length]! ^= 1 << pick(8);
        break;
      case 1:
        if (b.length) b[at % b.length] = INTERESTING[pick(INTERESTING.length)]!;
        break;
      case 2:
        b.splice(at, 0, ...Array.from({ length: 1 + pick(16) }, () => pick(256)));
        break;
      case 3:
        b.splice(at, 1 + pick(64));
        break;
      case 4: {
        const len = 1 + pick(256);
        const chunk = b.slice(at, at + len);
        for (let r = pick(64); r > 0 && b.length < 1 << 20; r--) b.splice(at, 0, ...chunk);
        break;
      }
      case 5:
        b = b.slice(0, at);
        break;
      case 6:
        b.splice(at, 0, ...HUGE_LEB[pick(HUGE_LEB.length)]!);
        break;
      case 7: {
        const from = pick(other.length + 1);
        b = [...b.slice(0, at), ...Array.from(other.subarray(from, from + 1 + pick(4096)))];
        break;
      }
      default:
        // Many copies of one byte: deep nesting for JSON and YAML ("[[[["), long runs for the rest.
        b.splice(at, 0, ...new Array(1 + pick(20_000)).fill(INTERESTING[pick(INTERESTING.length)]!));
    }
  }
  return new Uint8Array(b.slice(0, 1 << 20));
}
