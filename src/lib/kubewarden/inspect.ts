/** The content of the Inspect view, as `kwctl inspect` prints it (§11): details, other annotations, rules, usage. */
import {
  KEY_AUTHOR,
  KEY_DESCRIPTION,
  KEY_LICENSE,
  KEY_SOURCE,
  KEY_TITLE,
  KEY_URL,
  KEY_USAGE,
} from './constants';
import { compareUtf8 } from './model';
import type { Metadata } from './types';
import { toYaml } from './yaml-export';

export interface DetailRow {
  label: string;
  value: string;
}

export interface InspectModel {
  /** kwctl's Details block, in its order. */
  details: DetailRow[];
  /** Every other annotation (not the six detail keys, not usage), sorted by key. Empty: no heading. */
  annotations: [string, string][];
  rulesYaml: string;
  /** The resources list as YAML, or null when the policy is not context aware. */
  contextAwareYaml: string | null;
  /** Markdown usage text (untrusted), or null. */
  usage: string | null;
  /** Wasmlens extra: declared host capabilities, or null when the key is absent. */
  hostCapabilities: string[] | null;
}

/** The six annotations kwctl shows as Details rows, with their labels. */
export const DETAIL_ANNOTATIONS: readonly [string, string][] = [
  ['title', KEY_TITLE],
  ['description', KEY_DESCRIPTION],
  ['author', KEY_AUTHOR],
  ['url', KEY_URL],
  ['source', KEY_SOURCE],
  ['license', KEY_LICENSE],
];

/** What Inspect shows when a module has no metadata section. */
export const NO_METADATA_MESSAGE =
  'No Kubewarden metadata found. Policies can be annotated with the `kwctl annotate` command.';
export const CONTEXT_AWARE_INTRO =
  'The policy requires access to the following Kubernetes resources at evaluation time:';
export const CONTEXT_AWARE_OUTRO = 'To avoid abuses, review carefully what the policy requires access to.';

/** Builds the Inspect page model from metadata; pure and cheap, so it can run on every edit. */
export function inspectModel(metadata: Metadata): InspectModel {
  const a = metadata.annotations;
  const has = (key: string) => Object.prototype.hasOwnProperty.call(a, key);
  const details: DetailRow[] = [];
  for (const [label, key] of DETAIL_ANNOTATIONS) if (has(key)) details.push({ label, value: a[key] });
  details.push({ label: 'mutating', value: String(metadata.mutating) });
  details.push({ label: 'background audit support', value: String(metadata.backgroundAudit) });
  details.push({ label: 'context aware', value: String(metadata.contextAwareResources.length > 0) });
  details.push({ label: 'policy type', value: metadata.policyType });
  details.push({ label: 'execution mode', value: metadata.executionMode });
  if (metadata.executionMode === 'kubewarden-wapc')
    details.push({ label: 'protocol version', value: metadata.protocolVersion === 'v1' ? '1' : '0' });
  if (metadata.minimumKubewardenVersion !== undefined)
    details.push({ label: 'minimum kubewarden version', value: metadata.minimumKubewardenVersion });
  const hidden = new Set([...DETAIL_ANNOTATIONS.map(([, key]) => key), KEY_USAGE]);
  const annotations = Object.keys(a)
    .filter((key) => !hidden.has(key))
    .sort(compareUtf8)
    .map((key): [string, string] => [key, a[key]]);
  return {
    details,
    annotations,
    rulesYaml: toYaml(metadata.rules),
    contextAwareYaml: metadata.contextAwareResources.length ? toYaml(metadata.contextAwareResources) : null,
    usage: has(KEY_USAGE) ? a[KEY_USAGE] : null,
    hostCapabilities: metadata.hostCapabilities ? [...metadata.hostCapabilities] : null,
  };
}
