/** Lays out manifest JSON as lines of segments, marking each descriptor digest as a child-manifest or blob link. */

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

/** Pretty-prints `value` (2-space indent, like JSON.stringify) as lines with digest links. */
export function jsonLines(value: unknown): Segment[][] {
  const lines: Segment[][] = [];
  let line: Segment[] = [];
  const text = (t: string, cls?: 'key' | 'str' | 'lit') => line.push({ kind: 'text', text: t, cls });
  const newline = (depth: number) => {
    lines.push(line);
    line = [{ kind: 'text', text: '  '.repeat(depth) }];
  };
  const walk = (v: unknown, depth: number, parentKey: string) => {
    if (Array.isArray(v)) {
      if (v.length === 0) return text('[]');
      text('[');
      v.forEach((item, i) => {
        newline(depth + 1);
        walk(item, depth + 1, parentKey);
        if (i < v.length - 1) text(',');
      });
      newline(depth);
      text(']');
    } else if (isObj(v)) {
      const entries = Object.entries(v);
      if (entries.length === 0) return text('{}');
      const isDescriptor = typeof v.digest === 'string' && typeof v.mediaType === 'string';
      const child =
        isDescriptor &&
        (parentKey === 'manifests' ||
          parentKey === 'subject' ||
          MANIFEST_TYPES.includes(String(v.mediaType)));
      text('{');
      entries.forEach(([k, val], i) => {
        newline(depth + 1);
        text(JSON.stringify(k), 'key');
        text(': ');
        if (k === 'digest' && isDescriptor && typeof val === 'string') {
          if (child) line.push({ kind: 'child', digest: val });
          else {
            const ann = isObj(v.annotations) ? v.annotations : {};
            const title = ann['org.opencontainers.image.title'];
            line.push({
              kind: 'blob',
              digest: val,
              descriptor: {
                mediaType: String(v.mediaType),
                digest: val,
                size: typeof v.size === 'number' ? v.size : -1,
                title: typeof title === 'string' ? title : null,
              },
            });
          }
        } else walk(val, depth + 1, k);
        if (i < entries.length - 1) text(',');
      });
      newline(depth);
      text('}');
    } else if (typeof v === 'string') text(JSON.stringify(v), 'str');
    else text(JSON.stringify(v) ?? 'null', 'lit');
  };
  walk(value, 0, '');
  lines.push(line);
  return lines;
}
