/** Matching validation issues to form fields: ids for aria-describedby and the issues under a dotted path. */
import type { Issue } from '../../lib/kubewarden';

/** Issues whose field is `path` or lies under it (`rules.0` covers `rules.0.resources`). */
export function issuesAt(issues: readonly Issue[], path: string): Issue[] {
  return issues.filter((i) => i.field === path || i.field.startsWith(`${path}.`));
}

/** A DOM id for the message list of a field path. */
export function issueId(path: string): string {
  return `issues-${path.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** The ARIA attributes a control gets from its issues. */
export function describe(issues: readonly Issue[], path: string) {
  const here = issuesAt(issues, path);
  return {
    'aria-invalid': here.some((i) => i.severity === 'error') ? ('true' as const) : undefined,
    'aria-describedby': here.length > 0 ? issueId(path) : undefined,
  };
}
