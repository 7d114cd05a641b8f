/** Matching validation issues to form fields: labels as the form names them, control ids, ids for aria-describedby. */
import { tick } from 'svelte';
import type { Issue } from '../../lib/kubewarden';
import { TEXT_FIELDS } from '../../state/annotate-form';

/** Issues whose field is `path` or lies under it (`rules.0` covers `rules.0.resources`). */
export function issuesAt(issues: readonly Issue[], path: string): Issue[] {
  return issues.filter((i) => i.field === path || i.field.startsWith(`${path}.`));
}

/** A DOM id for the message list of a field path. */
export function issueId(path: string): string {
  return `issues-${path.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** The DOM id of the control that edits a field path (what an issue link focuses). */
export function fieldId(path: string): string {
  return `field-${path.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

const RULE_LISTS: Record<string, string> = {
  apiGroups: 'API groups',
  apiVersions: 'API versions',
  resources: 'Resources',
  operations: 'Operations',
};
const TOP: Record<string, string> = {
  module: 'Module',
  rules: 'Rules',
  mutating: 'Mutating',
  backgroundAudit: 'Background audit',
  executionMode: 'Execution mode',
  policyType: 'Policy type',
  protocolVersion: 'Protocol version',
  contextAwareResources: 'Context-aware resources',
  hostCapabilities: 'Host capabilities',
  minimumKubewardenVersion: 'Minimum Kubewarden version',
  annotations: 'Annotations',
};

/**
 * The field as the form names it, counted from 1 like the form: `rules.0.apiGroups` → "Rule 1 › API groups",
 * `annotations.io.kubewarden.policy.title` → "Title", `annotationRow.2` → "Annotation 3".
 */
export function fieldLabel(path: string): string {
  if (path === '') return 'Metadata';
  let m = /^rules\.(\d+)(?:\.(\w+))?/.exec(path);
  if (m) return `Rule ${Number(m[1]) + 1}${m[2] ? ` › ${RULE_LISTS[m[2]] ?? m[2]}` : ''}`;
  m = /^contextAwareResources\.(\d+)(?:\.(\w+))?/.exec(path);
  if (m)
    return `Context-aware resource ${Number(m[1]) + 1}${m[2] ? ` › ${m[2] === 'apiVersion' ? 'API version' : 'Kind'}` : ''}`;
  m = /^annotationRow\.(\d+)/.exec(path);
  if (m) return `Annotation ${Number(m[1]) + 1}`;
  if (path.startsWith('annotations.')) {
    const key = path.slice('annotations.'.length);
    return TEXT_FIELDS.find((f) => f.key === key)?.label ?? `Annotation ${key}`;
  }
  return TOP[path.split('.')[0]] ?? path;
}

/** The ARIA attributes a control gets from its issues, and its id so issue links can focus it. */
export function describe(issues: readonly Issue[], path: string) {
  const here = issuesAt(issues, path);
  return {
    id: fieldId(path),
    'aria-invalid': here.some((i) => i.severity === 'error') ? ('true' as const) : undefined,
    'aria-describedby': here.length > 0 ? issueId(path) : undefined,
  };
}

/**
 * Lists that show one page at a time register here: given a field path whose control is not on screen, a revealer
 * turns to the page that holds it and says so. Returns the function that unregisters it.
 */
const revealers = new Set<(path: string) => boolean>();
export function registerRevealer(reveal: (path: string) => boolean): () => void {
  revealers.add(reveal);
  return () => revealers.delete(reveal);
}

function controlOf(path: string): HTMLElement | null {
  return (
    document.getElementById(fieldId(path)) ??
    document.querySelector<HTMLElement>(`[data-field="${CSS.escape(path)}"]`)
  );
}

function focusNow(el: HTMLElement): void {
  el.scrollIntoView({ block: 'center' });
  el.focus();
}

/**
 * Moves the focus to the control of a field path (by id, else by `data-field`), for issue links. A control on
 * another page of a paged list is revealed first and focused once it is drawn. True when the link was handled.
 */
export function focusField(path: string): boolean {
  const el = controlOf(path);
  if (el) {
    focusNow(el);
    return true;
  }
  if (![...revealers].some((reveal) => reveal(path))) return false;
  void tick().then(() => {
    const shown = controlOf(path);
    if (shown) focusNow(shown);
  });
  return true;
}
