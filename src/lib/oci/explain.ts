/** What each RegistryError code means to a user, and the fix (shown the same way in every view). */
import type { ExplanationTable } from '../common';
import type { RegistryErrorCode } from './errors';

export const REGISTRY_EXPLANATIONS: ExplanationTable<RegistryErrorCode> = {
  network: {
    title: 'The registry could not be reached',
    explanation:
      'The browser got no answer: the host name or port may be wrong, the registry may be down, or its TLS certificate is not trusted.',
    fix: 'Check the host and port, that the registry is running, and that this browser trusts its certificate.',
  },
  'redirect-failed': {
    title: 'The registry redirects in a way that cannot be followed',
    explanation:
      'The registry answered with a redirect, and following it failed: the redirects go round in a loop (or past 20 hops), or they lead to a host that cannot be reached.',
    fix: 'Check the registry’s (or its proxy’s) redirect rules and the API base URL in the registry’s advanced settings; a loop usually comes from a proxy that redirects http to https and back.',
  },
  timeout: {
    title: 'The registry did not answer in time',
    explanation:
      'A request got no answer, or its answer stopped arriving part way, within the time limit set for this registry.',
    fix: 'Try again; for a slow registry or a large blob, raise the request timeout in the registry’s advanced settings.',
  },
  cors: {
    title: 'The registry does not allow this page (CORS)',
    explanation:
      'The registry answered, but without Access-Control-* headers for this page, so the browser hid the answer.',
    fix: 'Add the CORS headers below to the registry configuration, or put the nginx proxy below in front of it.',
  },
  'mixed-content': {
    title: 'Blocked: an https page cannot call an http registry',
    explanation: 'Browsers block plain-http requests from https pages, except to localhost and 127.0.0.1.',
    fix: 'Serve the registry (or a proxy in front of it) over https, or run Wasmlens from http://localhost.',
  },
  unauthorized: {
    title: 'Wrong or missing credentials',
    explanation: 'The registry refused the credentials, or asked for some and none are saved for it.',
    fix: 'In the Registry view, under "Registries", add this registry with the right username and password or token.',
  },
  'realm-declined': {
    title: 'Credentials were not sent to the token service',
    explanation:
      'The registry hands out tokens from a service on another host, and you chose not to send your credentials there, so the request went without them.',
    fix: 'Run the action again and allow the token service when asked, if you trust it; or set the registry’s token endpoint in its advanced settings.',
  },
  denied: {
    title: 'Missing permission',
    explanation: 'You are signed in, but your account may not do this on this repository (for example push).',
    fix: 'Ask the registry administrator for the permission, or use a repository you own.',
  },
  'not-found': {
    title: 'Not found',
    explanation: 'The repository, tag or digest does not exist on this registry.',
    fix: 'Check the reference for typos; list the repository’s tags to see what exists.',
  },
  'upload-unknown': {
    title: 'The upload was no longer open on the registry',
    explanation:
      'The registry does not know this upload any more: it had already finished (a request sent twice), it expired, or the registry restarted while it was open. The repository itself is there.',
    fix: 'Push again: a new upload starts, and blobs the registry already has are not sent again.',
  },
  'digest-mismatch': {
    title: 'The content does not match its digest',
    explanation: 'What the registry sent does not hash to the digest it claims. It was discarded unread.',
    fix: 'The registry storage may be corrupt or tampered with. Ask its administrator to check it.',
  },
  'size-mismatch': {
    title: 'The content does not have its declared size',
    explanation:
      'The registry sent more or fewer bytes than the manifest declares. They were discarded unread.',
    fix: 'The registry storage may be corrupt or tampered with. Ask its administrator to check it.',
  },
  unsupported: {
    title: 'Not supported by this registry or artifact',
    explanation: 'The registry or the artifact uses a feature Wasmlens cannot handle here.',
    fix: 'See the message below; for a registry feature, check the registry’s advanced settings.',
  },
  'too-large': {
    title: 'Too large',
    explanation: 'A manifest or blob is larger than allowed (manifests are limited to 4 MiB).',
    fix: 'Check that the reference points to a policy artifact.',
  },
  'blob-limit': {
    title: 'Larger than the download limit',
    explanation:
      'The artifact names a blob larger than the download limit for this registry (512 MiB unless you changed it). A download is held whole in this tab’s memory while it is verified, so Wasmlens refused it before reading any of it.',
    fix: 'If you expect a blob this large and this device has the memory, add the registry in the Registry view (under “Registries”, “Advanced”) with a higher “Largest blob to download”.',
  },
  'rate-limited': {
    title: 'Rate limited',
    explanation: 'The registry asks to slow down.',
    fix: 'Wait a moment and try again, or sign in to get a higher limit.',
  },
  'invalid-reference': {
    title: 'Invalid reference',
    explanation: 'The reference could not be read.',
    fix: 'Write it as registry/repository:tag or registry/repository@sha256:<digest>.',
  },
  'invalid-manifest': {
    title: 'Not a manifest Wasmlens can read',
    explanation: 'The manifest is malformed, or it does not have the layers this action needs.',
    fix: 'Check that the reference points to the right artifact, or open it in the Artifacts view to see what it is.',
  },
  'bad-response': {
    title: 'Unexpected answer from the registry',
    explanation: 'The registry answered with something that does not follow the OCI distribution spec.',
    fix: 'See the registry’s message below; if a proxy is in front of it, check the API base URL.',
  },
  'push-refused': {
    title: 'Push refused',
    explanation: 'This policy cannot be pushed as it is.',
    fix: 'Annotate it first (Annotate view), or choose "Push anyway" where kwctl allows it.',
  },
  'delete-refused': {
    title: 'This registry does not allow deletes',
    explanation:
      'The registry answered 405: deleting manifests is switched off. distribution refuses deletes unless its storage allows them, and many hosted registries delete only through their own web interface.',
    fix: 'On distribution, set `storage: { delete: { enabled: true } }` in config.yml and restart it (run its garbage collector to free the space); on a hosted registry, delete the tag in its web interface.',
  },
  aborted: {
    title: 'Cancelled',
    explanation: 'The operation was cancelled before it finished.',
    fix: 'Run it again when you are ready.',
  },
};
