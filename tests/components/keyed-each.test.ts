// Keyed-each audit (issue 19): a list keyed by data from a file or a registry throws `each_key_duplicate` when the
// data repeats a value, and the view then renders nothing. Two checks: every keyed each in src/ui is keyed by its
// position or by a key the app makes (read from the compiler's AST), and the list components, mounted with Svelte's
// client runtime in happy-dom, render duplicate data in full. Mounting, not svelte/server: the server renderer never
// checks keys, so it would pass the very bug this guards against.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { flushSync, mount, unmount, type Component } from 'svelte';
import { parse } from 'svelte/compiler';
import { afterEach, describe, expect, it } from 'vitest';
import CustomSections from '../../src/ui/explorer/CustomSections.svelte';
import SectionTable from '../../src/ui/explorer/SectionTable.svelte';
import MetadataDetails from '../../src/ui/inspect/MetadataDetails.svelte';
import DescriptorTable from '../../src/ui/artifacts/DescriptorTable.svelte';
import ManifestJson from '../../src/ui/artifacts/ManifestJson.svelte';
import TagList from '../../src/ui/registry/TagList.svelte';
import { decodeCustomSections, encodeU32, parseWasm } from '../../src/lib/wasm';
import { inspectModel, parseMetadataJson } from '../../src/lib/kubewarden';
import { recognizeArtifact } from '../../src/lib/artifacts';

// The project root (vitest runs there); import.meta.url is not a file URL under happy-dom.
const ROOT = process.cwd();

/**
 * Keyed eaches whose list the app makes itself (constants, labels it writes, positions it numbers), so their keys
 * cannot repeat whatever a file or registry holds. `file: list expression`.
 */
const APP_MADE = new Set([
  'src/ui/App.svelte: NAV',
  'src/ui/evaluate/EvaluateView.svelte: RUNTIME_MODES',
  'src/ui/evaluate/EvaluateView.svelte: REQUEST_TEMPLATES',
  'src/ui/annotate/RulesEditor.svelte: LISTS',
  'src/ui/annotate/RulesEditor.svelte: OPERATIONS',
  'src/ui/annotate/DetailsFields.svelte: short', // TEXT_FIELDS, the form's own field list
  'src/ui/annotate/BehaviourFields.svelte: EXECUTION_MODES',
  'src/ui/annotate/BehaviourFields.svelte: POLICY_TYPES',
  'src/ui/inspect/InspectView.svelte: TABS',
  'src/ui/inspect/MetadataDetails.svelte: model.details', // labels written by inspectModel
  'src/ui/artifacts/BlobViewer.svelte: e.hazards', // nameHazards lists each hazard once
]);

function svelteFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? svelteFiles(join(dir, e.name)) : e.name.endsWith('.svelte') ? [join(dir, e.name)] : [],
  );
}

interface Node {
  type: string;
  start: number;
  end: number;
  [k: string]: unknown;
}

function eachBlocks(node: unknown, out: Node[] = []): Node[] {
  // The template is shallow (markup nesting), so recursion is bounded by the file, not by data.
  if (Array.isArray(node)) for (const n of node) eachBlocks(n, out);
  else if (node && typeof node === 'object') {
    const n = node as Node;
    if (n.type === 'EachBlock') out.push(n);
    for (const [k, v] of Object.entries(n)) if (k !== 'expression' && k !== 'key') eachBlocks(v, out);
  }
  return out;
}

describe('every keyed each in src/ui', () => {
  it('is keyed by its index, or lists only what the app makes', () => {
    const bad: string[] = [];
    let keyed = 0;
    for (const file of svelteFiles(join(ROOT, 'src/ui'))) {
      const source = readFileSync(file, 'utf8');
      const ast = parse(source, { modern: true });
      const name = relative(ROOT, file);
      for (const block of eachBlocks(ast.fragment)) {
        const key = block.key as Node | null;
        if (!key) continue;
        keyed++;
        const index = block.index as string | null;
        if (key.type === 'Identifier' && key.name === index) continue;
        const list = block.expression as Node;
        const what = `${name}: ${source.slice(list.start, list.end)}`;
        if (!APP_MADE.has(what)) bad.push(`${what} keyed by ${source.slice(key.start, key.end)}`);
      }
    }
    expect(keyed).toBeGreaterThan(30);
    expect(bad).toEqual([]);
  });
});

/** Mounts a component, flushes, and hands back its root; unmounted after each test. */
const mounted: ReturnType<typeof mount>[] = [];
afterEach(() => {
  for (const m of mounted.splice(0)) unmount(m);
  document.body.innerHTML = '';
});
function render<P extends Record<string, unknown>>(component: Component<P>, props: P): HTMLElement {
  const target = document.createElement('div');
  document.body.append(target);
  mounted.push(mount(component, { target, props }));
  flushSync();
  return target;
}
const texts = (root: HTMLElement, selector: string) =>
  Array.from(root.querySelectorAll(selector), (e) => e.textContent?.trim());

// A module whose custom sections repeat themselves: two "name" sections whose function maps both name function 0
// (and one map that names it twice), and target features listing +simd128 twice. Both are what a file can say.
const enc = new TextEncoder();
const str = (s: string) => [...encodeU32(s.length), ...enc.encode(s)];
const custom = (name: string, payload: number[]) => {
  const body = [...str(name), ...payload];
  return [0, ...encodeU32(body.length), ...body];
};
const functionNames = (pairs: [number, string][]) => {
  const sub = [...encodeU32(pairs.length), ...pairs.flatMap(([i, n]) => [...encodeU32(i), ...str(n)])];
  return [1, ...encodeU32(sub.length), ...sub];
};
const features = [2, 0x2b, ...str('simd128'), 0x2b, ...str('simd128')];
const wasm = new Uint8Array([
  0,
  0x61,
  0x73,
  0x6d,
  1,
  0,
  0,
  0,
  ...custom(
    'name',
    functionNames([
      [0, 'main'],
      [0, 'main'],
    ]),
  ),
  ...custom('name', functionNames([[0, 'main']])),
  ...custom('target_features', features),
  ...custom('target_features', features),
]);

