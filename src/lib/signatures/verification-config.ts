/**
 * Kubewarden's verification config (`verification-config.yml`, used by `kwctl verify` and
 * policy-server), parsed with the rules of policy-fetcher's serde types: `apiVersion: v1`,
 * `allOf` and/or `anyOf` (`minimumMatches`, default 1), signature kinds `pubKey`, `genericIssuer`,
 * `githubAction` and `certificate`, unknown fields refused, strings required where strings go.
 * Every problem is reported with its line and column; parsing never throws.
 */
import { MAX_YAML_DEPTH, yamlTooDeepAt } from '../common';
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';

export type Annotations = Record<string, string> | null;

export type SignatureRule =
  | { kind: 'pubKey'; owner: string | null; key: string; annotations: Annotations }
  | {
      kind: 'genericIssuer';
      issuer: string;
      subject: { equal: string } | { urlPrefix: string };
      annotations: Annotations;
    }
  | { kind: 'githubAction'; owner: string; repo: string | null; annotations: Annotations }
  | {
      kind: 'certificate';
      certificate: string;
      certificateChain: string[] | null;
      requireRekorBundle: boolean;
      annotations: Annotations;
    };

export interface VerificationConfig {
  apiVersion: 'v1';
  allOf: SignatureRule[] | null;
  anyOf: { minimumMatches: number; signatures: SignatureRule[] } | null;
}

export interface ConfigIssue {
  message: string;
  line: number;
  column: number;
}

export type ConfigResult = { ok: true; config: VerificationConfig } | { ok: false; issues: ConfigIssue[] };

export const MAX_CONFIG_CHARS = 1024 * 1024;

const FIELDS: Record<SignatureRule['kind'], string[]> = {
  pubKey: ['kind', 'owner', 'key', 'annotations'],
  genericIssuer: ['kind', 'issuer', 'subject', 'annotations'],
  githubAction: ['kind', 'owner', 'repo', 'annotations'],
  certificate: ['kind', 'certificate', 'certificateChain', 'requireRekorBundle', 'annotations'],
};

class Reader {
  issues: ConfigIssue[] = [];
  private visited = 0;
  constructor(
    private doc: Document,
    private lines: LineCounter,
  ) {}

  issue(node: Node | null | undefined, message: string): null {
    const at = node?.range?.[0] ?? 0;
    const { line, col } = this.lines.linePos(at);
    this.issues.push({ message, line, column: col });
    return null;
  }

  resolve(node: unknown): Node | null {
    if (++this.visited > 20000) {
      this.issue(null, 'the config is too large or uses too many aliases');
      return null;
    }
    if (isAlias(node)) return (node.resolve(this.doc) as Node | undefined) ?? null;
    return (node as Node | null) ?? null;
  }

  /** A mapping's entries by key, refusing unknown and duplicate keys. */
  map(
    node: Node | null,
    what: string,
    allowed: string[],
  ): Map<string, { key: Node; value: Node | null }> | null {
    if (!isMap(node)) return this.issue(node, `${what} must be a mapping`);
    const out = new Map<string, { key: Node; value: Node | null }>();
    for (const pair of node.items) {
      const k = this.resolve(pair.key);
      const name = isScalar(k) ? String(k.value) : '';
      if (!allowed.includes(name)) {
        this.issue(
          k,
          `unknown field \`${name}\` in ${what}, expected one of ${allowed.map((a) => `\`${a}\``).join(', ')}`,
        );
        continue;
      }
      out.set(name, { key: k!, value: this.resolve(pair.value) });
    }
    return out;
  }

  isNull(node: Node | null) {
    return node === null || (isScalar(node) && node.value === null);
  }

  string(node: Node | null, what: string, at: Node | null): string | null {
    if (node === null) return this.issue(at, `missing field \`${what}\``);
    if (!isScalar(node) || typeof node.value !== 'string')
      return this.issue(node, `\`${what}\` must be a string`);
    return node.value;
  }

  optString(node: Node | null, what: string): string | null {
    return this.isNull(node) ? null : this.string(node, what, node);
  }

  annotations(node: Node | null): Annotations {
    if (this.isNull(node)) return null;
    if (!isMap(node)) return this.issue(node, '`annotations` must be a mapping of names to strings');
    const out: Record<string, string> = {};
    for (const pair of node.items) {
      const k = this.resolve(pair.key);
      const v = this.resolve(pair.value);
      if (!isScalar(k) || typeof k.value !== 'string') {
        this.issue(k, 'annotation names must be strings');
        continue;
      }
      const s = this.string(v, `annotations.${k.value}`, k);
      if (s !== null) out[k.value] = s;
    }
    return out;
  }

