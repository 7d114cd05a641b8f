/** The app-wide state singletons: the open document, the router and the recents. Views import these. */
import { OpenDocument } from './document.svelte';
import { Router } from './router.svelte';
import { Recents } from './recents.svelte';

export const appDocument = new OpenDocument();
export const router = new Router();
export const recents = new Recents();

appDocument.onOpened = (doc) => {
  if (!doc.bytes || !doc.sha256) return;
  if (doc.source.kind === 'registry')
    void recents.recordReference(doc.source.reference, doc.source.manifestDigest ?? doc.source.digest);
  else void recents.recordFile(doc.name, doc.sha256, doc.bytes);
};

// A `#/ref/…` address (link, Back/Forward, fresh load) opens that reference, and `#/registry/…`, `#/repo/…` and
// `#/diff/…` open that level of the Browse view; the artifacts and browse code load only then.
router.onRoute((route) => {
  const ref = route.ref;
  if (ref) void import('./artifacts.svelte').then(({ artifacts }) => artifacts.openFromRoute(ref));
  const target = route.browse;
  if (target) void import('./browse.svelte').then(({ browse }) => browse.openFromRoute(target));
});
