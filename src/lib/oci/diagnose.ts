/** Turns "Failed to fetch" into a reason and a fix, checking in the order of oci.md §8.6. */
import { distributionCorsConfig, nginxCorsRecipe } from './cors-recipes';
import { isLoopbackHost } from './reference';

export type DiagnosisCode =
  | 'mixed-content'
  | 'local-network'
  | 'unreachable'
  | 'redirect-failed'
  | 'cors-missing'
  | 'preflight-failed'
  | 'hidden-headers'
  | 'ok';

export interface Diagnosis {
  code: DiagnosisCode;
  title: string;
  explanation: string;
  /** What to do; may hold a config text to copy. */
  fix: string;
  /** Config snippets with this page's origin filled in (for `cors-missing` and `preflight-failed`). */
  recipes?: { distribution: string; nginx: string };
}

const PRIVATE = /^(?:10\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.|169\.254\.)/;

/** Response headers the client needs to read; missing ones are named in `hidden-headers`. */
const NEEDED_HEADERS = ['docker-distribution-api-version', 'www-authenticate'];

/**
 * Diagnoses why requests to `baseUrl` fail from a page at `pageOrigin`. Uses `fetch` (the page's own in browsers)
 * with `credentials: 'omit'`; never sends credentials.
 */
export async function diagnoseFailure(
  baseUrl: string,
  {
    pageOrigin,
    fetch: fetchFn = globalThis.fetch,
    signal,
  }: { pageOrigin: string; fetch?: typeof fetch; signal?: AbortSignal },
): Promise<Diagnosis> {
  const base = new URL(baseUrl);
  const page = new URL(pageOrigin);
  const probe = `${baseUrl.replace(/\/+$/, '')}/v2/`;
  const recipes = {
    distribution: distributionCorsConfig(page.origin),
    nginx: nginxCorsRecipe(page.origin, 'http://127.0.0.1:5000'),
  };
  if (page.protocol === 'https:' && base.protocol === 'http:' && !isLoopbackHost(base.host))
    return {
      code: 'mixed-content',
      title: 'Blocked: an https page cannot call an http registry',
      explanation: `This page is served over https, and ${base.origin} is plain http on a host that is not this computer. Browsers block such requests (mixed content).`,
      fix: 'Put TLS on the registry or on a proxy in front of it, or run Wasmlens from http://localhost.',
    };
  const pageLocal = isLoopbackHost(page.host) || PRIVATE.test(page.hostname);
  if (!pageLocal && (isLoopbackHost(base.host) || PRIVATE.test(base.hostname)))
    return {
      code: 'local-network',
      title: 'The browser may need permission to reach a local address',
      explanation: `This page is on a public address and ${base.origin} is on your computer or local network. Chrome asks for permission first (Local Network Access); a refusal looks like a network error.`,
      fix: 'Allow local network access for this site when the browser asks, or run Wasmlens locally.',
    };
  try {
    await fetchFn(probe, { mode: 'no-cors', credentials: 'omit', signal });
  } catch {
    // Something answered if a request that does not follow redirects gets one: the redirects are what failed.
    const first = await fetchFn(probe, {
      mode: 'no-cors',
      credentials: 'omit',
      redirect: 'manual',
      signal,
    }).catch(() => null);
    if (first && (first.type === 'opaqueredirect' || (first.status >= 300 && first.status < 400)))
      return {
        code: 'redirect-failed',
        title: 'The registry redirects in a way that cannot be followed',
        explanation: `${base.origin} answers with a redirect, and following it fails: the redirects go round in a loop (or past 20 hops), or they lead to a host that cannot be reached. The name, the connection and TLS are fine.`,
        fix: 'Check the redirect rules of the registry or the proxy in front of it (a loop often comes from http→https→http rules), and the API base URL in the registry’s advanced settings.',
      };
    return {
      code: 'unreachable',
      title: 'The registry cannot be reached',
      explanation: `Nothing answered at ${base.origin}: the name does not resolve, the connection is refused, or TLS failed.`,
      fix: 'Check the host name and port, that the registry runs, and that its certificate is trusted by this browser.',
    };
  }
  let plain: Response;
  try {
    plain = await fetchFn(probe, { credentials: 'omit', signal });
    await plain.body?.cancel().catch(() => {});
  } catch {
    return {
      code: 'cors-missing',
      title: 'The registry answers, but does not allow this page (CORS)',
      explanation: `${base.origin} answered, but without an Access-Control-Allow-Origin header for ${page.origin}, so the browser hides the answer.`,
      fix: `Add CORS headers for exactly ${page.origin} to the registry (distribution: the http.headers block below), or put the nginx proxy below in front of it.`,
      recipes,
    };
  }
  try {
    const authed = await fetchFn(probe, {
      credentials: 'omit',
      headers: { Authorization: 'Basic d2FzbWxlbnMtZGlhZ25vc2U6eA==' },
      signal,
    });
    await authed.body?.cancel().catch(() => {});
  } catch {
    return {
      code: 'preflight-failed',
      title: 'Requests with credentials are blocked (failed preflight)',
      explanation: `Simple requests to ${base.origin} work, but a request with an Authorization header fails. An authenticating registry answers the browser's OPTIONS preflight with 401, or Allow-Headers/Methods lack an entry.`,
      fix: 'Put a proxy in front that answers OPTIONS itself (nginx recipe below), or serve Wasmlens and the registry from the same origin.',
      recipes,
    };
  }
  const hidden = NEEDED_HEADERS.filter(
    (h) => plain.headers.get(h) === null && !(h === 'www-authenticate' && plain.status !== 401),
  );
  if (hidden.length)
    return {
      code: 'hidden-headers',
      title: 'Some response headers are hidden from this page',
      explanation: `The registry works, but these headers read as empty: ${hidden.join(', ')}. Access-Control-Expose-Headers does not list them, so digests, upload locations and auth challenges may be invisible.`,
      fix: 'Expose the headers listed in the recipe below (Access-Control-Expose-Headers).',
      recipes,
    };
  return {
    code: 'ok',
    title: 'The registry is reachable and allows this page',
    explanation: `${base.origin} answered with HTTP ${plain.status} and the CORS headers this page needs.`,
    fix: 'If an operation still fails, check the credentials and the repository name.',
  };
}
