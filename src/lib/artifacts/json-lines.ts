/** Lays out JSON as lines of segments, marking each descriptor digest as a child-manifest or blob link. */

export type Segment =
  | { kind: 'text'; text: string; cls?: 'key' | 'str' | 'lit' }
  | { kind: 'child'; digest: string }
  | {
      kind: 'blob';
      digest: string;
      descriptor: { mediaType: string; digest: string; size: number; title: string | null };
    };

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.artifact.manifest.v1+json',
];

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Nesting past this depth is not indented further: a hostile manifest nests 200,000 deep within 4 MiB. */
export const MAX_INDENT = 64;
const INDENTS = Array.from({ length: MAX_INDENT + 1 }, (_, d) => '  '.repeat(d));

/** An array or object being printed: its items, the next one to print, and what the items need to know. */
interface Frame {
  close: ']' | '}';
  depth: number;
  /** Array items, or object entries. */
  items: unknown[] | [string, unknown][];
  next: number;
  /** The key this array's items sit under (arrays pass their parent's key on, as `manifests`). */
  key: string;
  /** For objects: the object itself when it is a descriptor, and whether its digest names a child manifest. */
  descriptor: Record<string, unknown> | null;
  child: boolean;
}

/**
 * Pretty-prints `value` (2-space indent, like JSON.stringify) as lines with digest links, stopping after `maxLines`
 * lines. An explicit stack instead of recursion, so any depth JSON.parse accepted prints (deeper than
 * {@link MAX_INDENT} levels without more indentation); the work is linear in what is printed.
 */
export function jsonLines(value: unknown, maxLines = Infinity): Segment[][] {
  const lines: Segment[][] = [];
  let line: Segment[] = [];
  const text = (t: string, cls?: 'key' | 'str' | 'lit') => line.push({ kind: 'text', text: t, cls });
  const newline = (depth: number) => {
    lines.push(line);
    line = [{ kind: 'text', text: INDENTS[Math.min(depth, MAX_INDENT)]! }];
  };
  const stack: Frame[] = [];
  /** Prints a scalar or an empty container, or opens a container and pushes its frame. */
  const open = (v: unknown, depth: number, key: string) => {
    if (Array.isArray(v)) {
      if (v.length === 0) return text('[]');
      text('[');
      stack.push({ close: ']', depth, items: v, next: 0, key, descriptor: null, child: false });
    } else if (isObj(v)) {
      const entries = Object.entries(v);
      if (entries.length === 0) return text('{}');
      const isDescriptor = typeof v.digest === 'string' && typeof v.mediaType === 'string';
      const child =
        isDescriptor &&
        (key === 'manifests' || key === 'subject' || MANIFEST_TYPES.includes(String(v.mediaType)));
      text('{');
      stack.push({
        close: '}',
        depth,
        items: entries,
        next: 0,
        key,
        descriptor: isDescriptor ? v : null,
        child,
      });
    } else if (typeof v === 'string') text(JSON.stringify(v), 'str');
    else text(JSON.stringify(v) ?? 'null', 'lit');
  };
  open(value, 0, '');
  while (stack.length > 0 && lines.length < maxLines) {
    const f = stack[stack.length - 1]!;
    if (f.next === f.items.length) {
      stack.pop();
      newline(f.depth);
      text(f.close);
      continue;
    }
    if (f.next > 0) text(',');
    const item = f.items[f.next++];
    newline(f.depth + 1);
    if (f.close === ']') {
      open(item, f.depth + 1, f.key);
      continue;
    }
    const [k, val] = item as [string, unknown];
    text(JSON.stringify(k), 'key');
    text(': ');
    const d = f.descriptor;
    if (k === 'digest' && d && typeof val === 'string') line.push(digestLink(d, val, f.child));
    else open(val, f.depth + 1, k);
  }
  lines.push(line);
  return lines;
}

function digestLink(d: Record<string, unknown>, digest: string, child: boolean): Segment {
  if (child) return { kind: 'child', digest };
  const ann = isObj(d.annotations) ? d.annotations : {};
  const title = ann['org.opencontainers.image.title'];
  return {
    kind: 'blob',
    digest,
    descriptor: {
      mediaType: String(d.mediaType),
      digest,
      size: typeof d.size === 'number' ? d.size : -1,
      title: typeof title === 'string' ? title : null,
    },
  };
}

/** The text of laid-out lines (digests as quoted strings), for views without links such as a JSON blob. */
export function jsonText(lines: Segment[][]): string {
  return lines
    .map((l) => l.map((s) => (s.kind === 'text' ? s.text : JSON.stringify(s.digest))).join(''))
    .join('\n');
}
