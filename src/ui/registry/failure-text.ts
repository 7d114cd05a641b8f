/** Plain-language explanations and fixes for each registry error code (design.md: every error code maps to a fix). */

export interface FailureText {
  title: string;
  explanation: string;
  fix: string;
}

const TEXTS: Record<string, FailureText> = {
  network: {
    title: 'The registry could not be reached',
    explanation:
      'The browser got no answer: the host name, port or TLS setup may be wrong, or the registry is down.',
    fix: 'Check the host and port, that the registry is running, and that its certificate is trusted by this browser.',
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
    explanation: 'The registry refused the credentials (or asked for some and none are saved for it).',
    fix: 'Add the registry under "Registries" with the right username and password or token.',
  },
  denied: {
    title: 'Missing permission',
    explanation: 'You are signed in, but your account may not do this on this repository (for example push).',
    fix: 'Ask the registry administrator for the permission, or use a repository you own.',
  },
  'not-found': {
    title: 'Not found',
    explanation: 'The repository, tag or digest does not exist on this registry.',
    fix: "Check the reference; list the repository's tags to see what exists.",
  },
  'digest-mismatch': {
    title: 'The content does not match its digest',
    explanation: 'What the registry sent does not hash to the digest it claims. It was discarded unread.',
    fix: 'The registry storage may be corrupt or tampered with. Ask its administrator to check it.',
  },
  unsupported: {
    title: 'Not supported by this registry or artifact',
    explanation: 'The registry or the artifact uses a feature Wasmlens cannot handle here.',
    fix: "See the registry's message below.",
  },
  'too-large': {
    title: 'Too large',
    explanation: 'A manifest or blob is larger than allowed (manifests are limited to 4 MiB).',
    fix: 'Check that the reference points to a policy artifact.',
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
  'bad-response': {
    title: 'Unexpected answer from the registry',
    explanation: 'The registry answered with something that does not follow the OCI distribution spec.',
    fix: "See the registry's message below; check the API base URL if a proxy is in front of it.",
  },
  'size-mismatch': {
    title: 'The content does not have its declared size',
    explanation:
      'The registry sent more or fewer bytes than the manifest declares. They were discarded unread.',
    fix: 'The registry storage may be corrupt or tampered with. Ask its administrator to check it.',
  },
  'invalid-manifest': {
    title: 'Not a policy manifest Wasmlens can read',
    explanation: 'The manifest is malformed, or the artifact has no WebAssembly layer.',
    fix: 'Check that the reference points to a Kubewarden policy (or open it in the Artifacts view).',
  },
  'push-refused': {
    title: 'Push refused',
    explanation: 'This policy cannot be pushed as it is.',
    fix: 'Annotate it first (Annotate view), or choose "Push anyway" where allowed.',
  },
};

const FALLBACK: FailureText = {
  title: 'Something went wrong',
  explanation: 'The operation failed.',
  fix: 'See the message below.',
};

/** The text for an error code; unknown codes get a generic text with the raw message shown below it. */
export function failureText(code: string): FailureText {
  return TEXTS[code] ?? FALLBACK;
}
