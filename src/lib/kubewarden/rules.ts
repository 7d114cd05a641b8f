/** kwctl's rule checks (a transposition of Kubernetes admission-registration validation), order dependence kept. */
import type { Issue, Rule } from './types';

export const ASTERISK_MESSAGE = "No other elements can be defined when '*' is used";
/** The validator crate's `length(min = 1)` failure, in words. */
export const LENGTH_MESSAGE = 'length: must contain at least 1 item';

/** The first error of kwctl's `validate_resources`, or null. */
export function checkResources(resources: readonly string[]): string | null {
  const wildcardSub = new Set<string>(); // x/* seen: resource x
  const wildcardRes = new Set<string>(); // */y seen: subresource y
  let doubleWildcard = false;
  let singleWildcard = false;
  let withoutSub = false;
  for (const item of resources) {
    if (item === '') return 'empty resource is not allowed';
    if (item === '*/*') doubleWildcard = true;
    if (item === '*') singleWildcard = true;
    const slash = item.indexOf('/');
    if (slash < 0) {
      // Overwritten by every item without a slash, so only the last one counts (as in Kubernetes).
      withoutSub = item !== '*';
      continue;
    }
    const res = item.slice(0, slash);
    const sub = item.slice(slash + 1);
    // kwctl swaps the arguments of this message; Wasmlens names the items the way they were written (§4.3).
    if (wildcardSub.has(res)) return `if '${res}/*' is present, must not specify ${item}`;
    if (wildcardRes.has(sub)) return `if '*/${sub}' is present, must not specify ${item}`;
    if (sub === '*') wildcardSub.add(res);
    if (res === '*') wildcardRes.add(sub);
  }
  if (resources.length > 1 && doubleWildcard) return "if '*/*' is present, must not specify other resources";
  if (singleWildcard && withoutSub)
    return "if '*' is present, must not specify other resources without subresources";
  return null;
}

/** True when `*` is in the list together with anything else. */
function asteriskMixed(items: readonly string[]): boolean {
  return items.includes('*') && items.length > 1;
}

/** Every error of one rule, each with its field (`rules.<i>.<list>`), in kwctl's field order. */
export function validateRule(rule: Rule, index: number): Issue[] {
  const issues: Issue[] = [];
  const add = (list: string, message: string) =>
    issues.push({ severity: 'error', field: `rules.${index}.${list}`, message });
  const lists: [keyof Rule, readonly string[]][] = [
    ['apiGroups', rule.apiGroups],
    ['apiVersions', rule.apiVersions],
    ['resources', rule.resources],
    ['operations', rule.operations],
  ];
  for (const [name, items] of lists) {
    if (items.length < 1) add(name, LENGTH_MESSAGE);
    if (name === 'resources') {
      const message = checkResources(items);
      if (message) add(name, message);
    } else if (asteriskMixed(items)) add(name, ASTERISK_MESSAGE);
  }
  return issues;
}

/** A non-blocking hint when the order of resources decides whether the rule passes (§4.3). */
export function orderHint(resources: readonly string[]): string | null {
  if (resources.length < 2) return null;
  const here = checkResources(resources);
  const reversed = checkResources([...resources].reverse());
  if ((here === null) === (reversed === null)) return null;
  return here === null
    ? 'This list passes only because of its order: kwctl and Kubernetes reject it in the reverse order.'
    : 'This list fails because of its order: kwctl and Kubernetes accept it in the reverse order.';
}
