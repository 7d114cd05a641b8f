/**
 * Hash routing: `#/<view>` selects a view and `#/ref/<reference>` opens a registry reference, so links can be
 * shared and Back/Forward work. The hash never carries file contents or credentials. Route changes that come from
 * outside the app's own calls (a link, Back/Forward, a typed address, a fresh load) reach the listeners, which is
 * where a route turns into an action; state fields never do.
 */

export const VIEWS = ['explorer', 'inspect', 'annotate', 'registry', 'evaluate', 'artifacts'] as const;
export type ViewName = (typeof VIEWS)[number];

export interface Route {
  view: ViewName;
  /** A registry reference to open (from `#/ref/…`), if any. */
  ref: string | null;
}

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#\/?/, '');
  if (path.startsWith('ref/')) return { view: 'artifacts', ref: safeDecode(path.slice(4)) };
  const view = VIEWS.find((v) => v === path.split('/')[0]);
  return { view: view ?? 'explorer', ref: null };
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
  return route.ref ? `#/ref/${route.ref}` : `#/${route.view}`;
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
    this.route = { view, ref };
    const next = hashFor(this.route);
    afterPaint(() => {
      // A later go() owns the address now.
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
