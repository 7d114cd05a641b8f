/** The app-wide state singletons: the open document and the router. Views import these instead of prop-drilling. */
import { OpenDocument } from './document.svelte';
import { Router } from './router.svelte';

export const appDocument = new OpenDocument();
export const router = new Router();
