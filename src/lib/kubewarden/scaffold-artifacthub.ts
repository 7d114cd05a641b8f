/** `kwctl scaffold artifacthub`: a byte-identical artifacthub-pkg.yml from the metadata, with kwctl's mapping and errors (§13.1). */
import {
  KEY_AUTHOR,
  KEY_DESCRIPTION,
  KEY_DISPLAY_NAME,
  KEY_HIDDEN_UI,
  KEY_KEYWORDS,
  KEY_LICENSE,
  KEY_OCI_URL,
  KEY_RELEASE_TAG,
  KEY_RESOURCES,
  KEY_SOURCE,
  KEY_TITLE,
  KEY_URL,
  KEY_VERSION,
} from './constants';
import { parseReference } from '../oci';
import { MetadataError } from './errors';
import { compareUtf8, sortedResources } from './model';
import { formatRfc3339, instantFromDate, parseRfc3339 } from './rfc3339';
import { semverError } from './semver';
import { serdeYaml, type YamlValue } from './serde-yaml-emit';
import type { Metadata } from './types';
import { parseMaintainers } from './maintainers';

export interface ArtifactHubOptions {
  /** Text of a questions-ui file; an empty string is an error, as in kwctl. */
  questions?: string;
  /**
   * The creation time: an RFC 3339 text (nanoseconds kept, e.g. kwctl's own `2025-09-15T08:09:49.259409941Z`) or a
   * Date. Defaults to now. The same input gives the same bytes as kwctl.
   */
  createdAt?: string | Date;
  /** @deprecated Use `createdAt`. */
  now?: Date;
}

export const ARTIFACTHUB_HEADER = [
  '# Kubewarden Artifacthub Package config',
  '#',
  '# Use this config to submit the policy to https://artifacthub.io.',
  '#',
  '# This config can be saved to its default location with:',
  '#   kwctl scaffold artifacthub > artifacthub-pkg.yml ',
].join('\n');

const fail = (message: string): never => {
  throw new MetadataError('scaffold', message);
};
const missing = (key: string) => fail(`policy metadata must specify "${key}" in annotations`);
// kwctl formats these with `{:?}`, which quotes the already quoted key a second time.
const malformedUrl = (key: string, error: string) =>
  fail(
    `annotation "${JSON.stringify(key)}" in policy metadata must be a well formed URL: ${JSON.stringify(error)}`,
  );

function parseUrl(text: string, key: string): URL {
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(text)) return malformedUrl(key, 'relative URL without a base');
  try {
    return new URL(text);
  } catch {
    return malformedUrl(key, 'invalid URL');
  }
}

/** createdAt as kwctl writes it (time crate Rfc3339 of `OffsetDateTime::now_utc()`). */
function createdAtText(input: string | Date | undefined): string {
  if (typeof input === 'string') {
    const instant = parseRfc3339(input);
    if (!instant) return fail(`createdAt '${input}' is not an RFC 3339 date-time`);
    return formatRfc3339(instant);
  }
  return formatRfc3339(instantFromDate(input ?? new Date()));
}

function installText(ref: string): string {
  return [
    'The policy can be obtained using [`kwctl`](https://github.com/kubewarden/kwctl):',
    '```console',
    `kwctl pull ${ref}`,
    '```',
    'Then, generate the policy manifest and tune it to your liking. For example:',
    '```console',
    `kwctl scaffold manifest -t ClusterAdmissionPolicy registry://${ref}`,
    '```',
    '',
  ].join('\n');
}

/**
 * The artifacthub-pkg.yml text for this metadata (not validated, like kwctl). Throws {@link MetadataError}
 * `scaffold` with kwctl's message for the first problem, checked in kwctl's order.
 */
