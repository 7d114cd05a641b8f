/** kwctl's recorded host-capability sessions: read and write the YAML of `--record/--replay-host-capabilities-interactions`. */
import { MAX_YAML_DEPTH, yamlTooDeepAt } from '../common';
import { isAlias, isMap, isScalar, isSeq, parseDocument, stringify, type Document, type Node } from 'yaml';
import { callbackRequest, type CallbackRequest, YamlScalar } from './callback-request';
import { RuntimeError } from './errors';

/** One exchange: the request the policy made and what the host answered (kwctl's `Exchange` and `Response`). */
export interface SessionExchange {
  request: CallbackRequest;
  response: { type: 'Success'; payload: string } | { type: 'Error'; message: string };
}

/** Largest session accepted: recorded sessions are kilobytes; a cap keeps a wrong file from exhausting memory. */
export const MAX_SESSION_CHARS = 16 * 1024 * 1024;
/** Aliases are expanded while walking; a cap keeps "billion laughs" documents from hanging the worker. */
const MAX_NODES = 200_000;
const MAX_DEPTH = 64;

interface Walk {
  doc: Document;
  nodes: number;
  what: string;
  /** Resolving an alias searches the document, so each alias's target is remembered. */
  aliases: Map<Node, Node | undefined>;
}

/** A YAML tree whose scalars stay {@link YamlScalar}s, so the request shapes can type them as serde_yaml does. */
function tree(node: Node | null | undefined, walk: Walk, depth = 0): unknown {
  if (depth > MAX_DEPTH) throw new Error(`${walk.what} nests deeper than ${MAX_DEPTH} levels`);
  if (++walk.nodes > MAX_NODES)
    throw new Error(`${walk.what} is too large (over ${MAX_NODES} nodes after aliases)`);
  if (node === null || node === undefined) return new YamlScalar('', true);
  if (isAlias(node)) {
    if (!walk.aliases.has(node)) walk.aliases.set(node, node.resolve(walk.doc) as Node | undefined);
    return tree(walk.aliases.get(node), walk, depth + 1);
  }
  if (isScalar(node))
    return new YamlScalar(String(node.value ?? ''), node.type === 'PLAIN' || node.type === undefined);
  if (isSeq(node)) return node.items.map((item) => tree(item as Node | null, walk, depth + 1));
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      const key = pair.key as Node | null;
      if (!isScalar(key)) throw new Error(`${walk.what} has a key that is not a plain string`);
      Object.defineProperty(out, String(key.value ?? ''), {
        value: tree(pair.value as Node | null, walk, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  throw new Error(`${walk.what} holds a YAML node Wasmlens cannot read`);
}

function parse(text: string, what: string): { doc: Document; walk: Walk } {
  const deep = yamlTooDeepAt(text);
  if (deep !== null) throw new Error(`${what} nests deeper than ${MAX_YAML_DEPTH} levels at line ${deep}`);
  let doc: Document;
  try {
    doc = parseDocument(text, { schema: 'failsafe', prettyErrors: false });
  } catch (e) {
    throw new Error(`${what} is not YAML: ${(e as Error).message}`, { cause: e });
  }
  if (doc.errors.length) throw new Error(`${what} is not YAML: ${doc.errors[0].message.split('\n')[0]}`);
  return { doc, walk: { doc, nodes: 0, what, aliases: new Map() } };
}

function str(v: unknown): string | null {
  return v instanceof YamlScalar ? v.yaml : null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof YamlScalar);
}

/** Reads one exchange's `request`: a YAML document tagged with the variant, `!OciManifestDigest\nimage: …`. */
export function parseSessionRequest(text: string, what = 'the request'): CallbackRequest {
  const { doc, walk } = parse(text, what);
  const node = doc.contents as Node | null;
  const tag = node && 'tag' in node && typeof node.tag === 'string' ? node.tag : null;
  if (!tag || !tag.startsWith('!') || tag.startsWith('!!'))
    throw new Error(`${what} has no request tag such as !OciManifestDigest (kwctl writes one per exchange)`);
  return callbackRequest(tag.slice(1), tree(node, walk));
}

/** True when the text looks like a kwctl session rather than a JSON fixtures object. */
export function looksLikeSession(text: string): boolean {
  const t = text.trimStart();
  return t.startsWith('-') || t.startsWith('[') || t.startsWith('---');
}

/**
 * Parses a session file as kwctl's replay does (`serde_yaml::from_reader` into `VecDeque<Exchange>`, then each
 * request into `CallbackRequestType`). kwctl panics on a bad file; here every problem is a `bad-input` error that
 * names the exchange (1-based, in file order) and the field.
 */
export function parseSession(text: string): SessionExchange[] {
  if (text.length > MAX_SESSION_CHARS)
    throw new RuntimeError(
      'bad-input',
      `The session file is larger than ${MAX_SESSION_CHARS / 1048576} MiB.`,
    );
  let items: unknown;
  try {
    const { doc, walk } = parse(text, 'The session file');
    items = tree(doc.contents as Node | null, walk);
  } catch (e) {
    throw new RuntimeError('bad-input', (e as Error).message);
  }
  if (items instanceof YamlScalar && items.plain && items.yaml === '') return [];
  if (!Array.isArray(items))
    throw new RuntimeError('bad-input', 'A kwctl session is a YAML list of exchanges (`- type: Exchange`).');
  return items.map((item, i) => {
    const where = `Exchange ${i + 1}`;
    try {
      return readExchange(item);
    } catch (e) {
      throw new RuntimeError('bad-input', `${where} of the session: ${(e as Error).message}`);
    }
  });
}

function readExchange(item: unknown): SessionExchange {
  if (!isRecord(item)) throw new Error('expected a map with type, request and response');
  if (str(item.type) !== 'Exchange') throw new Error('`type` must be Exchange');
  const requestText = str(item.request);
  if (requestText === null) throw new Error('`request` must be a string holding the tagged request');
  const request = parseSessionRequest(requestText, `its request`);
  const r = item.response;
  if (!isRecord(r)) throw new Error('`response` must be a map with type Success or Error');
  const type = str(r.type);
  if (type === 'Success') {
    const payload = str(r.payload);
    if (payload === null) throw new Error('a Success response needs a string `payload`');
    return { request, response: { type, payload } };
  }
  if (type === 'Error') {
    const message = str(r.message);
    if (message === null) throw new Error('an Error response needs a string `message`');
    return { request, response: { type, message } };
  }
  throw new Error('`response.type` must be Success or Error');
}

/** The request as kwctl records it (`serde_yaml::to_string(&req)`): the tag line, then the fields. */
export function serializeSessionRequest(req: CallbackRequest): string {
  return `!${req.tag}\n${stringify(req.fields, { lineWidth: 0 })}`;
}

/** Writes a session file kwctl can replay, in the layout `kwctl run --record-host-capabilities-interactions` writes. */
export function serializeSession(exchanges: readonly SessionExchange[]): string {
  if (exchanges.length === 0) return '[]\n';
  const items = exchanges.map((x) => ({
    type: 'Exchange',
    request: serializeSessionRequest(x.request),
    response:
      x.response.type === 'Success'
        ? { type: 'Success', payload: x.response.payload }
        : { type: 'Error', message: x.response.message },
  }));
  return stringify(items, { lineWidth: 0, blockQuote: 'literal' });
}
