// Runtime building blocks: request/settings parsing, templates, verdicts and JSON patches, fixtures, WASI stdin, console.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ConsoleCollector,
  REQUEST_TEMPLATES,
  RuntimeError,
  StdinPipe,
  answerHostCall,
  diffJson,
  parseFixtures,
  readAdmissionRequest,
  readSettings,
  settingsVerdict,
  stoppedMessage,
  verdictFromValidationResponse,
} from '../../src/lib/runtime';
import { applyPatch } from './json-patch';

const dec = new TextDecoder();

describe('request and settings', () => {
  it('reads an AdmissionReview in JSON or YAML, or a bare request', () => {
    const json = readAdmissionRequest(
      '{"kind":"AdmissionReview","request":{"uid":"1","operation":"CREATE"}}',
    );
    const yaml = readAdmissionRequest('kind: AdmissionReview\nrequest:\n  uid: "1"\n  operation: CREATE\n');
    const bare = readAdmissionRequest('{"uid":"1","operation":"CREATE"}');
    expect(json).toEqual({ uid: '1', operation: 'CREATE' });
    expect(yaml).toEqual(json);
    expect(bare).toEqual(json);
  });

  it('says what is wrong with a bad request', () => {
    expect(() => readAdmissionRequest('[1, 2')).toThrow(/The request is neither JSON nor YAML/);
    expect(() => readAdmissionRequest('[1, 2]')).toThrow('The request must be a JSON or YAML object.');
    expect(() => readAdmissionRequest('{"request": {"uid": "x"}}')).toThrow(/no "operation"/);
    expect(() => readAdmissionRequest('{"kind":"AdmissionReview"}')).toThrow(/no "request" object/);
  });

  it('keeps a raw policy request whole', () => {
    expect(readAdmissionRequest('{"user": "alice"}', 'raw')).toEqual({ user: 'alice' });
  });

  it('reads settings, with empty text meaning {}', () => {
    expect(readSettings('')).toEqual({});
    expect(readSettings('denied_labels: [foo]')).toEqual({ denied_labels: ['foo'] });
    expect(() => readSettings('- a')).toThrow(RuntimeError);
  });

  it('every template is an AdmissionReview the reader accepts', () => {
    for (const t of REQUEST_TEMPLATES) {
      const req = readAdmissionRequest(t.text);
      expect(['CREATE', 'UPDATE', 'DELETE']).toContain(req.operation);
      if (req.operation === 'DELETE') expect(req.object).toBeNull();
      else expect(req.object).toMatchObject({ metadata: { namespace: req.namespace } });
    }
  });
});

describe('verdicts', () => {
  it('reads a ValidationResponse and ignores unknown fields', () => {
    expect(
      verdictFromValidationResponse({ accepted: false, message: 'no', code: 403, extra: 1 }, {}),
    ).toEqual({
      accepted: false,
      message: 'no',
      code: 403,
    });
    expect(() => verdictFromValidationResponse({ allowed: true }, {})).toThrow(/no boolean "accepted"/);
    expect(() => settingsVerdict({})).toThrow(/no boolean "valid"/);
  });

  it('a mutated object gives a patch that turns the request object into it', () => {
    const object = { metadata: { name: 'a', labels: { x: '1' } }, spec: { containers: [{ image: 'n' }] } };
    const mutated = { metadata: { name: 'a', labels: { y: '2' } }, spec: { containers: [{ image: 'n:1' }] } };
    const v = verdictFromValidationResponse({ accepted: true, mutated_object: mutated }, object);
    expect(v.mutatedObject).toEqual(mutated);
    // json-patch's order: shared keys (sorted) first, then additions, then removals.
    expect(v.patch).toEqual([
      { op: 'add', path: '/metadata/labels/y', value: '2' },
      { op: 'remove', path: '/metadata/labels/x' },
      { op: 'replace', path: '/spec/containers/0/image', value: 'n:1' },
    ]);
  });

  it("diffJson gives the patches of json-patch's own documentation and tests (the crate kwctl diffs with)", () => {
    // json-patch src/diff.rs: the `diff` doc example and the remove_all / remove_tail / replace_object tests.
    const left = {
      title: 'Goodbye!',
      author: { givenName: 'John', familyName: 'Doe' },
      tags: ['example', 'sample'],
      content: 'This will be unchanged',
    };
    const right = {
      title: 'Hello!',
      author: { givenName: 'John' },
      tags: ['example'],
      content: 'This will be unchanged',
      phoneNumber: '+01-123-456-7890',
    };
    expect(diffJson(left, right)).toEqual([
      { op: 'remove', path: '/author/familyName' },
      { op: 'remove', path: '/tags/1' },
      { op: 'replace', path: '/title', value: 'Hello!' },
      { op: 'add', path: '/phoneNumber', value: '+01-123-456-7890' },
    ]);
    expect(diffJson(['hello', 'bye'], [])).toEqual([
      { op: 'remove', path: '/0' },
      { op: 'remove', path: '/0' },
    ]);
    expect(diffJson(['hello', 'bye', 'hi'], ['hello'])).toEqual([
      { op: 'remove', path: '/1' },
      { op: 'remove', path: '/1' },
    ]);
    expect(diffJson(['hello', 'bye'], { hello: 'bye' })).toEqual([
      { op: 'add', path: '/hello', value: 'bye' },
      { op: 'remove', path: '/0' },
      { op: 'remove', path: '/0' },
    ]);
  });

  it('diffJson: applying the patch always yields the target (property), except across array/object swaps', () => {
    // treediff compares an array and an object by their keys, which never meet, so kwctl's patch for such a swap
    // (see replace_object above) cannot be applied; those pairs are left out.
    const swap = (a: unknown, b: unknown): boolean => {
      const container = (v: unknown) => typeof v === 'object' && v !== null;
      if (!container(a) || !container(b)) return false;
      if (Array.isArray(a) !== Array.isArray(b)) return true;
      const ra = a as Record<string, unknown>;
      const rb = b as Record<string, unknown>;
      return Object.keys(ra).some((k) => Object.hasOwn(rb, k) && swap(ra[k], rb[k]));
    };
    const json = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(json, json, (a, b) => {
        fc.pre(!swap(a, b));
        expect(applyPatch(a, diffJson(a, b))).toEqual(b);
      }),
      { numRuns: 300 },
    );
  });

  it('diffJson: a mutated object nesting 100,000 arrays (the policy chooses the depth) diffs without recursion', () => {
    const deep = (inner: string) =>
      JSON.parse(`${'['.repeat(100_000)}${inner}${']'.repeat(100_000)}`) as unknown;
    // The innermost [] gains an element: one add, at the path of 99,999 first elements and then /0.
    const [op, ...rest] = diffJson(deep(''), deep('1'));
    expect(rest).toEqual([]);
    expect(op).toMatchObject({ op: 'add', value: 1 });
    expect(op!.path).toBe('/0'.repeat(100_000));
  });

  it('escapes keys with / and ~ in patch paths', () => {
    expect(diffJson({}, { 'a/b~c': 1 })).toEqual([{ op: 'add', path: '/a~1b~0c', value: 1 }]);
  });
});

