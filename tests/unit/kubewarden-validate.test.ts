// Validation rules of kwctl (spec §4): rule lists, Kubernetes resource cases, backend and protocol checks.
import { describe, expect, it } from 'vitest';
import {
  ASTERISK_MESSAGE,
  checkResources,
  emptyMetadata,
  INVALID_PROTOCOL,
  LENGTH_MESSAGE,
  NOT_REGO,
  REGO_IN_WAPC,
  validateMetadata,
  validateRule,
  type Metadata,
  type Rule,
} from '../../src/lib/kubewarden';

const rule = (over: Partial<Rule> = {}): Rule => ({
  apiGroups: [''],
  apiVersions: ['v1'],
  resources: ['pods'],
  operations: ['CREATE'],
  ...over,
});
const module = { kind: 'module' as const };
const errors = (m: Metadata, exports?: string[]) =>
  validateMetadata(m, module, { exports }).filter((i) => i.severity === 'error');

describe('rule lists', () => {
  it('accepts a plain rule and the core group ""', () => {
    expect(validateRule(rule(), 0)).toEqual([]);
  });

  it.each(['apiGroups', 'apiVersions', 'resources', 'operations'] as const)(
    '%s needs at least one item',
    (list) => {
      expect(validateRule(rule({ [list]: [] }), 2)).toEqual([
        { severity: 'error', field: `rules.2.${list}`, message: LENGTH_MESSAGE },
      ]);
    },
  );

  it.each([
    ['apiGroups', ['', '*']],
    ['apiGroups', ['*', 'apps']],
    ['apiVersions', ['v1', '*']],
    ['operations', ['*', 'CREATE']],
  ] as const)('%s: * must be alone (%j)', (list, items) => {
    expect(validateRule(rule({ [list]: [...items] } as Partial<Rule>), 0)).toEqual([
      { severity: 'error', field: `rules.0.${list}`, message: ASTERISK_MESSAGE },
    ]);
  });

  it('accepts * alone and allows empty strings in apiGroups and apiVersions', () => {
    expect(validateRule(rule({ apiGroups: ['*'], apiVersions: [''], operations: ['*'] }), 0)).toEqual([]);
  });

  it('reports every failing list of a rule, in field order', () => {
    const issues = validateRule(
      { apiGroups: [], apiVersions: ['*', 'v1'], resources: [''], operations: [] },
      1,
    );
    expect(issues.map((i) => i.field)).toEqual([
      'rules.1.apiGroups',
      'rules.1.apiVersions',
      'rules.1.resources',
      'rules.1.operations',
    ]);
  });
});

describe('Kubernetes resource cases (§4.3)', () => {
  it.each([
    [['pods'], null],
    [['pods', 'deployments'], null],
    [['pods/log'], null],
    [['*'], null],
    [['*/*'], null],
    [['*/scale'], null],
    [['pods/*'], null],
    [[''], 'empty resource is not allowed'],
    [['pods', ''], 'empty resource is not allowed'],
    [['*/*', 'pods'], "if '*/*' is present, must not specify other resources"],
    [['pods', '*/*'], "if '*/*' is present, must not specify other resources"],
    [['*/*', 'pods/log'], "if '*/*' is present, must not specify other resources"],
    // `*` with a resource without subresource: only the last slash-free item counts.
    [['*', 'pods'], "if '*' is present, must not specify other resources without subresources"],
    [['pods', '*'], null],
    [['*', 'pods/log'], null],
    [['*', 'a/b', 'a/*', '*/b'], null],
    // x/y after x/* fails; the reverse passes (earlier items only).
    [['pods/*', 'pods/log'], "if 'pods/*' is present, must not specify pods/log"],
    [['pods/log', 'pods/*'], null],
    [['a/*', 'a'], null],
    // x/y after */y fails; the reverse passes.
    [['*/log', 'pods/log'], "if '*/log' is present, must not specify pods/log"],
    [['pods/log', '*/log'], null],
    [['*/a', 'x/a'], "if '*/a' is present, must not specify x/a"],
    // Split at the first slash only.
    [['a/*', 'a/b/c'], "if 'a/*' is present, must not specify a/b/c"],
  ])('%j → %s', (resources, message) => {
    expect(checkResources(resources)).toBe(message);
    const issues = validateRule(rule({ resources }), 0);
    expect(issues).toEqual(message ? [{ severity: 'error', field: 'rules.0.resources', message }] : []);
  });

  it('adds a non-blocking order hint when only the order makes a list pass', () => {
    const m = { ...emptyMetadata(), rules: [rule({ resources: ['pods/log', 'pods/*'] })] };
    const issues = validateMetadata(m, module);
    expect(issues).toEqual([
      { severity: 'warning', field: 'rules.0.resources', message: expect.stringContaining('order') },
    ]);
  });
});

