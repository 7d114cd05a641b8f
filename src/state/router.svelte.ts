/**
 * Hash routing: `#/<view>` selects a view and `#/ref/<reference>` opens a registry reference, so links can be
 * shared and Back/Forward work. The hash never carries file contents or credentials.
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
  if (path.startsWith('ref/')) return { view: 'artifacts', ref: decodeURIComponent(path.slice(4)) };
  const view = VIEWS.find((v) => v === path.split('/')[0]);
  return { view: view ?? 'explorer', ref: null };
}

export function hashFor(route: Route): string {
  return route.ref ? `#/ref/${route.ref}` : `#/${route.view}`;
}

export class Router {
  route = $state<Route>(parseHash(typeof location === 'undefined' ? '' : location.hash));

  constructor() {
    if (typeof window !== 'undefined') {
      window.addEventListener('hashchange', () => (this.route = parseHash(location.hash)));
    }
  }

  /** Shows a view and records it in the address, so Back returns to the previous one. */
  go(view: ViewName, ref: string | null = null): void {
    const next = hashFor({ view, ref });
    if (location.hash !== next) location.hash = next;
    this.route = { view, ref };
  }
}
