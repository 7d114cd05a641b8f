/** The Inspect view's state: which output tab is open, kept for the page so a visit elsewhere does not reset it. */
export const inspectTab = $state<{ current: 'details' | 'yaml' }>({ current: 'details' });