describe('backend detection and protocol version (§4.1, §4.2)', () => {
  const rego = ['opa_eval', 'memory'];
  const wapc = ['__guest_call', 'memory'];

  it('waPC mode with opa_ exports is the "created using Rego" error', () => {
    expect(errors(emptyMetadata('kubewarden-wapc'), rego)).toEqual([
      { severity: 'error', field: 'executionMode', message: REGO_IN_WAPC },
    ]);
  });

  it.each(['opa', 'gatekeeper'] as const)(
    '%s mode without opa_ exports is an error, with them it passes',
    (mode) => {
      expect(errors(emptyMetadata(mode), wapc)).toEqual([
        { severity: 'error', field: 'executionMode', message: NOT_REGO },
      ]);
      expect(errors(emptyMetadata(mode), rego)).toEqual([]);
    },
  );

  it('wasi ignores exports', () => {
    expect(errors(emptyMetadata('wasi'), rego)).toEqual([]);
    expect(errors(emptyMetadata('wasi'), wapc)).toEqual([]);
  });

  it('skips backend detection when exports are not given', () => {
    expect(errors(emptyMetadata('opa'))).toEqual([]);
  });

  it('waPC with protocol Unknown must specify a valid protocol version', () => {
    const m = { ...emptyMetadata(), protocolVersion: 'Unknown' as const };
    expect(errors(m, wapc)).toEqual([
      { severity: 'error', field: 'protocolVersion', message: INVALID_PROTOCOL },
    ]);
    expect(errors(emptyMetadata(), wapc)).toEqual([]);
  });

  it('warns when a non-waPC mode carries v1 (kwctl writes Unknown)', () => {
    const m = { ...emptyMetadata('wasi'), protocolVersion: 'v1' as const };
    expect(validateMetadata(m, module)).toEqual([
      { severity: 'warning', field: 'protocolVersion', message: expect.stringContaining('Unknown') },
    ]);
  });

  it('components are an error', () => {
    expect(validateMetadata(emptyMetadata(), { kind: 'component' })[0]).toMatchObject({
      severity: 'error',
      field: 'module',
    });
  });
});

describe('context-aware resources, minimum version, reserved annotation', () => {
  it('needs non-empty apiVersion and kind', () => {
    const m = {
      ...emptyMetadata(),
      contextAwareResources: [
        { apiVersion: 'v1', kind: 'Pod' },
        { apiVersion: 'apps/v1', kind: '' },
        { apiVersion: '', kind: 'Namespace' },
      ],
    };
    expect(errors(m).map((i) => i.field)).toEqual([
      'contextAwareResources.1.kind',
      'contextAwareResources.2.apiVersion',
    ]);
  });

  it.each([
    ['1.2.3', true],
    ['1.17.0-rc1', true],
    ['1.0.0+build.5', true],
    ['v1.2.3', false],
    ['1.2', false],
    ['01.2.3', false],
    ['', false],
  ])('minimumKubewardenVersion %j valid=%s', (version, ok) => {
    const m = { ...emptyMetadata(), minimumKubewardenVersion: version };
    expect(errors(m).map((i) => i.field)).toEqual(ok ? [] : ['minimumKubewardenVersion']);
  });

  it('does not check annotations, hostCapabilities or policyType against rules', () => {
    const m: Metadata = {
      ...emptyMetadata(),
      policyType: 'raw',
      rules: [rule()],
      annotations: { '': '', 'x y': 'multi\nline' },
      hostCapabilities: ['not/a/capability'],
    };
    expect(validateMetadata(m, module)).toEqual([]);
  });

  it('warns about a typed io.kubewarden.kwctl, unless it is the value the file already has', () => {
    const m = { ...emptyMetadata(), annotations: { 'io.kubewarden.kwctl': '9.9.9' } };
    expect(validateMetadata(m, module)).toEqual([
      {
        severity: 'warning',
        field: 'annotations.io.kubewarden.kwctl',
        message: expect.stringContaining('not written'),
      },
    ]);
    expect(validateMetadata(m, module, { existingKwctl: '1.6.0' })[0].message).toContain('1.6.0 is kept');
    expect(validateMetadata(m, module, { existingKwctl: '9.9.9' })).toEqual([]);
  });

  it('never throws, even on a malformed object', () => {
    const broken = { ...emptyMetadata(), rules: [{ apiGroups: null }] } as unknown as Metadata;
    const issues = validateMetadata(broken, null);
    expect(issues[0].severity).toBe('error');
  });
});