export function scaffoldArtifactHub(metadata: Metadata, options: ArtifactHubOptions = {}): string {
  const a = metadata.annotations;
  const get = (key: string): string | undefined =>
    Object.prototype.hasOwnProperty.call(a, key) ? a[key] : undefined;
  if (Object.keys(a).length === 0)
    fail('no annotations in policy metadata. policy metadata must specify annotations');
  const version = get(KEY_VERSION) ?? missing(KEY_VERSION);
  const versionError = semverError(version);
  if (versionError !== null) fail(`policy version must be in semver: ${versionError}`);
  if (options.questions === '') fail('questions-ui content cannot be empty');
  const name = get(KEY_TITLE) ?? missing(KEY_TITLE);
  const displayName = get(KEY_DISPLAY_NAME) ?? missing(KEY_DISPLAY_NAME);
  const description = get(KEY_DESCRIPTION) ?? missing(KEY_DESCRIPTION);
  const url = get(KEY_URL);
  const homeURL = url === undefined ? undefined : parseUrl(url, KEY_URL).href;
  const ociUrl = get(KEY_OCI_URL) ?? missing(KEY_OCI_URL);
  let ref = '';
  try {
    // The one reference parser: `index.docker.io` becomes `docker.io`, bracketed IPv6 hosts are valid, and the
    // 255-character limit counts the repository path (kwctl parses `<ociUrl>:v<version>` as an OCI reference).
    ref = parseReference(`${ociUrl}:v${version}`).canonical;
  } catch (e) {
    malformedUrl(KEY_OCI_URL, (e as Error).message);
  }
  const keywordsText = get(KEY_KEYWORDS);
  let keywords: string[] | undefined;
  if (keywordsText !== undefined) {
    keywords = keywordsText.split(',').map((k) => k.replace(/^ +| +$/g, ''));
    if (keywords.some((k) => k === ''))
      fail(`annotation "${KEY_KEYWORDS}" in policy metadata is malformed, must be csv values`);
  }
  const sourceText = get(KEY_SOURCE);
  let links: { name: string; url: string }[] | undefined;
  if (sourceText !== undefined) {
    const source = parseUrl(sourceText, KEY_SOURCE).href;
    links = [{ name: 'source', url: source }];
    if (new URL(source).host === 'github.com') {
      const tag = new URLSearchParams({ t: get(KEY_RELEASE_TAG) ?? `v${version}` }).toString().slice(2);
      links.unshift({ name: 'policy', url: `${source}/releases/download/${tag}/policy.wasm` });
    }
  }
  const author = get(KEY_AUTHOR);
  const maintainers = author === undefined ? undefined : parseMaintainers(author, KEY_AUTHOR);
  // kwctl "parses" hidden-ui with `String::from_str`, which cannot fail: any value is copied (policy_artifacthub.rs).
  const hiddenUi = get(KEY_HIDDEN_UI);

  const annotations: Record<string, string> = {};
  if (metadata.contextAwareResources.length)
    annotations['kubewarden/contextAwareResources'] = serdeYaml(
      sortedResources(metadata.contextAwareResources) as unknown as YamlValue,
    );
  if (hiddenUi !== undefined) annotations['kubewarden/hidden-ui'] = hiddenUi;
  annotations['kubewarden/mutation'] = String(metadata.mutating);
  if (options.questions !== undefined) annotations['kubewarden/questions-ui'] = options.questions;
  const resources = get(KEY_RESOURCES);
  if (resources !== undefined) annotations['kubewarden/resources'] = resources;
  annotations['kubewarden/rules'] = serdeYaml(
    metadata.rules.map((r) => ({
      apiGroups: r.apiGroups,
      apiVersions: r.apiVersions,
      resources: r.resources,
      operations: r.operations,
    })),
  );
  // A BTreeMap in kwctl: keys in byte order.
  const sortedAnnotations = Object.fromEntries(
    Object.keys(annotations)
      .sort(compareUtf8)
      .map((k) => [k, annotations[k]]),
  );

  const pkg: Record<string, YamlValue> = {
    version,
    name,
    displayName,
    createdAt: createdAtText(options.createdAt ?? options.now),
    description,
  };
  const license = get(KEY_LICENSE);
  if (license !== undefined) pkg.license = license;
  if (homeURL !== undefined) pkg.homeURL = homeURL;
  pkg.containersImages = [{ name: 'policy', image: ref }];
  if (keywords) pkg.keywords = keywords;
  if (links) pkg.links = links;
  pkg.install = installText(ref);
  if (maintainers) pkg.maintainers = maintainers.map((m) => ({ name: m.name, email: m.email }));
  pkg.provider = { name: 'kubewarden' };
  pkg.recommendations = [{ url: 'https://artifacthub.io/packages/helm/kubewarden/kubewarden-controller' }];
  pkg.annotations = sortedAnnotations;
  return `${ARTIFACTHUB_HEADER}\n${serdeYaml(pkg)}`;
}