describe('list components render duplicate data in full', () => {
  it('Explorer: repeated function names and target features', () => {
    const info = parseWasm(wasm);
    const customs = decodeCustomSections(wasm, info.sections);
    const root = render(CustomSections, { customs, hex: false });
    expect(root.querySelectorAll('article')).toHaveLength(4);
    expect(texts(root, '.names li')).toEqual(['0: main', '0: main', '0: main']);
    expect(texts(root, '.features li')).toEqual(['+simd128', '+simd128', '+simd128', '+simd128']);
    const table = render(SectionTable, { sections: info.sections, hex: false });
    expect(table.querySelectorAll('tbody tr')).toHaveLength(4);
  });

  it('Registry: a tag list that names the same tag twice, and 100,000 tags a page at a time', () => {
    const opened: string[] = [];
    const root = render(TagList, {
      tags: ['v1', 'v1', 'latest', 'v1'],
      onopen: (t: string) => opened.push(t),
    });
    expect(texts(root, 'li code')).toEqual(['v1', 'v1', 'latest', 'v1']);
    (root.querySelectorAll('button')[1] as HTMLButtonElement).click();
    expect(opened).toEqual(['v1']);

    const many = Array.from({ length: 100_000 }, (_, i) => `t${i % 50_000}`);
    const big = render(TagList, { tags: many, onopen: () => {} });
    expect(big.querySelectorAll('li')).toHaveLength(200);
    expect(big.textContent).toContain('Showing 200 of 100,000 tags.');
    Array.from(big.querySelectorAll('button'))
      .find((b) => b.textContent?.startsWith('Show 200 more'))!
      .click();
    flushSync();
    expect(big.querySelectorAll('li')).toHaveLength(400);
    const filter = big.querySelector('input[type="search"]') as HTMLInputElement;
    filter.value = 't4999';
    filter.dispatchEvent(new Event('input'));
    flushSync();
    // t4999 and t49990–t49999, each listed twice.
    expect(big.querySelectorAll('li')).toHaveLength(22);
  });

  it('Artifacts: layers with one digest and annotations, and manifest JSON with repeated digests', () => {
    const layer = {
      mediaType: 'application/vnd.cncf.kyverno.policy.layer.v1+yaml',
      digest: `sha256:${'a'.repeat(64)}`,
      size: 10,
      annotations: { 'io.kyverno.image.name': 'same', 'io.kyverno.image.kind': 'ClusterPolicy' },
    };
    const manifest = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.cncf.kyverno.config.v1+json', digest: layer.digest, size: 2 },
      layers: [layer, layer],
    };
    const recognition = recognizeArtifact(manifest, { mediaType: manifest.mediaType });
    const none = () => {};
    const root = render(DescriptorTable, {
      recognition,
      hrefFor: (d: string) => `#/ref/x@${d}`,
      onblob: none,
      onwasm: none,
      ondownload: none,
    });
    expect(root.querySelectorAll('tbody > tr')).toHaveLength(3);
    const json = render(ManifestJson, { value: manifest, hrefFor: (d: string) => d, onblob: none });
    expect(json.querySelectorAll('button.digest')).toHaveLength(3);
  });

  it('Inspect: 10,000 annotations appear a page at a time', () => {
    const annotations = Object.fromEntries(
      Array.from({ length: 10_000 }, (_, i) => [`example.com/a${i}`, 'same value']),
    );
    const parsed = parseMetadataJson(
      JSON.stringify({ protocolVersion: 'v1', rules: [], mutating: false, annotations }),
    );
    const root = render(MetadataDetails, { model: inspectModel(parsed.metadata) });
    const table = root.querySelector('[data-testid="inspect-annotations"]')!;
    expect(table.querySelectorAll('tr')).toHaveLength(200);
    expect(root.textContent).toContain('Showing 200 of 10,000 annotations.');
  });
});

describe('markdown that nests past what marked can take', () => {
  it('is shown as plain text instead of breaking the view', async () => {
    const { default: Markdown } = await import('../../src/ui/common/Markdown.svelte');
    // marked overflows the stack on 3,000 "> " and takes seconds on 300 nested list levels.
    const quotes = `${'> '.repeat(3000)}deep`;
    const lists = Array.from({ length: 300 }, (_, i) => `${' '.repeat(i * 2)}- x`).join('\n');
    // Markdown draws a frame after the view around it (issue 18): wait for that frame and the task after it.
    const drawn = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    for (const text of [quotes, lists]) {
      const root = render(Markdown, { text, label: 'Usage' });
      await drawn();
      expect(root.textContent).toContain('nests too deeply to render as markdown');
      expect(root.querySelector('pre')!.textContent).toBe(text);
    }
    const ok = render(Markdown, { text: '> quoted\n\n- a\n  - b', label: 'Usage' });
    await drawn();
    expect(ok.querySelectorAll('li')).toHaveLength(2);
    expect(ok.textContent).not.toContain('nests too deeply');
    expect(ok.querySelector('pre')).toBeNull();
  });
});