  rule(node: Node | null, where: string): SignatureRule | null {
    if (!isMap(node)) return this.issue(node, `${where} must be a mapping with a \`kind\``);
    const kindNode = node.items.find((p) => isScalar(p.key) && p.key.value === 'kind');
    const kind = kindNode ? this.resolve(kindNode.value) : null;
    const kindName = isScalar(kind) ? String(kind.value) : '';
    if (!(kindName in FIELDS)) {
      return this.issue(
        kind ?? node,
        `${where}: unknown variant \`${kindName}\`, expected one of \`pubKey\`, \`genericIssuer\`, \`githubAction\`, \`certificate\``,
      );
    }
    const k = kindName as SignatureRule['kind'];
    const f = this.map(node, `${where} (${k})`, FIELDS[k]);
    if (!f) return null;
    const val = (name: string) => f.get(name)?.value ?? null;
    const annotations = this.annotations(val('annotations'));
    switch (k) {
      case 'pubKey': {
        const key = this.string(val('key'), 'key', node);
        return key === null
          ? null
          : { kind: k, owner: this.optString(val('owner'), 'owner'), key, annotations };
      }
      case 'githubAction': {
        const owner = this.string(val('owner'), 'owner', node);
        return owner === null
          ? null
          : { kind: k, owner, repo: this.optString(val('repo'), 'repo'), annotations };
      }
      case 'genericIssuer': {
        const issuer = this.string(val('issuer'), 'issuer', node);
        const subject = this.subject(val('subject'), node);
        return issuer === null || subject === null ? null : { kind: k, issuer, subject, annotations };
      }
      case 'certificate': {
        const certificate = this.string(val('certificate'), 'certificate', node);
        const chainNode = val('certificateChain');
        let certificateChain: string[] | null = null;
        if (!this.isNull(chainNode)) {
          if (!isSeq(chainNode))
            this.issue(chainNode, '`certificateChain` must be a list of PEM certificates');
          else
            certificateChain = chainNode.items.map(
              (c, i) => this.string(this.resolve(c), `certificateChain[${i}]`, chainNode) ?? '',
            );
        }
        const rr = val('requireRekorBundle');
        let requireRekorBundle = false;
        if (!this.isNull(rr)) {
          if (!isScalar(rr) || typeof rr.value !== 'boolean')
            this.issue(rr, '`requireRekorBundle` must be true or false');
          else requireRekorBundle = rr.value;
        }
        return certificate === null
          ? null
          : { kind: k, certificate, certificateChain, requireRekorBundle, annotations };
      }
    }
  }

  subject(node: Node | null, at: Node): { equal: string } | { urlPrefix: string } | null {
    if (node === null) return this.issue(at, 'missing field `subject`');
    const f = this.map(node, '`subject`', ['equal', 'urlPrefix']);
    if (!f) return null;
    if (f.size !== 1) return this.issue(node, '`subject` must have exactly one of `equal` or `urlPrefix`');
    const [name, { value }] = [...f.entries()][0]!;
    const text = this.string(value, `subject.${name}`, node);
    if (text === null) return null;
    if (name === 'equal') return { equal: text };
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return this.issue(value, `\`subject.urlPrefix\` ${JSON.stringify(text)} is not a URL`);
    }
    // policy-fetcher appends `/` so https://github.com/kubewarden cannot match kubewarden-malicious.
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    return { urlPrefix: url.toString() };
  }

  rules(node: Node | null, where: string): SignatureRule[] | null {
    if (!isSeq(node)) return this.issue(node, `\`${where}\` must be a list of signatures`);
    return node.items
      .map((n, i) => this.rule(this.resolve(n), `${where}[${i}]`))
      .filter((r): r is SignatureRule => r !== null);
  }
}

/** Parses a verification config; on failure every issue carries its line and column (1-based). */
export function parseVerificationConfig(text: string): ConfigResult {
  if (typeof text !== 'string')
    return { ok: false, issues: [{ message: 'the config is not text', line: 1, column: 1 }] };
  if (text.length > MAX_CONFIG_CHARS)
    return {
      ok: false,
      issues: [
        {
          message: `the config is ${text.length} characters, more than ${MAX_CONFIG_CHARS}`,
          line: 1,
          column: 1,
        },
      ],
    };
  const deep = yamlTooDeepAt(text);
  if (deep !== null)
    return {
      ok: false,
      issues: [
        {
          message: `the config nests deeper than ${MAX_YAML_DEPTH} levels at line ${deep}`,
          line: deep,
          column: 1,
        },
      ],
    };
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) {
    return {
      ok: false,
      issues: doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return { message: e.message.split('\n')[0]!, line: pos.line, column: pos.col };
      }),
    };
  }
  const r = new Reader(doc, lines);
  const top = r.map(r.resolve(doc.contents), 'the config', ['apiVersion', 'allOf', 'anyOf']);
  if (!top) return { ok: false, issues: r.issues };
  const api = top.get('apiVersion')?.value ?? null;
  if (api === null) r.issue(doc.contents as Node, 'missing field `apiVersion`');
  else if (!isScalar(api) || api.value !== 'v1')
    r.issue(
      api,
      `Not a supported configuration version: ${JSON.stringify(isScalar(api) ? api.value : null)} (only v1 exists)`,
    );
  const allOfNode = top.get('allOf')?.value ?? null;
  const anyOfNode = top.get('anyOf')?.value ?? null;
  const allOf = r.isNull(allOfNode) ? null : r.rules(allOfNode, 'allOf');
  let anyOf: VerificationConfig['anyOf'] = null;
  if (!r.isNull(anyOfNode)) {
    const f = r.map(anyOfNode, '`anyOf`', ['minimumMatches', 'signatures']);
    if (f) {
      const mm = f.get('minimumMatches')?.value ?? null;
      let minimumMatches = 1;
      if (mm !== null) {
        if (
          !isScalar(mm) ||
          typeof mm.value !== 'number' ||
          !Number.isInteger(mm.value) ||
          mm.value < 0 ||
          mm.value > 255
        ) {
          r.issue(mm, '`minimumMatches` must be an integer from 0 to 255');
        } else minimumMatches = mm.value;
      }
      const sigs = f.get('signatures')?.value ?? null;
      const signatures =
        sigs === null
          ? r.issue(anyOfNode, 'missing field `signatures` in `anyOf`')
          : r.rules(sigs, 'anyOf.signatures');
      if (signatures) anyOf = { minimumMatches, signatures };
    }
  }
  if (r.isNull(allOfNode) && r.isNull(anyOfNode))
    r.issue(doc.contents as Node, 'config is missing signatures in both allOf and anyOf list');
  if (r.issues.length) return { ok: false, issues: r.issues };
  return { ok: true, config: { apiVersion: 'v1', allOf, anyOf } };
}
