/** `kwctl scaffold artifacthub`: an artifacthub-pkg.yml from the metadata, with kwctl's mapping and errors (§13.1). */
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
import { MetadataError } from './errors';
import { formatReference, parseReference } from './reference';
import type { Metadata } from './types';
import { isSemver } from './validate';
import { toYaml } from './yaml-export';
import { parseMaintainers } from './maintainers';

export interface ArtifactHubOptions {
  /** Text of a questions-ui file; an empty string is an error, as in kwctl. */
  questions?: string;
  /** The creation time to write; defaults to now. */
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

function semverError(text: string): string {
  if (text === '') return 'empty string, expected a semver version';
  if (/^v/i.test(text)) return `unexpected character '${text[0]}' while parsing major version number`;
  return `'${text}' is not a semantic version X.Y.Z`;
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
  if (!isSemver(version)) fail(`policy version must be in semver: ${semverError(version)}`);
  if (options.questions === '') fail('questions-ui content cannot be empty');
  const name = get(KEY_TITLE) ?? missing(KEY_TITLE);
  const displayName = get(KEY_DISPLAY_NAME) ?? missing(KEY_DISPLAY_NAME);
  const description = get(KEY_DESCRIPTION) ?? missing(KEY_DESCRIPTION);
  const url = get(KEY_URL);
  const homeURL = url === undefined ? undefined : parseUrl(url, KEY_URL).href;
  const ociUrl = get(KEY_OCI_URL) ?? missing(KEY_OCI_URL);
  const parsed = parseReference(`${ociUrl}:v${version}`);
  if (typeof parsed === 'string') malformedUrl(KEY_OCI_URL, parsed);
  const ref = formatReference(parsed as Exclude<typeof parsed, string>);
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
  const hiddenUi = get(KEY_HIDDEN_UI);
  if (hiddenUi !== undefined && hiddenUi !== 'true' && hiddenUi !== 'false')
    fail(`annotation "${KEY_HIDDEN_UI}" in policy metadata is malformed, must be a string "true" or "false"`);

  const annotations: Record<string, string> = {};
  if (metadata.contextAwareResources.length)
    annotations['kubewarden/contextAwareResources'] = toYaml(metadata.contextAwareResources);
  if (hiddenUi !== undefined) annotations['kubewarden/hidden-ui'] = hiddenUi;
  annotations['kubewarden/mutation'] = String(metadata.mutating);
  if (options.questions !== undefined) annotations['kubewarden/questions-ui'] = options.questions;
  const resources = get(KEY_RESOURCES);
  if (resources !== undefined) annotations['kubewarden/resources'] = resources;
  annotations['kubewarden/rules'] = toYaml(metadata.rules);

  const pkg: Record<string, unknown> = {
    version,
    name,
    displayName,
    createdAt: (options.now ?? new Date()).toISOString(),
    description,
  };
  const license = get(KEY_LICENSE);
  if (license !== undefined) pkg.license = license;
  if (homeURL !== undefined) pkg.homeURL = homeURL;
  pkg.containersImages = [{ name: 'policy', image: ref }];
  if (keywords) pkg.keywords = keywords;
  if (links) pkg.links = links;
  pkg.install = installText(ref);
  if (maintainers) pkg.maintainers = maintainers;
  pkg.provider = { name: 'kubewarden' };
  pkg.recommendations = [{ url: 'https://artifacthub.io/packages/helm/kubewarden/kubewarden-controller' }];
  pkg.annotations = annotations;
  return `${ARTIFACTHUB_HEADER}\n${toYaml(pkg)}`;
}
