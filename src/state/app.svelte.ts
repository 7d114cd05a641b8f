/** The app-wide state singletons: the open document, the router, the recents and the resume. Views import these. */
import { OpenDocument, type ShownHook } from './document.svelte';
import { Router } from './router.svelte';
import { Recents } from './recents.svelte';
import { Resume } from './resume.svelte';
import { KUBEWARDEN_METADATA, type WasmInfo } from '../lib/wasm';

export const appDocument = new OpenDocument();
export const router = new Router();
export const recents = new Recents();
export const resume = new Resume();

appDocument.onOpened = (doc) => {
  if (!doc.bytes || !doc.sha256) return;
  resume.remember({
    sha256: doc.sha256,
    name: doc.name,
    ...(doc.source.kind === 'registry' ? { reference: doc.source.reference } : {}),
  });
  if (doc.source.kind === 'registry')
    void recents.recordReference(doc.source.reference, doc.source.manifestDigest ?? doc.source.digest);
  else void recents.recordFile(doc.name, doc.sha256, doc.bytes);
};

// A reload in the middle of an edit comes back to the draft (the address keeps the view, e.g. #/annotate).
if (typeof sessionStorage !== 'undefined')
  void resume.start((name, bytes) => appDocument.openBytes(name, bytes));

// A `#/ref/…` address (link, Back/Forward, fresh load) opens that reference, and `#/registry/…`, `#/repo/…` and
// `#/diff/…` open that level of the Browse view; the artifacts and browse code load only then.
router.onRoute((route) => {
  const ref = route.ref;
  if (ref) void import('./artifacts.svelte').then(({ artifacts }) => artifacts.openFromRoute(ref));
  const target = route.browse;
  if (target) void import('./browse.svelte').then(({ browse }) => browse.openFromRoute(target));
});

/** True when the module carries a Kubewarden metadata section (readable or not: Inspect explains a broken one). */
export function hasPolicyMetadata(info: WasmInfo): boolean {
  return info.sections.some((s) => s.id === 0 && s.name === KUBEWARDEN_METADATA);
}

/**
 * Opens a file, then shows where the user looks next: a policy in Inspect, any other binary in Explorer. Inspect,
 * Annotate and Evaluate work on whatever file is open (Inspect offers to annotate a module without metadata), so
 * a file opened there stays there; and a user who went to another view while the file was read stays there too.
 * The landing comes as soon as the file is shown, never after its digest: a 100 MB module takes a second to hash,
 * and the view must not change under the user in that second.
 */
export async function openAndLand(open: (hook: ShownHook) => Promise<void>): Promise<void> {
  const { view: before, ref } = router.route;
  await open({
    onShown: () => {
      const info = appDocument.info;
      const view = router.route.view;
      if (!info || view !== before || router.route.ref !== ref) return;
      if (view === 'inspect' || view === 'annotate' || view === 'evaluate') return;
      router.go(hasPolicyMetadata(info) ? 'inspect' : 'explorer');
    },
  });
}
