/**
 * Hash routing: `#/<view>` selects a view, `#/ref/<reference>` opens a registry reference, and the Browse view has
 * one address per level (`#/registry/<host>`, `#/repo/<host>/<path>`, `#/diff/<ref>..<ref>`), so links can be shared
 * and Back/Forward work. The hash never carries file contents or credentials. Route changes that come from outside
 * the app's own calls (a link, Back/Forward, a typed address, a fresh load) reach the listeners, which is where a
 * route turns into an action; state fields never do.
 */
export const VIEWS = [
  'explorer',
  'inspect',
  'annotate',
  'registry',
  'evaluate',
  'artifacts',
  'browse',
] as const;
export type ViewName = (typeof VIEWS)[number];

/** What the Browse view shows: a registry's repositories, a repository's tags, or two policies compared. */
export type BrowseTarget =
  | { level: 'registry'; host: string }
  | { level: 'repo'; host: string; repository: string }
  | { level: 'diff'; left: string; right: string };

export interface Route {
  view: ViewName;
  /** A registry reference to open (from `#/ref/…`), if any. */
  ref: string | null;
  /** What the Browse view opens (from `#/registry/…`, `#/repo/…`, `#/diff/…`), if anything. */
  browse?: BrowseTarget | null;
}

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#\/?/, '');
  if (path.startsWith('ref/')) return { view: 'artifacts', ref: safeDecode(path.slice(4)) };
  const browse = parseBrowse(path);
  if (browse) return { view: 'browse', ref: null, browse };
  const view = VIEWS.find((v) => v === path.split('/')[0]);
  return { view: view ?? 'explorer', ref: null };
}

function parseBrowse(path: string): BrowseTarget | null {
  const slash = path.indexOf('/');
  if (slash < 0) return null;
  const head = path.slice(0, slash);
  const rest = safeDecode(path.slice(slash + 1)).replace(/\/+$/, '');
  if (!rest) return null;
  if (head === 'registry') return { level: 'registry', host: rest };
  if (head === 'repo') {
    const i = rest.indexOf('/');
    return i < 0
      ? { level: 'registry', host: rest }
      : { level: 'repo', host: rest.slice(0, i), repository: rest.slice(i + 1) };
  }
  if (head === 'diff') return splitDiff(rest);
  return null;
}

/**
 * `<ref>..<ref>`, cut at the first `..`. The shell cannot afford the reference parser, so the Browse state re-cuts it
 * where both sides are references (a tag may hold `..`; see lib/oci `splitReferencePair`).
 */
export function splitDiff(text: string): BrowseTarget | null {
  const cut = text.indexOf('..');
  return cut < 0 ? null : { level: 'diff', left: text.slice(0, cut), right: text.slice(cut + 2) };
}

/** A malformed escape (`%E0%A4%A`) in a pasted link is kept as typed rather than throwing. */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function hashFor(route: Route): string {
  if (route.ref) return `#/ref/${route.ref}`;
  const b = route.browse;
  if (b?.level === 'registry') return `#/registry/${b.host}`;
  if (b?.level === 'repo') return `#/repo/${b.host}/${b.repository}`;
  if (b?.level === 'diff') return `#/diff/${b.left}..${b.right}`;
  return `#/${route.view}`;
}

export class Router {
  route = $state<Route>(parseHash(typeof location === 'undefined' ? '' : location.hash));
  private listeners: ((route: Route) => void)[] = [];

  constructor() {
    if (typeof window !== 'undefined') {
      window.addEventListener('hashchange', () => {
        this.route = parseHash(location.hash);
        for (const fn of this.listeners) fn(this.route);
      });
    }
  }

  /** Calls `fn` with the current route now and after every change of the address. */
  onRoute(fn: (route: Route) => void): void {
    this.listeners.push(fn);
    fn(this.route);
  }

  /**
   * Shows a view and records it in the address, so Back returns to the previous one. The address follows once
   * the view is drawn: a same-document navigation blocks the page while the browser records it (1–38 ms
   * measured), and the view need not wait for that.
   */
  go(view: ViewName, ref: string | null = null): void {
    this.navigate({ view, ref });
  }

  /**
   * Shows a route and records it in the address. `replace` rewrites the current entry instead (a redirect, so Back
   * does not land on an address that redirects again); it fires no listener, so the caller acts itself.
   */
  navigate(route: Route, { replace = false } = {}): void {
    this.route = { browse: null, ...route };
    const next = hashFor(this.route);
    if (typeof location === 'undefined' || location.hash === next) return;
    if (replace && typeof history !== 'undefined') {
      history.replaceState(history.state, '', next);
      return;
    }
    afterPaint(() => {
      // A later navigation owns the address now.
      if (hashFor(this.route) === next && location.hash !== next) location.hash = next;
    });
  }
}

/** Runs `fn` once, after the next frame is painted (or soon, where there are no frames: Node, hidden tabs). */
function afterPaint(fn: () => void): void {
  let done = false;
  const once = () => {
    if (!done) fn();
    done = true;
  };
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => setTimeout(once, 0));
  setTimeout(once, 100);
}
