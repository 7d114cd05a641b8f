/** The app-wide state singletons: the open document and the router. Views import these instead of prop-drilling. */
import { OpenDocument } from './document.svelte';
import { Router } from './router.svelte';
import { Recents } from './recents.svelte';

export const appDocument = new OpenDocument();
export const router = new Router();
export const recents = new Recents();

appDocument.onOpened = (doc) => {
  if (!doc.bytes || !doc.sha256) return;
  if (doc.source.kind === 'registry') void recents.recordReference(doc.source.reference, doc.source.digest);
  else void recents.recordFile(doc.name, doc.sha256, doc.bytes);
};