describe('host capability fixtures', () => {
  const payload = new TextEncoder().encode('"x"');
  it('reads a JSON object as fixtures, a list as a kwctl session, and rejects anything else', () => {
    expect(parseFixtures('  ')).toEqual({ fixtures: {} });
    expect(parseFixtures('{"net/v1/dns_lookup_host": {"ips": []}}')).toEqual({
      fixtures: { 'net/v1/dns_lookup_host': { ips: [] } },
    });
    expect(parseFixtures('[]')).toEqual({ session: [] });
    expect(() => parseFixtures('"x"')).toThrow(/JSON object/);
    expect(() => parseFixtures('{oops')).toThrow(
      /JSON object keyed by "namespace\/operation", or a kwctl session/,
    );
  });
  it('names the capability when there is no fixture, and refuses other bindings', () => {
    const r = answerHostCall({}, 'kubewarden', 'oci', 'v1/manifest_digest', payload);
    expect(r).toMatchObject({ ok: false, error: expect.stringContaining('oci/v1/manifest_digest') });
    expect(answerHostCall({ 'oci/v1/x': 1 }, 'other', 'oci', 'v1/x', payload)).toMatchObject({ ok: false });
  });
  it('does not resolve inherited keys such as __proto__ or toString', () => {
    expect(answerHostCall({}, 'kubewarden', 'to', 'String', payload).ok).toBe(false);
    expect(
      answerHostCall(parseFixtures('{"__proto__": 1}').fixtures!, 'kubewarden', '__proto__', '', payload).ok,
    ).toBe(false);
  });
  it('sends the fixture as JSON', () => {
    const r = answerHostCall(
      { 'net/v1/dns_lookup_host': { ips: ['1.2.3.4'] } },
      'kubewarden',
      'net',
      'v1/dns_lookup_host',
      payload,
    );
    expect(r.ok && JSON.parse(dec.decode(r.reply))).toEqual({ ips: ['1.2.3.4'] });
  });
});

describe('WASI stdin and the console', () => {
  it('stdin gives unread bytes first, then appended host replies', () => {
    const pipe = new StdinPipe(new TextEncoder().encode('abc'));
    expect(dec.decode(pipe.take(2))).toBe('ab');
    pipe.append(new TextEncoder().encode('XY'));
    expect(dec.decode(pipe.take(10))).toBe('cXY');
    expect(pipe.take(10).length).toBe(0);
  });

  it('joins partial writes into lines and caps the total', () => {
    const c = new ConsoleCollector();
    const enc = new TextEncoder();
    c.write('stderr', enc.encode('hel'));
    c.write('stderr', enc.encode('lo\nwor'));
    c.write('stdout', enc.encode('x'));
    expect(c.finish()).toEqual([
      { stream: 'stderr', text: 'hello' },
      { stream: 'stderr', text: 'wor' },
      { stream: 'stdout', text: 'x' },
    ]);
    const big = new ConsoleCollector();
    for (let i = 0; i < 3000; i++) big.push('log', 'line');
    const lines = big.finish();
    expect(lines.length).toBe(2001);
    expect(lines.at(-1)?.text).toBe('(1000 more lines were not kept)');
  });

  it('formats the time-limit message', () => {
    expect(stoppedMessage(2000)).toBe(
      'The policy was stopped after 2 s: it did not finish within the time limit.',
    );
    expect(stoppedMessage(1500)).toMatch(/stopped after 1\.5 s/);
  });
});
