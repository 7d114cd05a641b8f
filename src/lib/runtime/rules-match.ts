/** Would a cluster send this request to the policy? Its rules matched the way the API server matches webhook rules. */
import type { JsonObject } from './request';

/** A policy rule (metadata `rules`, the shape of admissionregistration.k8s.io/v1 RuleWithOperations). */
export interface RuleLike {
  apiGroups: readonly string[];
  apiVersions: readonly string[];
  resources: readonly string[];
  operations: readonly string[];
}

function isRecord(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const has = (list: readonly string[], value: string) => list.includes('*') || list.includes(value);

/**
 * A `resources` entry against a resource and subresource, as k8s.io/apiserver's rules.Matcher splits and compares
 * them: `pods` matches pods but not their subresources, `pods/*` pods and every pods subresource, `*` every
 * resource without a subresource, `*\/scale` every scale subresource, `*\/*` everything.
 */
function resourceMatches(entry: string, resource: string, subresource: string): boolean {
  const slash = entry.indexOf('/');
  const res = slash < 0 ? entry : entry.slice(0, slash);
  const sub = slash < 0 ? '' : entry.slice(slash + 1);
  return (res === '*' || res === resource) && (sub === '*' || sub === subresource);
}

/** The request's group/version/resource[/subresource] and operation, as the panel names them. */
export function describeTarget(request: JsonObject): string {
  const r = isRecord(request.resource) ? request.resource : {};
  const group = typeof r.group === 'string' && r.group !== '' ? r.group : 'core';
  const sub = typeof request.subResource === 'string' && request.subResource ? `/${request.subResource}` : '';
  return `${String(request.operation)} ${group}/${String(r.version)} ${String(r.resource)}${sub}`;
}

/**
 * A warning when no rule matches the request's group, version, resource and operation: kwctl evaluates any
 * request, but a cluster would never send this one to the policy. Null when a rule matches, or when the policy
 * declares no rules (nothing to compare with).
 */
export function rulesMismatch(request: JsonObject, rules: readonly RuleLike[]): string | null {
  if (rules.length === 0) return null;
  const r = isRecord(request.resource) ? request.resource : null;
  if (!r || typeof r.resource !== 'string' || typeof request.operation !== 'string')
    return "The request has no resource (group, version, resource) to compare with the policy's rules.";
  const group = typeof r.group === 'string' ? r.group : '';
  const version = typeof r.version === 'string' ? r.version : '';
  const sub = typeof request.subResource === 'string' ? request.subResource : '';
  const op = request.operation;
  const matched = rules.some(
    (rule) =>
      has(rule.apiGroups, group) &&
      has(rule.apiVersions, version) &&
      has(rule.operations, op) &&
      rule.resources.some((e) => resourceMatches(e, r.resource as string, sub)),
  );
  if (matched) return null;
  const list = rules
    .map(
      (x) =>
        `${x.operations.join(',')} of ${x.apiGroups.map((g) => g || 'core').join(',')}/${x.apiVersions.join(',')} ${x.resources.join(',')}`,
    )
    .join('; ');
  return `A cluster would never send this request to the policy: it is ${describeTarget(request)}, and the policy's rules cover ${list}. kwctl runs it anyway.`;
}
